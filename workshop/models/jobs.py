"""Stage 3: repair (维修): jobs on the order's labour lines, dispatched to
technicians and bays, clocked, self-checked and signed."""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from dealership.doors import transitions
from dealership.models import JobType, Trade, WorkOrder, WorkOrderLine
from dealership.models.base import StoreOwned
from dealership.textlimits import NOTES, SIGNATURE, length_checks, unbounded


class Bay(StoreOwned):
    """A workshop bay (工位), a store setting."""

    name = models.CharField(_("bay"), max_length=20)
    trade = models.CharField(_("trade"), max_length=20, choices=Trade.choices, blank=True)
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["store", "name"], name="uniq_bay_name")]

    def __str__(self) -> str:
        return self.name


class SelfCheckItem(StoreOwned):
    """A line of the technician's self-check for a kind of job (REP-15), a
    store setting with a default set."""

    job_type = models.CharField(_("job type"), max_length=20, choices=JobType.choices)
    label = models.CharField(_("check"), max_length=100)
    position = models.PositiveSmallIntegerField(default=0)
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["job_type", "position", "id"]

    def __str__(self) -> str:
        return self.label


class Job(StoreOwned):
    """One labour line of a signed order (or a rework after QC), done by one
    technician in one bay."""

    class Kind(models.TextChoices):
        REPAIR = "repair", _("Repair")
        REWORK = "rework", _("Rework after QC")

    class Status(models.TextChoices):
        WAITING = "waiting", _("To dispatch")
        ASSIGNED = "assigned", _("Assigned")
        RUNNING = "running", _("Working")
        PAUSED = "paused", _("Paused")
        DONE = "done", _("Done")

    OPEN = (Status.WAITING, Status.ASSIGNED, Status.RUNNING, Status.PAUSED)
    TRANSITIONS = transitions({
        Status.WAITING: {Status.ASSIGNED},
        Status.ASSIGNED: {Status.ASSIGNED, Status.RUNNING},  # ASSIGNED: given to another technician or bay
        Status.RUNNING: {Status.PAUSED, Status.DONE},
        Status.PAUSED: {Status.PAUSED, Status.RUNNING, Status.DONE},  # PAUSED: reassigned, still paused
        Status.DONE: set(),
    })

    work_order = models.ForeignKey(WorkOrder, on_delete=models.PROTECT, related_name="jobs")
    line = models.ForeignKey(WorkOrderLine, on_delete=models.PROTECT, null=True, blank=True, related_name="jobs")
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.REPAIR)
    description = models.CharField(_("job"), max_length=200)
    trade = models.CharField(_("trade"), max_length=20, choices=Trade.choices, default=Trade.MECHANICAL)
    job_type = models.CharField(_("job type"), max_length=20, choices=JobType.choices, default=JobType.OTHER)
    standard_hours = models.DecimalField(_("standard hours"), max_digits=6, decimal_places=2, default=Decimal("0"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.WAITING)
    technician = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="jobs", verbose_name=_("technician"))
    bay = models.CharField(_("bay"), max_length=20, blank=True)
    assigned_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="+")
    assigned_at = models.DateTimeField(null=True, blank=True)
    started_at = models.DateTimeField(_("started"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    qc_findings = models.TextField(_("what QC found"), blank=True)  # for rework
    rework_of = models.ForeignKey("self", on_delete=models.PROTECT, null=True, blank=True, related_name="reworks",
                                  verbose_name=_("rework of"))  # QC-4: counts against the first job
    self_checks = models.JSONField(_("self-check"), default=list, blank=True)
    self_checked = models.BooleanField(_("self-check done"), default=False)
    report = models.TextField(_("repair report"), blank=True, max_length=NOTES)
    signature = models.TextField(blank=True, max_length=SIGNATURE)  # PNG data URL from the pad
    signed_at = models.DateTimeField(_("report signed at"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("job")
        verbose_name_plural = _("jobs")
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["line"], condition=models.Q(kind="repair", line__isnull=False),
                                    name="uniq_repair_job_per_line"),
            *length_checks(report=NOTES, signature=SIGNATURE),
        ]
        indexes = [models.Index(fields=["store", "technician", "status"]),
                   models.Index(fields=["store", "created_at"], name="job_created"),  # issue 21: the compliance cases of a month

                   models.Index(fields=["store", "status"]),
                   # a technician's open jobs, among the thousands done over the years
                   models.Index(fields=["store", "technician"], condition=~models.Q(status="done"),
                                name="job_open_by_technician")]

    def __str__(self) -> str:
        return f"job {self.work_order_id} {self.description}"


class ClockEntry(StoreOwned):
    """Time on a job: work, or a pause with its reason. A technician has at
    most one open work entry (the database refuses a second)."""

    class Kind(models.TextChoices):
        WORK = "work", _("Work")
        PAUSE = "pause", _("Pause")

    class PauseReason(models.TextChoices):
        PARTS = "parts", _("Waiting for parts")
        APPROVAL = "approval", _("Waiting for the customer's approval")
        EXPERT = "expert", _("Asking an expert")
        OTHER = "other", _("Other")

    job = models.ForeignKey(Job, on_delete=models.PROTECT, related_name="clock")
    technician = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.WORK)
    reason = models.CharField(_("reason"), max_length=10, choices=PauseReason.choices, blank=True)
    started_at = models.DateTimeField()
    ended_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["started_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["technician"], condition=models.Q(kind="work", ended_at__isnull=True),
                                    name="one_running_clock_per_technician"),
        ]
        indexes = [models.Index(fields=["store", "technician", "started_at"])]

    def __str__(self) -> str:
        return f"{self.kind} {self.job_id} {self.started_at}"


unbounded("workshop.Job.qc_findings", "composed from the failed checks and the inspector's notes (each bounded)")
