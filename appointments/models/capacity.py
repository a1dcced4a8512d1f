"""Workshop capacity kept for appointments (APT-5, design.md "Scheduling")."""

from decimal import Decimal

from django.db import models
from django.utils.translation import gettext_lazy as _

from dealership.models import Trade
from dealership.models.base import StoreOwned


class WorkshopDay(StoreOwned):
    """Technician hours of one trade on one day that appointments may take.

    `capacity_hours` is computed when the row is first needed (technicians of
    the trade × hours per day × the store's appointment share) and may be
    changed by the manager (a technician ill, a course). `booked_hours` only
    moves through a conditional UPDATE, so two bookings of the last hours
    cannot both succeed."""

    day = models.DateField(_("day"))
    trade = models.CharField(_("trade"), max_length=20, choices=Trade.choices)
    capacity_hours = models.DecimalField(_("hours for appointments"), max_digits=7, decimal_places=2)
    booked_hours = models.DecimalField(_("hours booked"), max_digits=7, decimal_places=2, default=Decimal("0"))
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("workshop day")
        verbose_name_plural = _("workshop days")
        constraints = [
            models.UniqueConstraint(fields=["store", "day", "trade"], name="uniq_workshop_day"),
            models.CheckConstraint(condition=models.Q(booked_hours__gte=0), name="workshop_day_booked_not_negative"),
        ]
        ordering = ["day", "trade"]

    def __str__(self) -> str:
        return f"{self.day} {self.trade} {self.booked_hours}/{self.capacity_hours}"

    @property
    def free_hours(self) -> Decimal:
        return self.capacity_hours - self.booked_hours
