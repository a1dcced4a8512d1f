"""The dry run and the write of one file, for any kind (`kinds.Kind`).

The dry run reads every row, cleans each cell, runs the kind's checks across rows and against the database (one query
per batch), and reports each refused row: row number, column, value, message. The write runs the same checks again
(the database may have changed since) and writes the rows in one transaction, by batches: the keys that exist are
fetched with one query per batch, new rows go in with bulk_create, changed ones with bulk_update, and an unchanged
row is not written at all, so the same file twice changes nothing."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from ..models import Store, User
from .cells import Column, clean_cell, header_key
from .reading import FileRefused, Table, max_rows

BATCH = 2000
REPORTED_ERRORS = 1000  # the report lists the first ones; the count is of all


@dataclass
class Row:
    number: int
    values: dict[str, Any]
    raw: dict[str, Any]
    resolved: dict[str, Any] = field(default_factory=dict)  # what the database checks found (a car's id …)


@dataclass
class RowError:
    row: int
    column: str
    value: str
    message: str

    def as_json(self) -> dict:
        return {"row": self.row, "column": self.column, "value": self.value[:200], "message": self.message}


@dataclass
class Counts:
    created: int = 0
    changed: int = 0
    unchanged: int = 0

    def add(self, created: bool, changed: bool) -> None:
        if created:
            self.created += 1
        elif changed:
            self.changed += 1
        else:
            self.unchanged += 1


@dataclass
class Checked:
    rows: list[Row]              # the good rows
    errors: list[RowError]
    bad_rows: int
    total: int
    seconds_read: float = 0.0
    seconds_check: float = 0.0


class Problems:
    """The errors of a check, by row, with the column's header as the file named it."""

    def __init__(self, headers: dict[str, str]) -> None:
        self.headers = headers
        self.by_row: dict[int, list[RowError]] = {}

    def add(self, row: Row, column: str, message: str, value: Any = None) -> None:
        shown = row.raw.get(column, "") if value is None else value
        self.by_row.setdefault(row.number, []).append(
            RowError(row.number, self.headers.get(column, column), str(shown), str(message)))

    def bad(self, row: Row) -> bool:
        return row.number in self.by_row


def match_headers(columns: Iterable[Column], headers: list[str]) -> dict[int, Column]:
    """Which column each header of the file is (by position), or FileRefused naming the unknown and missing ones."""
    columns = list(columns)
    by_name = {name: column for column in columns for name in column.names()}
    found: dict[int, Column] = {}
    unknown, seen = [], set()
    for index, header in enumerate(headers):
        if not header.strip():
            continue
        column = by_name.get(header_key(header))
        if column is None:
            unknown.append(header)
        elif column.key in seen:
            raise FileRefused(_("The column “%(name)s” appears twice.") % {"name": header})
        else:
            seen.add(column.key)
            found[index] = column
    missing = [f"{c.zh} ({c.en})" for c in columns if c.required and c.key not in seen]
    if unknown or missing:
        parts = []
        if missing:
            parts.append(_("Missing columns: %(names)s.") % {"names": "、".join(missing)})
        if unknown:
            parts.append(_("Unknown columns: %(names)s.") % {"names": "、".join(unknown)})
        parts.append(_("Download the template to see the columns this import takes."))
        raise FileRefused(" ".join(parts))
    return found


def check(kind, store: Store, table_reader: Callable[[], Table]) -> Checked:
    """The dry run: FileRefused for a file that cannot be read at all, else the good rows and every refusal."""
    started = time.monotonic()
    table = table_reader()
    found = match_headers(kind.columns, table.headers)
    headers = {column.key: table.headers[index].strip() for index, column in found.items()}
    limit = max_rows()
    raw_rows: list[tuple[int, dict[str, Any]]] = []
    for number, cells in table.rows:
        raw = {column.key: (cells[index] if index < len(cells) else "") for index, column in found.items()}
        if not any(v.strip() for v in raw.values()):
            continue  # an empty row (Excel keeps rows that were once used): skipped
        if len(raw_rows) >= limit:
            raise FileRefused(_("The file has more than %(n)s rows: split it into several files.")
                              % {"n": f"{limit:,}"})
        raw_rows.append((number, raw))
    read = time.monotonic()
    if not raw_rows:
        raise FileRefused(_("The file has its column names but no rows."))

    problems = Problems(headers)
    rows: list[Row] = []
    for number, raw in raw_rows:
        row = Row(number, {}, raw)
        for key, value in raw.items():
            column = kind.column(key)
            try:
                row.values[key] = clean_cell(column, value)
            except ValidationError as exc:
                problems.add(row, key, " ".join(exc.messages), value=value)
        if not problems.bad(row):
            for key, message in kind.row_check(row.values):
                problems.add(row, key, message)
        rows.append(row)
    good = [row for row in rows if not problems.bad(row)]
    kind.file_check(good, problems)
    good = [row for row in good if not problems.bad(row)]
    for start in range(0, len(good), BATCH):
        kind.database_check(store, good[start:start + BATCH], problems)
    kind.spread_errors(rows, problems)  # a past visit of several rows is refused whole
    errors = [error for number in sorted(problems.by_row) for error in problems.by_row[number]]
    return Checked(rows=[row for row in rows if not problems.bad(row)], errors=errors,
                   bad_rows=len(problems.by_row), total=len(rows), seconds_read=read - started,
                   seconds_check=time.monotonic() - read)


def write(kind, store: Store, rows: list[Row], *, actor: User,
          progress: Callable[[int], None] | None = None) -> Counts:
    """All or nothing: every unit (a row; a past visit's rows) of `rows`, upserted by key in one transaction."""
    counts = Counts()
    units = kind.units(rows)
    done = 0
    with transaction.atomic():
        batch: list[list[Row]] = []
        size = 0
        for unit in units:
            batch.append(unit)
            size += len(unit)
            if size >= BATCH:
                kind.write_batch(store, batch, counts, actor=actor)
                done += size
                batch, size = [], 0
                if progress:
                    progress(done)
        if batch:
            kind.write_batch(store, batch, counts, actor=actor)
            done += size
    return counts
