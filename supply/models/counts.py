"""Stock counts (盘点, issue 19): a range of parts counted on a tablet; the
differences are booked only when the parts manager approves them, with a
reason."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from dealership.doors import transitions
from dealership.models import Part
from dealership.models.base import StoreOwned

from .ledger import StockMove


class StockCount(StoreOwned):
    class Status(models.TextChoices):
        COUNTING = "counting", _("Counting")
        SUBMITTED = "submitted", _("Waiting for approval")
        BOOKED = "booked", pgettext_lazy("stock count", "Booked")
        CANCELLED = "cancelled", pgettext_lazy("stock count", "Cancelled")

    TRANSITIONS = transitions({
        Status.COUNTING: {Status.SUBMITTED, Status.CANCELLED},
        Status.SUBMITTED: {Status.BOOKED, Status.COUNTING, Status.CANCELLED},  # COUNTING: sent back to recount
        Status.BOOKED: set(),
        Status.CANCELLED: set(),
    })

    number = models.CharField(_("number"), max_length=20)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.COUNTING)
    location = models.CharField(_("location starts with"), max_length=20, blank=True)
    number_from = models.CharField(_("part numbers from"), max_length=30, blank=True)
    number_to = models.CharField(_("part numbers to"), max_length=30, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                     related_name="+")
    submitted_at = models.DateTimeField(null=True, blank=True)
    approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="+")
    approved_at = models.DateTimeField(null=True, blank=True)
    reason = models.CharField(_("reason"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("stock count")
        verbose_name_plural = _("stock counts")
        ordering = ["-created_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["store", "number"], name="uniq_stock_count_number")]

    def __str__(self) -> str:
        return self.number


class StockCountLine(StoreOwned):
    """One part of the count: the stock the system showed when the count
    began, what was counted, and the correction booked."""

    count = models.ForeignKey(StockCount, on_delete=models.PROTECT, related_name="lines")
    part = models.ForeignKey(Part, on_delete=models.PROTECT, related_name="+", verbose_name=_("part"))
    location = models.CharField(_("location"), max_length=20, blank=True)
    expected = models.DecimalField(_("in the system"), max_digits=10, decimal_places=2)
    counted = models.DecimalField(_("counted"), max_digits=10, decimal_places=2, null=True, blank=True)
    counted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="+")
    counted_at = models.DateTimeField(null=True, blank=True)
    move = models.OneToOneField(StockMove, on_delete=models.PROTECT, null=True, blank=True, related_name="+")

    class Meta:
        verbose_name = _("stock count line")
        verbose_name_plural = _("stock count lines")
        ordering = ["location", "part__number", "id"]
        constraints = [models.UniqueConstraint(fields=["count", "part"], name="uniq_stock_count_part")]

    def __str__(self) -> str:
        return f"{self.part} {self.counted}/{self.expected}"

    @property
    def difference(self):
        return None if self.counted is None else self.counted - self.expected
