"""Dated published prices (issue 18; SET-3, REC-8, SET-X3).

A price change of a labour operation or a part takes effect from a date. The rows of an item are the history of its
published price: the price of a day is the one of the latest change dated that day or before. The catalogue row's
`price` is the price of today, moved when a change's day comes (decisions.md, "Go-live (issue 18): the catalogue and dated prices"). A work order
line copies the published price of the day it is written and keeps it, whatever is published later."""

from datetime import date
from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from .base import StoreOwned
from .catalogue import LabourOperation, Part
from .org import Store

# The day of the first row of an item whose price was set before any dated change: its price "since ever".
SINCE_EVER = date(2000, 1, 1)


class PriceChange(StoreOwned):
    store = models.ForeignKey(Store, on_delete=models.PROTECT, related_name="+", verbose_name=_("store"))
    labour_operation = models.ForeignKey(LabourOperation, on_delete=models.PROTECT, null=True, blank=True,
                                         related_name="price_changes", verbose_name=_("labour operation"))
    part = models.ForeignKey(Part, on_delete=models.PROTECT, null=True, blank=True, related_name="price_changes",
                             verbose_name=_("part"))
    price = models.DecimalField(_("published price (yuan)"), max_digits=10, decimal_places=2,
                                validators=[MinValueValidator(Decimal("0"))])
    effective_from = models.DateField(_("effective from"))
    reason = models.CharField(_("reason"), max_length=200, blank=True)
    # the catalogue row's price has been moved to this one (its day came), or it never needs to be (the first row)
    applied = models.BooleanField(_("in effect"), default=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                   verbose_name=_("entered by"))
    created_at = models.DateTimeField(_("entered at"), auto_now_add=True)

    class Meta:
        verbose_name = _("price change")
        verbose_name_plural = _("price changes")
        ordering = ["-effective_from", "-id"]
        constraints = [
            models.CheckConstraint(condition=models.Q(labour_operation__isnull=True, part__isnull=False)
                                   | models.Q(labour_operation__isnull=False, part__isnull=True),
                                   name="price_change_one_item"),
            models.CheckConstraint(condition=models.Q(price__gte=0), name="price_change_not_negative"),
            models.UniqueConstraint(fields=["labour_operation", "effective_from"],
                                    condition=models.Q(labour_operation__isnull=False),
                                    name="uniq_price_change_labour_day"),
            models.UniqueConstraint(fields=["part", "effective_from"], condition=models.Q(part__isnull=False),
                                    name="uniq_price_change_part_day"),
        ]
        indexes = [models.Index(fields=["effective_from"], condition=models.Q(applied=False),
                                name="price_change_due")]

    def __str__(self) -> str:
        return f"{self.item} · {self.effective_from:%Y-%m-%d} · {self.price}"

    @property
    def item(self) -> LabourOperation | Part:
        return self.labour_operation if self.labour_operation_id else self.part

    @property
    def since_ever(self) -> bool:
        return self.effective_from <= SINCE_EVER
