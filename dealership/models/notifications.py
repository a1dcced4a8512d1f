"""Staff tasks: the next step put in front of a role or a person (PROMPT)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from ..doors import transitions
from ..messages import render_message
from .base import StoreOwned
from .org import Role


class StaffTask(StoreOwned):
    key = models.CharField(max_length=120)
    message = models.CharField(_("task"), max_length=200)  # English message id, see dealership.messages
    params = models.JSONField(default=dict, blank=True)
    role = models.CharField(_("for role"), max_length=30, choices=Role.choices, blank=True)
    assignee = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True,
                                 blank=True, related_name="staff_tasks")
    work_order = models.ForeignKey("dealership.WorkOrder", on_delete=models.PROTECT, null=True,
                                   blank=True, related_name="staff_tasks")
    link = models.CharField(max_length=200, blank=True)
    # What the task is about when a job may raise it again (e.g. "apt-42-not-ready"): at most one open
    # task per subject, updated in place (dealership.services.staff_tasks_upsert). Empty for the rest.
    subject = models.CharField(max_length=120, null=True, blank=True)  # noqa: DJ001 - NULLs never collide
    # Urgency (docs/decisions.md, "Tasks"): urgent = someone is waiting now (a customer at the desk, a car
    # stopped for a finding); due_at = when it must be done, overdue after it.
    urgent = models.BooleanField(default=False)
    due_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    done_at = models.DateTimeField(null=True, blank=True)
    done_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True,
                                blank=True, related_name="+")

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [models.UniqueConstraint(fields=["store", "key"], name="uniq_staff_task_key"),
                       # one OPEN task per subject; a done one does not block the next. Its condition is
                       # repeated word for word in staff_tasks_upsert's ON CONFLICT target.
                       models.UniqueConstraint(fields=["store", "subject"], condition=models.Q(done_at__isnull=True),
                                               name="uniq_open_staff_task_subject")]
        indexes = [models.Index(fields=["store", "done_at", "role"]),
                   models.Index(fields=["store", "assignee", "done_at"]),
                   # the open tasks every page shows: only the few open rows, however many are done
                   models.Index(fields=["store", "role", "created_at"], condition=models.Q(done_at__isnull=True),
                                name="stafftask_open_by_role"),
                   models.Index(fields=["assignee", "created_at"], condition=models.Q(done_at__isnull=True),
                                name="stafftask_open_by_assignee")]

    def __str__(self) -> str:
        return self.message

    @property
    def text(self) -> str:
        return render_message(self.message, self.params)


class OutboundMessage(StoreOwned):
    """Every message to a customer, under a unique key (e.g. the day-before
    confirmation of appointment 42): a message already sent is never sent
    again, and the outcome of each send is recorded (design.md, "Scheduled
    jobs")."""

    class Status(models.TextChoices):
        SENDING = "sending", _("Queued")  # recorded, waiting for the delivery task (docs/messages.md)
        RETRYING = "retrying", _("Will retry")  # a send failed; the next attempt is at next_attempt_at
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")  # given up after the last attempt: a person takes over

    TRANSITIONS = transitions({
        Status.SENDING: {Status.SENT, Status.RETRYING, Status.FAILED},
        Status.RETRYING: {Status.SENT, Status.RETRYING, Status.FAILED},  # sent again (the gateway sees the same key)
        Status.SENT: set(),
        Status.FAILED: set(),
    })
    WAITING = (Status.SENDING, Status.RETRYING)

    # None for a message to a number that is not (yet) a customer's: a one-time code on the booking page
    customer = models.ForeignKey("dealership.Customer", on_delete=models.PROTECT, null=True, blank=True,
                                 related_name="messages")
    work_order = models.ForeignKey("dealership.WorkOrder", on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="messages")
    key = models.CharField(max_length=120)
    # What the message is for, and the id of the record it is about: the outcome hooks registered for the
    # purpose (dealership.notify.outcome_hook) update that record when the message is sent or given up
    purpose = models.CharField(max_length=40, blank=True)
    ref = models.PositiveBigIntegerField(null=True, blank=True)
    channel = models.CharField(_("channel"), max_length=10)
    to = models.CharField(_("to"), max_length=120)
    subject = models.CharField(_("subject"), max_length=200)
    body = models.TextField(_("text"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.SENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    result = models.CharField(_("result"), max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    # delivery: not before next_attempt_at; claimed by one worker (claim) until claimed_until
    next_attempt_at = models.DateTimeField(_("next attempt"), null=True, blank=True)
    claim = models.CharField(max_length=32, blank=True)
    claimed_until = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("message to a customer")
        verbose_name_plural = _("messages to customers")
        constraints = [models.UniqueConstraint(fields=["store", "key"], name="uniq_outbound_key")]
        indexes = [models.Index(fields=["store", "status", "created_at"]),
                   # the delivery sweep: the few messages still waiting, however many were sent
                   models.Index(fields=["next_attempt_at"], condition=models.Q(status__in=["sending", "retrying"]),
                                name="outbound_waiting")]

    def __str__(self) -> str:
        return f"{self.key} {self.status}"
