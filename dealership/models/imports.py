"""One import of a spreadsheet (issue 18): the file as uploaded (its SHA-256 recognises the same file again), the
dry run's report, and the progress and result of the write. The rows themselves are written by
dealership.imports; this row is the record of what was brought over, by whom and when."""

from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.db import models
from django.utils.translation import gettext_lazy as _

from ..doors import transitions
from .base import StoreOwned
from .org import Store


def import_storage() -> FileSystemStorage:
    # beside the database, not under MEDIA_ROOT: the files hold customers' data and are never served
    return FileSystemStorage(location=settings.VAR_DIR / "imports")


def _upload_to(run: "ImportRun", filename: str) -> str:
    return f"{run.store_id}/{run.sha256[:2]}/{run.sha256}"


class ImportRun(StoreOwned):
    class Kind(models.TextChoices):
        CUSTOMERS = "customers", _("Customers and their cars")
        LABOUR = "labour", _("Labour operations and prices")
        PARTS = "parts", _("Parts and prices")
        STOCK = "stock", _("Opening stock per part")
        HISTORY = "history", _("Service history (past visits)")

    class Status(models.TextChoices):
        UPLOADED = "uploaded", _("Uploaded")
        CHECKING = "checking", _("Checking")
        CHECKED = "checked", _("Checked")
        REFUSED = "refused", _("File refused")
        QUEUED = "queued", _("Waiting to import")
        WRITING = "writing", _("Importing")
        DONE = "done", _("Imported")
        FAILED = "failed", _("Failed, nothing written")

    TRANSITIONS = transitions({
        Status.UPLOADED: {Status.CHECKING},
        Status.CHECKING: {Status.CHECKED, Status.REFUSED},
        Status.CHECKED: {Status.QUEUED},
        Status.QUEUED: {Status.WRITING},
        Status.WRITING: {Status.DONE, Status.FAILED},
        Status.REFUSED: set(), Status.DONE: set(), Status.FAILED: set(),
    })

    store = models.ForeignKey(Store, on_delete=models.PROTECT, related_name="+", verbose_name=_("store"))
    kind = models.CharField(_("what"), max_length=20, choices=Kind.choices)
    file = models.FileField(_("file"), storage=import_storage, upload_to=_upload_to, max_length=200)
    file_name = models.CharField(_("file name"), max_length=200)
    sha256 = models.CharField(_("SHA-256 of the file"), max_length=64)
    size = models.PositiveIntegerField(_("size (bytes)"), default=0)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.UPLOADED)
    skip_bad = models.BooleanField(_("skip the refused rows"), default=False)
    rows_total = models.PositiveIntegerField(_("rows"), default=0)
    rows_bad = models.PositiveIntegerField(_("refused rows"), default=0)
    rows_done = models.PositiveIntegerField(_("rows done"), default=0)
    created = models.PositiveIntegerField(_("created"), default=0)
    changed = models.PositiveIntegerField(_("changed"), default=0)
    unchanged = models.PositiveIntegerField(_("unchanged"), default=0)
    skipped = models.PositiveIntegerField(_("skipped"), default=0)
    # {"refusal": "why the whole file is refused", "errors": [{"row", "column", "value", "message"}, …] (the first
    #  ones), "timings": {"read": s, "check": s, "write": s}}
    report = models.JSONField(_("report"), default=dict, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                   verbose_name=_("uploaded by"))
    created_at = models.DateTimeField(_("uploaded"), auto_now_add=True)
    started_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                   null=True, blank=True, verbose_name=_("imported by"))
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)

    class Meta:
        verbose_name = _("import")
        verbose_name_plural = _("imports")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["store", "-created_at"]), models.Index(fields=["store", "kind", "sha256"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.file_name}"

    @property
    def busy(self) -> bool:
        return self.status in {self.Status.UPLOADED, self.Status.CHECKING, self.Status.QUEUED, self.Status.WRITING}

    @property
    def percent(self) -> int:
        if self.status == self.Status.DONE:
            return 100
        return min(100, 100 * self.rows_done // self.rows_total) if self.rows_total else 0
