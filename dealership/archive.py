"""Closed years out of the append-only tables (issue 23; docs/scaling.md, "Data that grows for years").

`manage.py archive_years --before 2024` moves the rows from before 1 January 2024 that nothing needs any more out
of the live tables into archive tables beside them (`archive_<table>`, the same columns, indexed for the one way
each is read): the timelines of work orders closed or cancelled whose every event is before that day, the
messages to customers sent or given up, the settings log and the refused attempts. The live tables, and their
indexes, then hold the years the system works with.

What is still needed stays, whatever its age: an order still open, or with an event after the day, keeps its whole
timeline; a message still waiting to be sent stays in the outbox. The apps say what else must be true first
(`archive_check`): followup refuses while a month to be archived has no compliance count kept, since the count
reads the timeline and the refused attempts.

Each batch moves in one transaction (copied, then deleted), so a run stopped half-way leaves every row in one place
or the other, and running it again goes on where it stopped. The order page reads an archived order's timeline
and messages from the archive tables (`archived_rows`)."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, datetime, time

from django.db import connection, transaction
from django.db.models import Exists, Model, OuterRef, QuerySet
from django.utils import timezone

from .models import ArchiveRun, OutboundMessage, RefusedAttempt, SettingChange, WorkOrder, WorkOrderEvent

log = logging.getLogger(__name__)
BATCH = 5000
CLOSED = (WorkOrder.Status.CLOSED, WorkOrder.Status.CANCELLED)
_checks: list[Callable[[date], str | None]] = []


class ArchiveRefused(Exception):
    pass


def archive_check(check: Callable[[date], str | None]) -> Callable[[date], str | None]:
    """Register what must hold before the years before a day are moved out: the check returns why not, or None."""
    _checks.append(check)
    return check


def _batches(queryset: QuerySet) -> Iterator[list[int]]:
    """Ids of the rows to move, a batch at a time (the rows moved are gone from the next query)."""
    while ids := list(queryset.order_by("pk").values_list("pk", flat=True)[:BATCH]):
        yield ids


def _events(cutoff: datetime) -> QuerySet:
    """Whole timelines only: the events of orders closed or cancelled with no event from the cutoff on."""
    later = WorkOrderEvent.objects.filter(store_id=OuterRef("store_id"), work_order=OuterRef("pk"), at__gte=cutoff)
    orders = WorkOrder.objects.filter(status__in=CLOSED, created_at__lt=cutoff).exclude(Exists(later))
    return WorkOrderEvent.objects.filter(at__lt=cutoff, work_order__in=orders.values("pk"))


@dataclass(frozen=True)
class Table:
    model: type[Model]
    rows: Callable[[datetime], QuerySet]  # the rows before the cutoff that nothing needs any more
    indexed: tuple[tuple[str, ...], ...]  # the archive table's indexes: how it is read


TABLES = (
    Table(WorkOrderEvent, _events, (("work_order_id",), ("store_id", "at"))),
    Table(OutboundMessage, lambda cutoff: OutboundMessage.objects.filter(created_at__lt=cutoff).exclude(
        status__in=OutboundMessage.WAITING), (("work_order_id",), ("store_id", "created_at"))),
    Table(SettingChange, lambda cutoff: SettingChange.objects.filter(at__lt=cutoff), (("store_id", "at"),)),
    Table(RefusedAttempt, lambda cutoff: RefusedAttempt.objects.filter(at__lt=cutoff), (("store_id", "at"),)),
)


def archive_table(model: type[Model]) -> str:
    return f"archive_{model._meta.db_table}"


def _q(name: str) -> str:
    return connection.ops.quote_name(name)


def _columns(table: str) -> dict[str, str]:
    """The table's columns and their SQL types, in order."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT attname, format_type(atttypid, atttypmod) FROM pg_attribute WHERE attrelid = "
                           "%s::regclass AND attnum > 0 AND NOT attisdropped ORDER BY attnum", [table])
            return dict(cursor.fetchall())
        cursor.execute(f"PRAGMA table_info({_q(table)})")
        return {row[1]: row[2] for row in cursor.fetchall()}


def archive_ensure(model: type[Model], indexed: tuple[tuple[str, ...], ...]) -> None:
    """The archive table, with every column the live table has now (a column added to the live table since the
    last run is added to the archive too; one dropped stays there, empty from then on)."""
    live, archive = model._meta.db_table, archive_table(model)
    with connection.cursor() as cursor:
        if archive not in connection.introspection.table_names(cursor):
            cursor.execute(f"CREATE TABLE {_q(archive)} AS SELECT * FROM {_q(live)} WHERE 1 = 0")
        have = _columns(archive)
        for name, kind in _columns(live).items():
            if name not in have:
                cursor.execute(f"ALTER TABLE {_q(archive)} ADD COLUMN {_q(name)} {kind}")
        cursor.execute(f"CREATE UNIQUE INDEX IF NOT EXISTS {_q(archive + '_pk')} ON {_q(archive)} ({_q('id')})")
        for columns in indexed:
            name = f"{archive}_{'_'.join(columns)}"[:63]
            cursor.execute(f"CREATE INDEX IF NOT EXISTS {_q(name)} ON {_q(archive)} "
                           f"({', '.join(_q(c) for c in columns)})")


def _move(model: type[Model], ids: list[int]) -> int:
    live, archive = model._meta.db_table, archive_table(model)
    columns = ", ".join(_q(c) for c in _columns(live))
    marks = ", ".join(["%s"] * len(ids))
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"INSERT INTO {_q(archive)} ({columns}) SELECT {columns} FROM {_q(live)} "
                       f"WHERE {_q('id')} IN ({marks})", ids)
        cursor.execute(f"DELETE FROM {_q(live)} WHERE {_q('id')} IN ({marks})", ids)
        return cursor.rowcount


def archive_years(*, before: int, dry_run: bool = False, say: Callable[[str], None] = log.info) -> dict[str, int]:
    """Move the rows of the closed years before 1 January of `before` that nothing needs out of the live tables.
    Refused for a year not yet over, and while an app's check says what must be done first."""
    today = timezone.localdate()
    if before > today.year:
        raise ArchiveRefused(f"{before - 1} is not over yet: only closed years are archived.")
    first_kept = date(before, 1, 1)
    reasons = [reason for check in _checks if (reason := check(first_kept))]
    if reasons:
        raise ArchiveRefused("; ".join(reasons))
    cutoff = timezone.make_aware(datetime.combine(first_kept, time.min))
    moved: dict[str, int] = {}
    run = None if dry_run else ArchiveRun.objects.create(before=first_kept)
    for table in TABLES:
        label = table.model._meta.db_table
        if dry_run:
            moved[label] = table.rows(cutoff).count()
            continue
        archive_ensure(table.model, table.indexed)
        moved[label] = 0
        for ids in _batches(table.rows(cutoff)):
            moved[label] += _move(table.model, ids)
        say(f"{label}: {moved[label]} rows moved to {archive_table(table.model)}")
    if run is not None:
        ArchiveRun.objects.filter(pk=run.pk).update(finished_at=timezone.now(), moved=moved)
    return moved


def archived_before() -> date | None:
    """The first day kept live by the last finished archive run (None: nothing archived)."""
    return ArchiveRun.objects.filter(finished_at__isnull=False).order_by("-before").values_list(
        "before", flat=True).first()


def archived_rows(model: type[Model], *, order_by: str, **where) -> list:
    """Rows of `model` moved to its archive table matching `where` (column = value), as instances of the model."""
    archive = archive_table(model)
    with connection.cursor() as cursor:
        if archive not in connection.introspection.table_names(cursor):
            return []
    condition = " AND ".join(f"{_q(column)} = %s" for column in where)
    return list(model.objects.raw(f"SELECT * FROM {_q(archive)} WHERE {condition} ORDER BY {order_by}",
                                  list(where.values())))
