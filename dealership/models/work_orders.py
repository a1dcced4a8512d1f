"""The work order (任务委托书): the spine that carries a visit through all six
stages. Its status changes only through dealership.services.work_order_transition."""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from ..messages import render_message
from ..textlimits import DESCRIPTION, NOTES, length_checks
from .base import StoreOwned
from .catalogue import LabourOperation, Part
from .customers import Customer, Vehicle
from .org import Store

ZERO = Decimal("0.00")


class WorkOrder(StoreOwned):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SIGNED = "signed", _("Signed")
        IN_REPAIR = "in_repair", _("In repair")
        REPAIR_DONE = "repair_done", _("Repair done")
        QC_FAILED = "qc_failed", _("QC failed")
        QC_PASSED = "qc_passed", _("QC passed")
        READY = "ready", _("Ready for delivery")
        SETTLED = "settled", _("Settled")
        DELIVERED = "delivered", _("Delivered")
        CLOSED = "closed", _("Closed")
        CANCELLED = "cancelled", _("Cancelled")

    class Origin(models.TextChoices):
        APPOINTMENT = "appointment", _("Appointment")
        WALK_IN = "walk_in", _("Walk-in")

    store = models.ForeignKey(Store, on_delete=models.PROTECT, related_name="work_orders",
                              verbose_name=_("store"))
    number = models.CharField(_("number"), max_length=30)
    origin = models.CharField(_("origin"), max_length=20, choices=Origin.choices,
                              default=Origin.WALK_IN)
    customer = models.ForeignKey(Customer, on_delete=models.PROTECT, related_name="work_orders",
                                 verbose_name=_("customer"))
    vehicle = models.ForeignKey(Vehicle, on_delete=models.PROTECT, related_name="work_orders",
                                verbose_name=_("vehicle"))
    advisor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                related_name="advised_orders", verbose_name=_("service advisor"))
    status = models.CharField(_("status"), max_length=20, choices=Status.choices,
                              default=Status.DRAFT, editable=False)
    customer_words = models.TextField(_("customer's description"), blank=True, max_length=DESCRIPTION,
                                      help_text=_("In the customer's own words."))
    diagnosis = models.TextField(_("diagnosis"), blank=True, max_length=DESCRIPTION)
    mileage_in = models.PositiveIntegerField(_("mileage at reception (km)"), null=True, blank=True)
    promised_at = models.DateTimeField(_("promised delivery"), null=True, blank=True)
    customer_waits = models.BooleanField(_("customer waits in the lounge"), null=True, blank=True)
    customer_signed_name = models.CharField(_("signed by (customer)"), max_length=50, blank=True)
    customer_signed_at = models.DateTimeField(_("customer signed at"), null=True, blank=True)
    advisor_signed_at = models.DateTimeField(_("advisor signed at"), null=True, blank=True)
    labour_total = models.DecimalField(_("labour"), max_digits=12, decimal_places=2, default=ZERO)
    parts_total = models.DecimalField(_("parts"), max_digits=12, decimal_places=2, default=ZERO)
    total = models.DecimalField(_("total"), max_digits=12, decimal_places=2, default=ZERO)
    cancel_reason = models.CharField(_("cancel reason"), max_length=200, blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("work order")
        verbose_name_plural = _("work orders")
        ordering = ["-created_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["store", "number"], name="uniq_wo_number"),
                       *length_checks(customer_words=DESCRIPTION, diagnosis=DESCRIPTION)]
        indexes = [
            models.Index(fields=["store", "customer_signed_at"], name="order_signed_at"),  # issue 21: the compliance cases of a month
            models.Index(fields=["store", "status", "promised_at"]),
            models.Index(fields=["store", "-created_at"]),
            models.Index(fields=["store", "advisor", "status"]),
        ]

    def __str__(self) -> str:
        return self.number


class WorkOrderLine(StoreOwned):
    class Kind(models.TextChoices):
        LABOUR = "labour", _("Labour")
        PART = "part", _("Part")

    class Source(models.TextChoices):
        APPOINTMENT = "appointment", _("Pre-diagnosis at booking")
        RECEPTION = "reception", _("Reception")
        CHANGE = "change", _("Approved change")
        QC = "qc", _("Found at QC")

    class Approval(models.TextChoices):
        APPROVED = "approved", _("Approved")
        PENDING = "pending", _("Waiting for the customer")
        DECLINED = "declined", _("Declined")

    work_order = models.ForeignKey(WorkOrder, on_delete=models.PROTECT, related_name="lines")
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    labour_operation = models.ForeignKey(LabourOperation, on_delete=models.PROTECT, null=True,
                                         blank=True, related_name="+",
                                         verbose_name=_("labour operation"))
    part = models.ForeignKey(Part, on_delete=models.PROTECT, null=True, blank=True,
                             related_name="+", verbose_name=_("part"))
    code = models.CharField(_("code"), max_length=30, blank=True)
    description = models.CharField(_("description"), max_length=200)
    quantity = models.DecimalField(_("quantity"), max_digits=8, decimal_places=2,
                                   validators=[MinValueValidator(Decimal("0.01"))])
    unit_price = models.DecimalField(_("unit price (yuan)"), max_digits=10, decimal_places=2,
                                     validators=[MinValueValidator(Decimal("0"))])
    hours = models.DecimalField(_("standard hours"), max_digits=6, decimal_places=2, default=ZERO)
    amount = models.DecimalField(_("amount"), max_digits=12, decimal_places=2)
    source = models.CharField(_("source"), max_length=20, choices=Source.choices)
    approval = models.CharField(_("approval"), max_length=10, choices=Approval.choices,
                                default=Approval.APPROVED)
    warranty = models.BooleanField(_("warranty"), default=False)
    # the change the customer decided (REP-2); a plain id so the core does not depend on the workshop
    finding_id = models.PositiveBigIntegerField(null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("work order line")
        verbose_name_plural = _("work order lines")
        ordering = ["id"]
        indexes = [models.Index(fields=["store", "work_order"])]

    def __str__(self) -> str:
        return self.description

    @property
    def customer_amount(self) -> Decimal:
        return ZERO if self.warranty else self.amount


class WorkOrderEvent(StoreOwned):
    """The timeline: one row for every status move and every other fact that
    matters later (who, when, what; for an override also who allowed it and
    why)."""

    class Kind(models.TextChoices):
        STATUS = "status", _("Status change")
        LINE = "line", _("Items changed")
        NOTE = "note", _("Note")
        PAYMENT = "payment", _("Payment")
        PRINT = "print", _("Printed")

    work_order = models.ForeignKey(WorkOrder, on_delete=models.PROTECT, related_name="events")
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.STATUS)
    from_status = models.CharField(max_length=20, choices=WorkOrder.Status.choices, blank=True)
    to_status = models.CharField(max_length=20, choices=WorkOrder.Status.choices, blank=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True,
                              blank=True, related_name="+")
    at = models.DateTimeField(auto_now_add=True, db_index=False)
    message = models.CharField(max_length=200, blank=True)  # English message id, see dealership.messages
    params = models.JSONField(default=dict, blank=True)
    note = models.TextField(blank=True, max_length=NOTES)  # what a person wrote (a reason, findings), as written
    rule = models.CharField(max_length=20, blank=True)
    override_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                    null=True, blank=True, related_name="+")
    override_reason = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["store", "work_order", "at"]),
                   models.Index(fields=["store", "at"], condition=models.Q(override_by__isnull=False),
                                name="event_override_at"),  # issue 21: the compliance cases of a month

                   models.Index(fields=["store", "to_status", "at"])]
        constraints = length_checks(note=NOTES)

    def __str__(self) -> str:
        return f"{self.work_order_id} {self.from_status}->{self.to_status}"

    @property
    def text(self) -> str:
        return render_message(self.message, self.params)
