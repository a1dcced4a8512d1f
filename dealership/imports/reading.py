"""A spreadsheet file into rows of text. openpyxl reads .xlsx (read-only, streaming); a .csv is decoded as UTF-8
(with or without the BOM Excel writes), else as GB18030, the superset of the GBK an old Chinese Excel saves in.
Anything else (an old .xls, a picture, random bytes) is refused as a whole, with a message saying what to do."""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import Decimal

import openpyxl
from django.conf import settings
from django.utils.translation import gettext as _
from openpyxl.utils.exceptions import InvalidFileException

XLSX_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0"  # the old binary .xls (and .doc): openpyxl does not read it


def max_rows() -> int:
    return getattr(settings, "IMPORT_MAX_ROWS", 200_000)


def max_bytes() -> int:
    return getattr(settings, "IMPORT_MAX_MB", 30) * 1024 * 1024


class FileRefused(Exception):
    """The file as a whole cannot be read: nothing of it is checked or written."""


@dataclass
class Table:
    headers: list[str]
    rows: Iterator[tuple[int, list[str]]]  # (the row's number as the user sees it, its cells as text)


def read_table(data: bytes) -> Table:
    if len(data) > max_bytes():
        raise FileRefused(_("The file is larger than %(mb)d MB: split it into several files.")
                          % {"mb": max_bytes() // (1024 * 1024)})
    if not data.strip():
        raise FileRefused(_("The file is empty."))
    if data.startswith(OLE_MAGIC):
        raise FileRefused(_("This is an old Excel file (.xls): open it in Excel and save it as .xlsx "
                            "(Excel workbook), or as CSV."))
    if data.startswith(XLSX_MAGIC):
        return _read_xlsx(data)
    return _read_csv(data)


def _not_a_spreadsheet() -> FileRefused:
    return FileRefused(_("This file is not a spreadsheet that can be read: save it from Excel as .xlsx "
                         "(Excel workbook) or as CSV, and upload that file."))


def _cell_text(value) -> str:
    """A cell as text, as a CSV would hold it: a date cell as 2024-03-31, a formula as its text (=A1*2)."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == time() else value.isoformat(sep=" ")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, time):
        return value.isoformat()
    if isinstance(value, float):
        # 13800138000.0 and 1.5 as a person typed them, not 1.38e10
        return format(Decimal(repr(value)).normalize(), "f") if value != int(value) else str(int(value))
    return str(value)


def _read_xlsx(data: bytes) -> Table:
    try:
        # data_only=False: a formula is read as its text, so it is refused with its row and column, rather than
        # trusting a cached result that a file written by a program other than Excel does not have
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=False)
        sheet = book.worksheets[0]
        # values_only: no cell objects (a third of the time on 100,000 rows); a formula still comes as its text
        rows = sheet.iter_rows(values_only=True)
        headers = _first_row(rows)
    except (zipfile.BadZipFile, InvalidFileException, KeyError, ValueError, TypeError, OSError, IndexError) as exc:
        raise _not_a_spreadsheet() from exc

    def cells() -> Iterator[tuple[int, list]]:
        number = 1
        try:
            for row in rows:
                number += 1
                yield number, [_cell_text(c) for c in row]
        except (zipfile.BadZipFile, KeyError, ValueError, TypeError, OSError) as exc:
            raise _not_a_spreadsheet() from exc
        finally:
            book.close()

    return Table(headers=headers, rows=cells())


def _first_row(rows) -> list[str]:
    for row in rows:
        headers = [_cell_text(c).strip() for c in row]
        if any(headers):
            return headers
        raise FileRefused(_("The first row must hold the column names; it is empty."))
    raise FileRefused(_("The file is empty."))


def _decode(data: bytes) -> str:
    if b"\x00" in data:
        raise _not_a_spreadsheet()  # UTF-16 or binary: Excel's "CSV UTF-8" and "CSV" never hold NUL bytes
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        # a binary file may still decode as GB18030, which maps nearly every byte: it then holds control characters
        controls = sum(1 for ch in text[:20000] if ord(ch) < 32 and ch not in "\r\n\t")
        if controls:
            raise _not_a_spreadsheet()
        return text
    raise FileRefused(_("The text of this CSV file is neither UTF-8 nor GBK: save it again from Excel as "
                        "“CSV UTF-8”."))


def _read_csv(data: bytes) -> Table:
    text = _decode(data)
    # the separator is the one the header line uses most: Excel writes "," (";" where the decimal mark is a
    # comma), other tools a tab; csv.Sniffer guesses from the data as well and can be misled by a cell's text
    header_line = text.lstrip("\ufeff").split("\n", 1)[0]
    delimiter = max(",;\t", key=header_line.count)
    reader = csv.reader(io.StringIO(text, newline=""), csv.excel, delimiter=delimiter)
    try:
        first = next(reader)
    except StopIteration:
        raise FileRefused(_("The file is empty.")) from None
    except csv.Error as exc:
        raise _not_a_spreadsheet() from exc
    headers = [h.strip() for h in first]
    if not any(headers):
        raise FileRefused(_("The first row must hold the column names; it is empty."))

    def cells() -> Iterator[tuple[int, list]]:
        number = 1  # the row as Excel shows the file (a quoted cell may hold line breaks: not reader.line_num)
        try:
            for row in reader:
                number += 1
                yield number, row
        except csv.Error as exc:
            raise FileRefused(_("Line %(line)d of the CSV file cannot be read (%(error)s).")
                              % {"line": reader.line_num, "error": exc}) from exc

    return Table(headers=headers, rows=cells())
