"""The one-time codes of the public booking page (issue 20): a code proves the
mobile number before a booking is made or asked for. The row also carries what
the customer chose, so the code is bound to that booking and nothing is kept
in a session."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from dealership.models.base import StoreOwned


class MobileCode(StoreOwned):
    """One code sent to one number. Stored as a keyed hash, never in clear;
    good for `CODE_MINUTES`, used once (`used_at` set by a conditional UPDATE),
    dead after `MAX_TRIES` wrong tries. The rows are also the record the limits
    per number and per client address count (indexes below)."""

    mobile = models.CharField(_("mobile"), max_length=20)
    client = models.CharField(max_length=45)  # REMOTE_ADDR of the page that asked for it
    code_hash = models.CharField(max_length=64)
    payload = models.JSONField(default=dict)  # the booking the customer filled in
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    tries = models.PositiveSmallIntegerField(default=0)
    used_at = models.DateTimeField(null=True, blank=True)
    # what came of it: an appointment or a booking request (plain ids; the link shows them)
    appointment_id_done = models.PositiveBigIntegerField(null=True, blank=True)
    request_id_done = models.PositiveBigIntegerField(null=True, blank=True)

    class Meta:
        verbose_name = _("one-time code")
        verbose_name_plural = _("one-time codes")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["mobile", "created_at"], name="mobilecode_by_number"),
                   models.Index(fields=["client", "created_at"], name="mobilecode_by_client")]

    def __str__(self) -> str:
        return f"{self.mobile[:3]}****{self.mobile[-4:]} {self.created_at:%Y-%m-%d %H:%M}"
