"""Changes the customer approves (REP-2…REP-4, REP-10): findings reported by
the technician, priced by the advisor, decided by the customer."""

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from dealership.doors import transitions
from dealership.models import WorkOrder
from dealership.models.base import StoreOwned
from dealership.textlimits import DESCRIPTION, length_checks

from .jobs import Job


def finding_photo_path(instance: "Finding", filename: str) -> str:
    extension = {"image/jpeg": "jpg", "image/png": "png", "image/webp": "webp"}.get(instance.photo_type, "bin")
    return f"findings/{instance.store_id}/{uuid.uuid4().hex}.{extension}"


class Finding(StoreOwned):
    """Something the order did not foresee: a new fault, or the order not
    matching the car (REP-3). Nothing on it may be worked on or billed until
    the customer approved it (REP-2)."""

    class Status(models.TextChoices):
        REPORTED = "reported", _("Reported to the advisor")
        PRICED = "priced", _("Priced, waiting for the customer")
        DECIDED = "decided", _("Decided by the customer")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    TRANSITIONS = transitions({
        Status.REPORTED: {Status.PRICED},
        # PRICED: items added to the offer; REPORTED: every item taken off it again
        Status.PRICED: {Status.PRICED, Status.REPORTED, Status.DECIDED},
        Status.DECIDED: set(),
        Status.WITHDRAWN: set(),
    })

    class Source(models.TextChoices):
        WORKSHOP = "workshop", _("Workshop")
        QC = "qc", _("Quality inspection")

    class Via(models.TextChoices):
        PHONE = "phone", _("By phone")
        LINK = "link", _("Through the link")
        IN_PERSON = "in_person", _("In person")

    work_order = models.ForeignKey(WorkOrder, on_delete=models.PROTECT, related_name="findings")
    job = models.ForeignKey(Job, on_delete=models.PROTECT, null=True, blank=True, related_name="findings")
    source = models.CharField(max_length=10, choices=Source.choices, default=Source.WORKSHOP)
    description = models.TextField(_("what was found"), max_length=DESCRIPTION)
    photo = models.ImageField(upload_to=finding_photo_path, blank=True)
    photo_type = models.CharField(max_length=20, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.REPORTED)
    reported_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    reported_at = models.DateTimeField(auto_now_add=True)
    priced_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                  related_name="+")
    priced_at = models.DateTimeField(null=True, blank=True)
    new_promised_at = models.DateTimeField(_("new promised delivery"), null=True, blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_via = models.CharField(max_length=10, choices=Via.choices, blank=True)
    decided_note = models.TextField(_("what the customer said"), blank=True, max_length=DESCRIPTION)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="+")  # the advisor on the phone; empty through the link

    class Meta:
        ordering = ["reported_at", "id"]
        indexes = [models.Index(fields=["store", "status"])]
        constraints = length_checks(description=DESCRIPTION, decided_note=DESCRIPTION)

    def __str__(self) -> str:
        return self.description[:40]


class FreeFix(StoreOwned):
    """A small fault fixed free of charge on the technician's own initiative (REP-10)."""

    work_order = models.ForeignKey(WorkOrder, on_delete=models.PROTECT, related_name="free_fixes")
    job = models.ForeignKey(Job, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    description = models.CharField(_("what was fixed"), max_length=200)
    technician = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return self.description
