"""A store's opening hours per weekday and its closed days (issue 18). A store without weekday rows is open every
day from `Store.opens_at` to `Store.closes_at` (as before these rows existed); `dealership.hours` is the one place
that reads them."""

from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from .base import StoreOwned
from .org import Store

WEEKDAYS = [(0, _("Monday")), (1, _("Tuesday")), (2, _("Wednesday")), (3, _("Thursday")), (4, _("Friday")),
            (5, _("Saturday")), (6, _("Sunday"))]


class StoreHours(StoreOwned):
    """The hours of one weekday (0 Monday … 6 Sunday); `closed` closes the store every such day."""

    store = models.ForeignKey(Store, on_delete=models.PROTECT, related_name="+", verbose_name=_("store"))
    weekday = models.PositiveSmallIntegerField(_("weekday"), choices=WEEKDAYS)
    opens_at = models.TimeField(_("opens at"))
    closes_at = models.TimeField(_("closes at"))
    closed = models.BooleanField(_("closed"), default=False)

    class Meta:
        verbose_name = _("opening hours")
        verbose_name_plural = _("opening hours")
        ordering = ["store", "weekday"]
        constraints = [
            models.UniqueConstraint(fields=["store", "weekday"], name="uniq_store_weekday"),
            models.CheckConstraint(condition=Q(weekday__lte=6), name="store_hours_weekday"),
            models.CheckConstraint(condition=Q(closed=True) | Q(closes_at__gt=F("opens_at")),
                                   name="store_hours_open_before_close"),
        ]

    def __str__(self) -> str:
        return f"{self.get_weekday_display()} {self.opens_at:%H:%M}–{self.closes_at:%H:%M}"


class ClosedDay(StoreOwned):
    """A day the store is closed (a public holiday, a stocktake): no reception slot, no workshop capacity."""

    store = models.ForeignKey(Store, on_delete=models.PROTECT, related_name="+", verbose_name=_("store"))
    date = models.DateField(_("date"))
    name = models.CharField(_("name"), max_length=50, blank=True)

    class Meta:
        verbose_name = _("closed day")
        verbose_name_plural = _("closed days")
        ordering = ["store", "date"]
        constraints = [models.UniqueConstraint(fields=["store", "date"], name="uniq_store_closed_day")]

    def __str__(self) -> str:
        return f"{self.date:%Y-%m-%d} {self.name}".strip()
