"""Parts reserved on the appointment shelf (APT-8)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from dealership.doors import transitions
from dealership.models import Part, WorkOrderLine
from dealership.models.base import StoreOwned

from .appointment import Appointment


class PartReservation(StoreOwned):
    class Status(models.TextChoices):
        RESERVED = "reserved", _("On the appointment shelf")
        SHORT = "short", _("Out of stock")
        RELEASED = "released", _("Released")
        ISSUED = "issued", _("Issued")

    TRANSITIONS = transitions({
        Status.RESERVED: {Status.RELEASED, Status.ISSUED},
        Status.SHORT: {Status.RESERVED, Status.RELEASED},  # RESERVED: the part came in
        Status.RELEASED: set(),
        Status.ISSUED: set(),
    })

    appointment = models.ForeignKey(Appointment, on_delete=models.PROTECT, related_name="reservations")
    line = models.OneToOneField(WorkOrderLine, on_delete=models.PROTECT, related_name="reservation")
    part = models.ForeignKey(Part, on_delete=models.PROTECT, related_name="reservations")
    quantity = models.DecimalField(_("quantity"), max_digits=10, decimal_places=2)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices)
    expected_on = models.DateField(_("expected in stock"), null=True, blank=True)
    shelf = models.CharField(_("shelf place"), max_length=20, blank=True)
    reserved_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    reserved_at = models.DateTimeField(auto_now_add=True)
    released_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("part reservation")
        verbose_name_plural = _("part reservations")
        indexes = [models.Index(fields=["store", "status"]), models.Index(fields=["store", "part", "status"])]

    def __str__(self) -> str:
        return f"{self.part} × {self.quantity} ({self.status})"
