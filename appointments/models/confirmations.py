"""Confirmations a day and an hour before (APT-11), and changes the shop
makes to an appointment (APT-10)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from dealership.doors import transitions
from dealership.models.base import StoreOwned

from .appointment import Appointment


class Confirmation(StoreOwned):
    """One row per appointment and kind: the unique key is what makes the
    sweep send each at most once, whatever retries or duplicate sweeps do.
    `claim` is the token of the sweep run that owns the row right now."""

    class Kind(models.TextChoices):
        DAY_BEFORE = "day_before", _("Day before")
        HOUR_BEFORE = "hour_before", _("Hour before")

    class Status(models.TextChoices):
        PENDING = "pending", _("Being sent")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")
        CALL = "call", _("Call task for staff")
        SKIPPED = "skipped", _("Not needed any more")

    TRANSITIONS = transitions({
        Status.PENDING: {Status.SENT, Status.FAILED, Status.CALL, Status.SKIPPED,
                         Status.PENDING},  # PENDING: a claim abandoned by a dead worker taken over
        Status.FAILED: {Status.PENDING},  # claimed again for a retry
        Status.SENT: set(),
        Status.CALL: set(),
        Status.SKIPPED: set(),
    })

    appointment = models.ForeignKey(Appointment, on_delete=models.PROTECT, related_name="confirmations")
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    round = models.PositiveSmallIntegerField(default=0)  # the appointment's schedule_version
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    claim = models.CharField(max_length=32)
    claimed_at = models.DateTimeField()
    attempts = models.PositiveSmallIntegerField(default=0)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    channel = models.CharField(_("channel"), max_length=10, blank=True)
    result = models.CharField(_("result"), max_length=300, blank=True)
    missing = models.JSONField(_("preparation missing at the time"), default=list, blank=True)

    class Meta:
        verbose_name = _("confirmation")
        verbose_name_plural = _("confirmations")
        constraints = [models.UniqueConstraint(fields=["appointment", "kind", "round"],
                                               name="uniq_confirmation_kind")]
        indexes = [models.Index(fields=["store", "status", "claimed_at"]), models.Index(fields=["claim"])]

    def __str__(self) -> str:
        return f"{self.appointment_id} {self.kind} {self.status}"


class AppointmentChange(StoreOwned):
    """A reschedule or cancellation, by the shop or at the customer's request,
    and what came of the new times offered after the shop cancelled (APT-10)."""

    class Kind(models.TextChoices):
        MOVED = "moved", _("Moved")
        CANCELLED = "cancelled", _("Cancelled")
        OFFER_TAKEN = "offer_taken", _("New time chosen")
        OFFER_DECLINED = "offer_declined", _("New times declined")
        CALL_DUE = "call_due", _("Call task for an appointment agent")
        ARRIVED = "arrived", _("Arrived")
        NO_SHOW = "no_show", _("No-show")

    appointment = models.ForeignKey(Appointment, on_delete=models.PROTECT, related_name="changes")
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.MOVED)
    by_shop = models.BooleanField(_("the shop could not keep it"))
    old_starts_at = models.DateTimeField()
    new_starts_at = models.DateTimeField(null=True, blank=True)
    reason = models.CharField(_("reason"), max_length=200)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                              related_name="+")  # none: the customer, through the link
    at = models.DateTimeField(auto_now_add=True)
    customer_told_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["store", "at"])]

    def __str__(self) -> str:
        return f"{self.appointment_id} {self.old_starts_at} -> {self.new_starts_at}"
