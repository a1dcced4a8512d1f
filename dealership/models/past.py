"""Service history brought over from the dealership's old system (issue 18): each past visit of a car, read-only,
shown in the car's history and counted by the service reminders. It is not a work order: it never went through
this system's process, so it carries no status, no timeline and no statement; the old order number is its key,
so the same file imported twice finds the rows it wrote."""

from decimal import Decimal

from django.db import models
from django.utils.translation import gettext_lazy as _

from ..textlimits import NOTES, length_checks
from .base import StoreOwned
from .customers import Customer, Vehicle
from .org import Store


class PastVisit(StoreOwned):
    store = models.ForeignKey(Store, on_delete=models.PROTECT, related_name="+", verbose_name=_("store"))
    vehicle = models.ForeignKey(Vehicle, on_delete=models.PROTECT, related_name="past_visits",
                                verbose_name=_("vehicle"))
    customer = models.ForeignKey(Customer, on_delete=models.PROTECT, related_name="past_visits",
                                 verbose_name=_("customer"))
    old_number = models.CharField(_("old order number"), max_length=40)
    visited_on = models.DateField(_("date"))
    mileage = models.PositiveIntegerField(_("mileage (km)"), null=True, blank=True)
    advisor_name = models.CharField(_("service advisor"), max_length=50, blank=True)
    summary = models.TextField(_("work done"), blank=True, max_length=NOTES)
    maintenance = models.BooleanField(_("a maintenance service"), default=False,
                                      help_text=_("Counted by the service reminders as the last maintenance."))
    total = models.DecimalField(_("total (yuan)"), max_digits=12, decimal_places=2, default=Decimal("0"))
    # the lines as the old system had them: [{"kind": "labour"|"part", "code", "description", "quantity",
    # "unit_price", "amount"}], amounts as strings of Decimal
    lines = models.JSONField(_("lines"), default=list, blank=True)
    imported_at = models.DateTimeField(_("imported"), auto_now_add=True)

    class Meta:
        verbose_name = _("past visit")
        verbose_name_plural = _("past visits")
        ordering = ["-visited_on", "-id"]
        constraints = [models.UniqueConstraint(fields=["store", "old_number"], name="uniq_past_visit_number"),
                       *length_checks(summary=NOTES)]
        indexes = [models.Index(fields=["store", "vehicle", "-visited_on"])]

    def __str__(self) -> str:
        return f"{self.old_number} {self.visited_on:%Y-%m-%d}"
