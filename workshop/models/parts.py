"""Parts against the order (REP-9): requisitions and the old parts taken off
the car (the stock ledger is supply's, issue 19)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from dealership.doors import transitions
from dealership.models import Part, WorkOrder, WorkOrderLine
from dealership.models.base import StoreOwned
from supply.models import StockMove


class Requisition(StoreOwned):
    """A technician asks for the parts of one line of the order."""

    class Status(models.TextChoices):
        OPEN = "open", _("Waiting at the counter")
        ISSUED = "issued", pgettext_lazy("requisition", "Issued")
        CANCELLED = "cancelled", _("Cancelled")

    TRANSITIONS = transitions({
        Status.OPEN: {Status.ISSUED},
        Status.ISSUED: set(),
        Status.CANCELLED: set(),  # no page cancels a requisition (any more); older rows may be
    })

    work_order = models.ForeignKey(WorkOrder, on_delete=models.PROTECT, related_name="requisitions")
    line = models.ForeignKey(WorkOrderLine, on_delete=models.PROTECT, related_name="requisitions")
    part = models.ForeignKey(Part, on_delete=models.PROTECT, related_name="+")
    quantity = models.DecimalField(_("quantity"), max_digits=10, decimal_places=2)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.OPEN)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField(auto_now_add=True)
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                  related_name="+")
    issued_at = models.DateTimeField(null=True, blank=True)
    from_shelf = models.BooleanField(_("from the appointment shelf"), default=False)
    # the ledger row that issued it (the ledger lives in supply, below the stages, issue 19)
    issue_move = models.OneToOneField(StockMove, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    # no free stock when it was asked for: the counter could not issue it at once (the fill rate, issue 19)
    short_when_requested = models.BooleanField(default=False)

    class Meta:
        ordering = ["requested_at", "id"]
        indexes = [models.Index(fields=["store", "status", "requested_at"])]

    def __str__(self) -> str:
        return f"{self.part} × {self.quantity}"


class OldPart(StoreOwned):
    """A part taken off the car, and what the customer wants done with it
    (shown at settlement, SET-8)."""

    class Wish(models.TextChoices):
        UNDECIDED = "undecided", _("Ask the customer")
        TAKE = "take", _("The customer takes it")
        DISPOSE = "dispose", _("The shop disposes of it")

    work_order = models.ForeignKey(WorkOrder, on_delete=models.PROTECT, related_name="old_parts")
    line = models.ForeignKey(WorkOrderLine, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    description = models.CharField(_("old part"), max_length=100)
    wish = models.CharField(_("customer's wish"), max_length=10, choices=Wish.choices, default=Wish.UNDECIDED)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return self.description
