"""The stock ledger (moved here from the workshop, issue 19): every change of a
part's stock and of its value, never edited. A part's `on_hand` is the sum of
its moves' quantities and its `stock_value` the sum of their values
(`supply.ledger.ledger_check`, run by `check_money`)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from dealership.models import Part, WorkOrder, WorkOrderLine
from dealership.models.base import StoreOwned


class StockMove(StoreOwned):
    class Kind(models.TextChoices):
        ISSUE = "issue", _("Issued to an order")
        RETURN = "return", _("Returned from an order")
        RECEIPT = "receipt", _("Received")
        ADJUST = "adjust", _("Stock count correction")
        OPENING = "opening", _("Opening stock")
        SUPPLIER_RETURN = "to_supplier", _("Returned to the supplier")
        SCRAP = "scrap", _("Scrapped")

    part = models.ForeignKey(Part, on_delete=models.PROTECT, related_name="moves")
    quantity = models.DecimalField(_("quantity"), max_digits=10, decimal_places=2)  # + in, - out
    # What the move added to (or took from) the stock's value at cost, in yuan: a receipt at its purchase price,
    # anything going out at the moving average of the moment (supply.ledger).
    value = models.DecimalField(_("value at cost"), max_digits=12, decimal_places=2, default=0)
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    work_order = models.ForeignKey(WorkOrder, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    line = models.ForeignKey(WorkOrderLine, on_delete=models.PROTECT, null=True, blank=True, related_name="moves")
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                           related_name="+")  # None: the opening balance written when the ledger started
    at = models.DateTimeField(auto_now_add=True)
    note = models.CharField(max_length=200, blank=True)

    class Meta:
        verbose_name = _("stock move")
        verbose_name_plural = _("stock moves")
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["store", "part", "at"], name="supply_move_store_part_at"),
                   models.Index(fields=["store", "line"], name="supply_move_store_line"),
                   models.Index(fields=["store", "kind", "at"], name="supply_move_store_kind_at")]

    def __str__(self) -> str:
        return f"{self.kind} {self.part_id} {self.quantity}"
