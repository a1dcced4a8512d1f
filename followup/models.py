"""Stage 6: follow-up (跟踪回访)."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from dealership.models import Channel, Store, WorkOrder


class FollowUpTask(models.Model):
    """One per delivered order (FU-1), created by the sweep; the one-to-one
    key is what makes the sweep safe to run twice."""

    class Status(models.TextChoices):
        OPEN = "open", _("To call")
        DONE = "done", _("Done")

    store = models.ForeignKey(Store, on_delete=models.PROTECT, related_name="+")
    work_order = models.OneToOneField(WorkOrder, on_delete=models.PROTECT, related_name="followup_task")
    due_from = models.DateTimeField(_("call from"))
    due_by = models.DateTimeField(_("call by"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.OPEN)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    done_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("follow-up task")
        verbose_name_plural = _("follow-up tasks")
        ordering = ["due_by", "id"]
        indexes = [models.Index(fields=["store", "status", "due_by"])]

    def __str__(self) -> str:
        return f"follow-up {self.work_order_id}"


class FollowUpCall(models.Model):
    """What the customer said, fully, satisfied or not (FU-2)."""

    store = models.ForeignKey(Store, on_delete=models.PROTECT, related_name="+")
    task = models.ForeignKey(FollowUpTask, on_delete=models.PROTECT, related_name="calls")
    agent = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                              verbose_name=_("agent"))
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices, default=Channel.PHONE)
    reached = models.BooleanField(_("customer reached"))
    satisfaction = models.PositiveSmallIntegerField(
        _("overall satisfaction (1–5)"), null=True, blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(5)])
    customer_words = models.TextField(_("what the customer said"), blank=True)
    complaint = models.BooleanField(_("complaint"), default=False)
    at = models.DateTimeField(_("called at"), auto_now_add=True)

    class Meta:
        verbose_name = _("follow-up call")
        verbose_name_plural = _("follow-up calls")
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["store", "at"])]

    def __str__(self) -> str:
        return f"call {self.task_id}"
