"""New times offered when the shop cannot keep an appointment (APT-10,
APT-X9): the customer picks one through the signed link or declines; an
appointment agent calls when no answer comes in time."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from dealership.doors import transitions
from dealership.models.base import StoreOwned

from .appointment import Appointment


class RebookingOffer(StoreOwned):
    """One per appointment the shop cancelled. `slots` are the times sent in
    the message ({"at": ISO time, "advisor": id}); the page shows those still
    free, topped up with fresh ones. `told_at`/`message_claimed_at` and
    `call_task_at` are the claims of the sweep: each is set by a conditional
    UPDATE, so a duplicated sweep sends nothing twice and makes one call task."""

    class Status(models.TextChoices):
        OPEN = "open", _("Waiting for the customer")
        BOOKED = "booked", _("New time booked")
        DECLINED = "declined", _("Declined")

    TRANSITIONS = transitions({
        Status.OPEN: {Status.BOOKED, Status.DECLINED},
        Status.BOOKED: set(),
        Status.DECLINED: set(),
    })

    appointment = models.OneToOneField(Appointment, on_delete=models.PROTECT, related_name="rebooking_offer")
    slots = models.JSONField(_("times offered"), default=list, blank=True)
    made_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    made_at = models.DateTimeField(auto_now_add=True)
    answer_by = models.DateTimeField(_("answer expected by"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.OPEN)
    answered_at = models.DateTimeField(null=True, blank=True)
    answer_note = models.CharField(_("customer's note"), max_length=200, blank=True)
    answered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="+")  # none: the customer, through the link
    # a foreign key: one new appointment booked by phone answers every open offer for the car
    new_appointment = models.ForeignKey(Appointment, on_delete=models.PROTECT, null=True, blank=True,
                                        related_name="booked_from_offers")
    message_key = models.CharField(max_length=120, blank=True)  # the outbox key; empty: no consent, a call instead
    message_claimed_at = models.DateTimeField(null=True, blank=True)
    told_at = models.DateTimeField(_("customer told at"), null=True, blank=True)
    call_task_at = models.DateTimeField(_("call task made at"), null=True, blank=True)

    class Meta:
        verbose_name = _("new times offered")
        verbose_name_plural = _("new times offered")
        indexes = [
            # the sweep: open offers past their answer time that have no call task yet
            models.Index(fields=["answer_by"], condition=models.Q(status="open", call_task_at__isnull=True),
                         name="offer_open_without_call"),
            # the sweep: messages recorded but not yet sent
            models.Index(fields=["made_at"], condition=models.Q(told_at__isnull=True) & ~models.Q(message_key=""),
                         name="offer_message_unsent"),
        ]

    def __str__(self) -> str:
        return f"{self.appointment_id} {self.status}"
