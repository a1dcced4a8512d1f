"""The work of an import's two tasks: the dry run of an uploaded file and the write of a checked one. Each claims
its ImportRun with a conditional UPDATE (the door's claim) and goes on only if it moved it, so a task delivered
twice does its work once."""

from __future__ import annotations

import json
import time
from pathlib import Path

from django.db import DatabaseError, IntegrityError, connection, connections, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ..doors import Door
from ..models import ImportRun
from . import engine
from .kinds import KINDS
from .reading import FileRefused, Table, read_table

S = ImportRun.Status
IMPORT_RUN = Door(ImportRun)


def _cache_name(run: ImportRun) -> str:
    return f"{run.file.name}.rows.json"


def _table(run: ImportRun):
    """The file's rows as text. The dry run keeps them beside the file (JSON reads in a second where openpyxl takes
    half a minute for 100,000 rows), and the write reads them from there; the cache names the file's SHA-256."""
    def reader() -> Table:
        storage = run.file.storage
        name = _cache_name(run)
        if storage.exists(name):
            with storage.open(name, "rb") as handle:
                cached = json.load(handle)
            if cached.get("sha256") == run.sha256:
                return Table(headers=cached["headers"], rows=iter((n, cells) for n, cells in cached["rows"]))
        with run.file.open("rb") as handle:
            table = read_table(handle.read())
        rows = list(table.rows)
        # written over in place (the import files' storage is a folder of this machine, import_storage)
        Path(storage.path(name)).write_text(json.dumps({"sha256": run.sha256, "headers": table.headers,
                                                        "rows": rows}, ensure_ascii=False), encoding="utf-8")
        return Table(headers=table.headers, rows=iter(rows))
    return reader


def _report(checked: engine.Checked) -> dict:
    return {"errors": [e.as_json() for e in checked.errors[:engine.REPORTED_ERRORS]],
            "error_count": len(checked.errors),
            "timings": {"read": round(checked.seconds_read, 2), "check": round(checked.seconds_check, 2)}}


def import_check(run_id: int) -> None:
    """The dry run of an uploaded file: the report of each refused row; nothing of the rows is written."""
    if not IMPORT_RUN.claim(ImportRun.objects.filter(pk=run_id), to=S.CHECKING):
        return
    run = ImportRun.objects.select_related("store").get(pk=run_id)
    try:
        checked = engine.check(KINDS[run.kind], run.store, _table(run))
    except (FileRefused, OSError) as exc:
        IMPORT_RUN.move(run, to=S.REFUSED, fields={"report": {"refusal": str(exc)}, "finished_at": timezone.now()})
        return
    IMPORT_RUN.move(run, to=S.CHECKED, fields={"rows_total": checked.total, "rows_bad": checked.bad_rows,
                                               "report": _report(checked)})


class _Progress:
    """Rows written so far, seen by the page while the write's transaction is still open: PostgreSQL writes it
    through a connection of its own (SQLite has one writer at a time, so there the page sees the phases only)."""

    def __init__(self, run_id: int) -> None:
        self.run_id = run_id
        self.side = connections.create_connection("default") if connection.vendor == "postgresql" else None

    def __call__(self, done: int) -> None:
        if self.side is None:
            return
        with self.side.cursor() as cursor:
            cursor.execute(f"UPDATE {ImportRun._meta.db_table} SET rows_done = %s WHERE id = %s", [done, self.run_id])

    def close(self) -> None:
        if self.side is not None:
            self.side.close()


def import_write(run_id: int) -> None:
    """Write a checked file, all or nothing (one transaction): the rows are read and checked again first, as the
    database may have changed since the dry run."""
    if not IMPORT_RUN.claim(ImportRun.objects.filter(pk=run_id), to=S.WRITING):
        return
    run = ImportRun.objects.select_related("store", "started_by").get(pk=run_id)
    kind = KINDS[run.kind]
    report = dict(run.report)
    progress = _Progress(run.pk)
    try:
        checked = engine.check(kind, run.store, _table(run))
        report.update(_report(checked))
        if checked.errors and not run.skip_bad:
            raise FileRefused(_("The file has refused rows now (the data changed since the dry run): nothing is "
                                "written. Look at the report and upload the file again."))
        started = time.monotonic()
        ImportRun.objects.filter(pk=run.pk).update(rows_total=checked.total, rows_bad=checked.bad_rows)
        with transaction.atomic():
            counts = engine.write(kind, run.store, checked.rows, actor=run.started_by or run.created_by,
                                  progress=progress)
            report["timings"]["write"] = round(time.monotonic() - started, 2)
            IMPORT_RUN.move(run, to=S.DONE, fields={
                "rows_done": len(checked.rows), "created": counts.created, "changed": counts.changed,
                "unchanged": counts.unchanged, "skipped": checked.bad_rows, "report": report,
                "finished_at": timezone.now()})
    except (FileRefused, OSError, IntegrityError, DatabaseError) as exc:
        message = str(exc) if isinstance(exc, FileRefused) else _(
            "The import stopped and wrote nothing: %(error)s") % {"error": exc}
        run.refresh_from_db(fields=["status"])
        IMPORT_RUN.move(run, to=S.FAILED, fields={"report": {**report, "refusal": message}, "rows_done": 0,
                                                  "finished_at": timezone.now()})
    finally:
        progress.close()
