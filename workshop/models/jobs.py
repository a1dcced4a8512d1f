"""Stage 3: repair (维修): a technician's job on a work order."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from dealership.models import Store, WorkOrder


class Job(models.Model):
    class Kind(models.TextChoices):
        REPAIR = "repair", _("Repair")
        REWORK = "rework", _("Rework after QC")

    store = models.ForeignKey(Store, on_delete=models.PROTECT, related_name="+")
    work_order = models.ForeignKey(WorkOrder, on_delete=models.PROTECT, related_name="jobs")
    technician = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   related_name="jobs", verbose_name=_("technician"))
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.REPAIR)
    started_at = models.DateTimeField(_("started"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    self_checked = models.BooleanField(_("self-check done"), default=False)
    report = models.TextField(_("repair report"), blank=True)
    signed_at = models.DateTimeField(_("report signed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("job")
        verbose_name_plural = _("jobs")
        ordering = ["started_at", "id"]
        constraints = [
            # One open job per order at a time.
            models.UniqueConstraint(fields=["work_order"], condition=models.Q(finished_at__isnull=True),
                                    name="uniq_open_job_per_order"),
        ]
        indexes = [models.Index(fields=["store", "technician", "finished_at"])]

    def __str__(self) -> str:
        return f"job {self.work_order_id} {self.technician_id}"
