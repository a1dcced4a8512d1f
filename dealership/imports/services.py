"""The record of an import (ImportRun) as the pages move it: upload (its dry run follows in a task) and start (the
write follows in a task). The tasks' work is in `run`."""

from __future__ import annotations

import hashlib

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils.translation import gettext as _

from ..errors import ProcessError
from ..models import ImportRun, Store, User
from .kinds import KINDS
from .run import IMPORT_RUN
from .tasks import import_check_task, import_write_task

S = ImportRun.Status


def import_upload(*, actor: User, store: Store, kind: str, name: str, data: bytes) -> ImportRun:
    """Keep the uploaded file and queue its dry run."""
    if kind not in KINDS:
        raise ProcessError(_("Choose what the file holds."), field="kind")
    sha256 = hashlib.sha256(data).hexdigest()
    run = ImportRun(store=store, kind=kind, file_name=name[:200], sha256=sha256, size=len(data), created_by=actor)
    run.file.save(name, ContentFile(data), save=False)
    run.save()
    transaction.on_commit(lambda: import_check_task.delay(run.pk))
    return run


def import_start(*, actor: User, run: ImportRun, skip_bad: bool) -> None:
    """Queue the write of a checked file; with errors in it, only when the user chose to skip the bad rows."""
    if run.status == S.CHECKED and run.rows_bad and not skip_bad:
        raise ProcessError(_("The file has refused rows: correct them and upload the file again, or import "
                             "skipping them."))
    if run.status == S.CHECKED and run.rows_bad >= run.rows_total:
        raise ProcessError(_("Every row of the file is refused: there is nothing to import."))
    moved = IMPORT_RUN.claim(ImportRun.objects.filter(pk=run.pk, status=S.CHECKED), to=S.QUEUED,
                             fields={"skip_bad": skip_bad, "started_by": actor})
    if not moved:
        raise ProcessError(_("This import has already been started: reload the page to see where it stands."))
    transaction.on_commit(lambda: import_write_task.delay(run.pk))


def previous_import(run: ImportRun) -> ImportRun | None:
    """The same file (by its SHA-256) imported before into the same store as the same kind."""
    return (ImportRun.objects.filter(store_id=run.store_id, kind=run.kind, sha256=run.sha256, status=S.DONE)
            .exclude(pk=run.pk).select_related("started_by").order_by("-finished_at").first())
