"""Staff tasks: the next step put in front of a role or a person (PROMPT)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from ..messages import render_message
from .org import Role, Store


class StaffTask(models.Model):
    store = models.ForeignKey(Store, on_delete=models.PROTECT, related_name="+")
    key = models.CharField(max_length=120)
    message = models.CharField(_("task"), max_length=200)  # English message id, see dealership.messages
    params = models.JSONField(default=dict, blank=True)
    role = models.CharField(_("for role"), max_length=30, choices=Role.choices, blank=True)
    assignee = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True,
                                 blank=True, related_name="staff_tasks")
    work_order = models.ForeignKey("dealership.WorkOrder", on_delete=models.PROTECT, null=True,
                                   blank=True, related_name="staff_tasks")
    link = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    done_at = models.DateTimeField(null=True, blank=True)
    done_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True,
                                blank=True, related_name="+")

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [models.UniqueConstraint(fields=["store", "key"], name="uniq_staff_task_key")]
        indexes = [models.Index(fields=["store", "done_at", "role"]),
                   models.Index(fields=["store", "assignee", "done_at"])]

    def __str__(self) -> str:
        return self.message

    @property
    def text(self) -> str:
        return render_message(self.message, self.params)
