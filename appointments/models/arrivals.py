"""The front-desk queue (APT-12, SCH-2) and booking requests (APT-1)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from dealership.models import WorkOrder
from dealership.models.base import StoreOwned

from .appointment import Appointment


class QueueTicket(StoreOwned):
    """A customer at the front desk, with or without an appointment. The wait
    runs from arrival to being called; the reception clock (SCH-3) starts at
    the call."""

    appointment = models.OneToOneField(Appointment, on_delete=models.PROTECT, null=True, blank=True,
                                       related_name="ticket")
    plate = models.CharField(_("plate"), max_length=10, blank=True)
    name = models.CharField(_("name"), max_length=50, blank=True)
    note = models.CharField(_("what for"), max_length=200, blank=True)
    arrived_at = models.DateTimeField(_("arrived at"))
    called_at = models.DateTimeField(_("called at"), null=True, blank=True)
    called_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                  related_name="+")
    work_order = models.ForeignKey(WorkOrder, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    left_at = models.DateTimeField(_("left without reception"), null=True, blank=True)

    class Meta:
        verbose_name = _("queue ticket")
        verbose_name_plural = _("queue tickets")
        ordering = ["arrived_at", "id"]
        indexes = [models.Index(fields=["store", "called_at", "arrived_at"]),
                   models.Index(fields=["store", "arrived_at"], name="ticket_arrived")]  # issue 21: the compliance cases of a month

    def __str__(self) -> str:
        return f"{self.plate or self.name} {self.arrived_at:%H:%M}"


class BookingRequest(StoreOwned):
    """A customer asking for an appointment (a call-back, a reschedule asked
    through a link, a reminder answered): it waits in the agents' queue until
    someone books it (APT-1: never unseen)."""

    class Source(models.TextChoices):
        PHONE = "phone", _("Phone call-back")
        RESCHEDULE = "reschedule", _("Reschedule asked by the customer")
        LINK = "link", _("Customer link")
        REMINDER = "reminder", _("Service reminder")
        ONLINE = "online", _("Booked online by the customer")

    source = models.CharField(_("source"), max_length=20, choices=Source.choices)
    name = models.CharField(_("name"), max_length=50)
    mobile = models.CharField(_("mobile"), max_length=20)
    plate = models.CharField(_("plate"), max_length=10, blank=True)
    wish = models.CharField(_("what the customer wants"), max_length=300, blank=True)
    appointment = models.ForeignKey(Appointment, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    handled_at = models.DateTimeField(null=True, blank=True)
    handled_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="+")
    outcome = models.CharField(_("outcome"), max_length=200, blank=True)
    # to be answered by (APT-1): a request made online waits at most the store's set time
    due_at = models.DateTimeField(_("answer by"), null=True, blank=True)
    # what the customer chose online, so the agent's booking form comes filled with it (issue 20)
    wanted_at = models.DateTimeField(_("time wanted"), null=True, blank=True)
    wanted_advisor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                       related_name="+", verbose_name=_("advisor wanted"))
    vin = models.CharField(_("VIN"), max_length=17, blank=True)
    consent = models.BooleanField(_("asked for messages"), default=False)

    class Meta:
        verbose_name = _("booking request")
        verbose_name_plural = _("booking requests")
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["store", "handled_at", "created_at"]),
                   models.Index(fields=["store", "due_at"], name="request_due")]  # issue 21: the compliance cases of a month

    def __str__(self) -> str:
        return f"{self.name} {self.mobile}"
