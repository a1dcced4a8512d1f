"""Purchase orders to suppliers and the deliveries received against them
(issue 19)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from dealership.doors import transitions
from dealership.models import Part, WorkOrder
from dealership.models.base import StoreOwned

from .ledger import StockMove
from .suppliers import Supplier


class PurchaseOrder(StoreOwned):
    class Status(models.TextChoices):
        DRAFT = "draft", pgettext_lazy("purchase order", "Draft")
        SENT = "sent", pgettext_lazy("purchase order", "Sent")
        PARTLY_RECEIVED = "partly", _("Partly received")
        RECEIVED = "received", pgettext_lazy("purchase order", "Received")
        CANCELLED = "cancelled", pgettext_lazy("purchase order", "Cancelled")

    TRANSITIONS = transitions({
        Status.DRAFT: {Status.SENT, Status.CANCELLED},
        Status.SENT: {Status.PARTLY_RECEIVED, Status.RECEIVED, Status.CANCELLED},
        Status.PARTLY_RECEIVED: {Status.PARTLY_RECEIVED, Status.RECEIVED, Status.CANCELLED},
        Status.RECEIVED: set(),
        Status.CANCELLED: set(),
    })
    OPEN = (Status.SENT, Status.PARTLY_RECEIVED)

    number = models.CharField(_("number"), max_length=20)
    supplier = models.ForeignKey(Supplier, on_delete=models.PROTECT, related_name="orders",
                                 verbose_name=_("supplier"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    urgent = models.BooleanField(_("urgent"), default=False,
                                 help_text=_("For a car in the workshop: the supplier sends it at once."))
    work_order = models.ForeignKey(WorkOrder, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                                   verbose_name=_("for work order"))
    expected_on = models.DateField(_("expected on"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=200, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    sent_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                related_name="+")
    sent_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    cancel_reason = models.CharField(_("reason"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("purchase order")
        verbose_name_plural = _("purchase orders")
        ordering = ["-created_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["store", "number"], name="uniq_purchase_order_number")]
        indexes = [models.Index(fields=["store", "status", "expected_on"], name="supply_po_store_status")]

    def __str__(self) -> str:
        return self.number


class PurchaseOrderLine(StoreOwned):
    """One part on an order, and what it was ordered for: the need it serves
    (an appointment's shelf, a waiting requisition, the minimum stock, work
    due soon), named by its source and id so that the receipt sends it there
    first (supply.demand)."""

    order = models.ForeignKey(PurchaseOrder, on_delete=models.PROTECT, related_name="lines")
    part = models.ForeignKey(Part, on_delete=models.PROTECT, related_name="+", verbose_name=_("part"))
    quantity = models.DecimalField(_("quantity"), max_digits=10, decimal_places=2)
    unit_cost = models.DecimalField(_("purchase price (yuan)"), max_digits=10, decimal_places=2)
    received = models.DecimalField(_("received"), max_digits=10, decimal_places=2, default=0)
    needed_on = models.DateField(_("needed on"), null=True, blank=True)
    need_source = models.CharField(max_length=20, blank=True)
    need_ref = models.PositiveBigIntegerField(null=True, blank=True)
    need_label = models.CharField(_("for"), max_length=120, blank=True)

    class Meta:
        verbose_name = _("purchase order line")
        verbose_name_plural = _("purchase order lines")
        ordering = ["id"]
        indexes = [models.Index(fields=["store", "part"], name="supply_poline_store_part"),
                   models.Index(fields=["need_source", "need_ref"], name="supply_poline_need")]

    def __str__(self) -> str:
        return f"{self.part} × {self.quantity}"

    @property
    def outstanding(self):
        return max(self.quantity - self.received, 0)


class Receipt(StoreOwned):
    """One delivery taken in at the counter, against one purchase order, with
    the supplier's delivery note (a note is received once: two clerks at the
    same delivery count it once)."""

    order = models.ForeignKey(PurchaseOrder, on_delete=models.PROTECT, related_name="receipts")
    delivery_note = models.CharField(_("delivery note number"), max_length=40)
    received_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    received_at = models.DateTimeField(auto_now_add=True)
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("goods receipt")
        verbose_name_plural = _("goods receipts")
        ordering = ["-received_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["order", "delivery_note"], name="uniq_receipt_delivery_note")]
        indexes = [models.Index(fields=["store", "received_at"], name="supply_receipt_store_at")]

    def __str__(self) -> str:
        return f"{self.order.number} / {self.delivery_note}"


class ReceiptLine(StoreOwned):
    """A part as it came: against an order line, or not on the order at all;
    a difference from the order is recorded, not forced, and where the part
    went is kept for the clerk (the appointment shelf, the workshop, stock)."""

    class Difference(models.TextChoices):
        NONE = "", _("As ordered")
        MORE = "more", _("More than ordered")
        FEWER = "fewer", _("Fewer than ordered")
        NOT_ORDERED = "other", _("Not on the order")

    receipt = models.ForeignKey(Receipt, on_delete=models.PROTECT, related_name="lines")
    order_line = models.ForeignKey(PurchaseOrderLine, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="receipt_lines")
    part = models.ForeignKey(Part, on_delete=models.PROTECT, related_name="+", verbose_name=_("part"))
    quantity = models.DecimalField(_("quantity"), max_digits=10, decimal_places=2)
    unit_cost = models.DecimalField(_("purchase price (yuan)"), max_digits=10, decimal_places=2)
    difference = models.CharField(_("difference"), max_length=5, choices=Difference.choices, blank=True)
    move = models.OneToOneField(StockMove, on_delete=models.PROTECT, related_name="+")
    # where it went: [{"to": "shelf"|"workshop"|"stock", "quantity": "2", "label": "..."}], for the clerk's list
    destinations = models.JSONField(default=list, blank=True)

    class Meta:
        verbose_name = _("receipt line")
        verbose_name_plural = _("receipt lines")
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.part} × {self.quantity}"
