"""The downloadable template of each kind (an .xlsx made with openpyxl: the Chinese headers, required ones marked
with *, and one example row), and the writer the benchmark and the tests use to make files."""

from __future__ import annotations

import io
from collections.abc import Iterable, Sequence

import openpyxl
from openpyxl.styles import Font

from .kinds import KINDS


def headers(kind: str) -> list[str]:
    return [f"{c.zh}*" if c.required else c.zh for c in KINDS[kind].columns]


def xlsx_bytes(head: Sequence[str], rows: Iterable[Sequence]) -> bytes:
    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet()
    sheet.append(list(head))
    for row in rows:
        sheet.append(list(row))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def template_xlsx(kind: str) -> bytes:
    columns = KINDS[kind].columns
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = kind
    sheet.append(headers(kind))
    sheet.append([c.example for c in columns])
    for index, column in enumerate(columns, start=1):
        cell = sheet.cell(row=1, column=index)
        cell.font = Font(bold=True)
        letter = cell.column_letter
        sheet.column_dimensions[letter].width = max(12, len(column.zh) * 3, len(str(column.example)) + 4)
        if column.key in {"mobile", "vin", "number", "code", "old_number", "line_code"}:
            for row in (2,):
                sheet.cell(row=row, column=index).number_format = "@"  # text: a long number keeps its digits
    sheet.freeze_panes = "A2"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
