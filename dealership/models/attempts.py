"""Refused attempts (issue 21): each time a guard refused an action a person
asked for, with the rule that refused it. The compliance page counts them
for the "must avoid" items whose home is a guard."""

from django.conf import settings
from django.db import models

from .base import StoreOwned


class RefusedAttempt(StoreOwned):
    rule = models.CharField(max_length=12)  # the guard's rule ID in process-rules.md (REC-12, …)
    message = models.CharField(max_length=300)  # what the person was told, in their language
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                              related_name="+")
    work_order = models.ForeignKey("dealership.WorkOrder", on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="+")
    path = models.CharField(max_length=200, blank=True)
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["store", "at"]), models.Index(fields=["rule", "at"])]

    def __str__(self) -> str:
        return f"{self.rule} {self.at:%Y-%m-%d %H:%M}"
