"""Stage 1: appointments (预约)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from dealership.doors import transitions
from dealership.models import Customer, Store, Vehicle, WorkOrder
from dealership.models.base import StoreOwned
from dealership.textlimits import DESCRIPTION, length_checks


class Appointment(StoreOwned):
    class Status(models.TextChoices):
        BOOKED = "booked", _("Booked")
        ARRIVED = "arrived", _("Arrived")
        NO_SHOW = "no_show", _("No-show")
        CANCELLED = "cancelled", _("Cancelled")

    ACTIVE = (Status.BOOKED, Status.ARRIVED)
    TRANSITIONS = transitions({  # moved through appointments.doors.APPOINTMENT, which writes an AppointmentChange
        Status.BOOKED: {Status.ARRIVED, Status.NO_SHOW, Status.CANCELLED},
        Status.ARRIVED: {Status.CANCELLED},  # the order behind it cancelled at reception
        Status.NO_SHOW: set(),
        Status.CANCELLED: set(),
    })

    store = models.ForeignKey(Store, on_delete=models.PROTECT, related_name="appointments",
                              verbose_name=_("store"))
    customer = models.ForeignKey(Customer, on_delete=models.PROTECT, related_name="appointments",
                                 verbose_name=_("customer"))
    vehicle = models.ForeignKey(Vehicle, on_delete=models.PROTECT, related_name="appointments",
                                verbose_name=_("vehicle"))
    advisor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                related_name="appointments", verbose_name=_("receiving advisor"))
    work_order = models.OneToOneField(WorkOrder, on_delete=models.PROTECT,
                                      related_name="appointment", verbose_name=_("work order"))
    starts_at = models.DateTimeField(_("time"))
    in_buffer = models.BooleanField(_("placed in a buffer slot"), default=False)
    buffer_reason = models.CharField(_("reason for using the buffer"), max_length=200, blank=True)
    customer_words = models.TextField(_("customer's description of the fault"), max_length=DESCRIPTION)
    pre_diagnosis = models.TextField(_("pre-diagnosis"), max_length=DESCRIPTION)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices,
                              default=Status.BOOKED)
    arrived_at = models.DateTimeField(_("arrived at"), null=True, blank=True)
    # workshop capacity taken, by trade, so exactly that is given back (APT-5)
    capacity_taken = models.JSONField(default=dict, blank=True)
    capacity_override_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True,
                                             blank=True, related_name="+")
    capacity_override_reason = models.CharField(_("reason for booking beyond capacity"), max_length=200,
                                                blank=True)
    # preparation (APT-9, SCH-5): who does what, and the manual ticks
    needs_expert = models.BooleanField(_("needs a technical expert"), default=False)
    expert = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                               related_name="expert_appointments", verbose_name=_("technical expert"))
    technician = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="planned_appointments", verbose_name=_("technician"))
    bay = models.CharField(_("bay"), max_length=20, blank=True)
    tools_ready_at = models.DateTimeField(_("equipment and tools ready"), null=True, blank=True)
    docs_ready_at = models.DateTimeField(_("documentation ready"), null=True, blank=True)
    file_pulled_at = models.DateTimeField(_("customer file pulled"), null=True, blank=True)
    # the customer's answer through the signed link (APT-11)
    customer_answer = models.CharField(_("customer's answer"), max_length=20, blank=True,
                                       choices=[("confirmed", _("Confirmed")),
                                                ("reschedule", _("Asks to reschedule")),
                                                ("cancel", _("Cancels"))])
    customer_answer_note = models.CharField(_("customer's note"), max_length=200, blank=True)
    customer_answered_at = models.DateTimeField(null=True, blank=True)
    closed_reason = models.CharField(_("reason"), max_length=200, blank=True)
    closed_by_shop = models.BooleanField(_("cancelled by the shop"), default=False)
    schedule_version = models.PositiveSmallIntegerField(default=0)  # +1 on each reschedule
    ready_at_arrival = models.BooleanField(_("ready when the customer arrived"), null=True, blank=True)
    # None: booked by the customer on the public booking page (issue 20)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="+", verbose_name=_("booked by"))
    created_at = models.DateTimeField(_("booked at"), auto_now_add=True)

    class Meta:
        verbose_name = _("appointment")
        verbose_name_plural = _("appointments")
        ordering = ["starts_at", "id"]
        constraints = [
            # SCH-1: one customer per advisor slot. The database refuses the
            # second of two concurrent bookings of the same slot.
            models.UniqueConstraint(
                fields=["advisor", "starts_at"], condition=models.Q(status__in=["booked", "arrived"]),
                name="uniq_active_advisor_slot"),
            *length_checks(customer_words=DESCRIPTION, pre_diagnosis=DESCRIPTION),
        ]
        indexes = [models.Index(fields=["store", "starts_at"]),
                   models.Index(fields=["store", "created_at"], condition=models.Q(capacity_override_by__isnull=False),
                                name="appointment_capacity_override"),  # issue 21: the compliance cases of a month

                   models.Index(fields=["store", "advisor", "starts_at"]),
                   # the confirmation sweep looks across stores for booked appointments coming up
                   models.Index(fields=["starts_at"], condition=models.Q(status="booked"),
                                name="appointment_booked_by_time")]

    def __str__(self) -> str:
        return f"{self.vehicle.plate} {self.starts_at:%Y-%m-%d %H:%M}"
