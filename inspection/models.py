"""Stage 4: quality inspection (检验)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from dealership.models import Store, WorkOrder


class Inspection(models.Model):
    store = models.ForeignKey(Store, on_delete=models.PROTECT, related_name="+")
    work_order = models.ForeignKey(WorkOrder, on_delete=models.PROTECT, related_name="inspections")
    inspector = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                  verbose_name=_("inspector"))
    passed = models.BooleanField(_("passed"))
    notes = models.TextField(_("findings"), blank=True)
    at = models.DateTimeField(_("inspected at"), auto_now_add=True)

    class Meta:
        verbose_name = _("inspection")
        verbose_name_plural = _("inspections")
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["store", "at"])]

    def __str__(self) -> str:
        return f"QC {self.work_order_id} {'pass' if self.passed else 'fail'}"
