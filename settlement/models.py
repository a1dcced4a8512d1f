"""Stage 5: settlement and delivery (结算/交付).

Nothing here is edited once written, except the decision on an adjustment
and the use of a gate pass (each by one service function): a refund or a
void is a new payment row, a superseded statement stays on file."""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from dealership.doors import transitions
from dealership.models import WorkOrder, WorkOrderLine
from dealership.models.base import StoreOwned
from dealership.textlimits import SIGNATURE, length_checks


class Adjustment(StoreOwned):
    """A difference between the statement and the signed quote plus the
    approved changes (SET-2): a discount, a goodwill gesture, a correction,
    or parts billed as actually issued. It counts only once a manager
    approved it, and it is printed on the statement with its reason."""

    class Kind(models.TextChoices):
        DISCOUNT = "discount", _("Discount")
        GOODWILL = "goodwill", _("Goodwill")
        CORRECTION = "correction", _("Correction")
        QUANTITY = "quantity", _("Parts billed as issued")

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for the manager")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Rejected")

    TRANSITIONS = transitions({
        Status.PENDING: {Status.APPROVED, Status.REJECTED},
        Status.APPROVED: set(),
        Status.REJECTED: set(),
    })

    work_order = models.ForeignKey(WorkOrder, on_delete=models.PROTECT, related_name="adjustments")
    line = models.ForeignKey(WorkOrderLine, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    amount = models.DecimalField(_("amount (yuan, minus for less)"), max_digits=12, decimal_places=2)
    quantity = models.DecimalField(_("quantity billed"), max_digits=10, decimal_places=2, null=True, blank=True)
    reason = models.CharField(_("reason"), max_length=200)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField(auto_now_add=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.CharField(_("manager's note"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("statement adjustment")
        verbose_name_plural = _("statement adjustments")
        ordering = ["requested_at", "id"]
        indexes = [models.Index(fields=["store", "status"]), models.Index(fields=["store", "work_order"])]

    def __str__(self) -> str:
        return f"{self.kind} {self.amount}"


class Statement(StoreOwned):
    """The settlement statement (结算单) as issued to the customer: its
    figures are kept as printed. Issuing it again (after a correction)
    supersedes the earlier one, which stays on file."""

    work_order = models.ForeignKey(WorkOrder, on_delete=models.PROTECT, related_name="statements")
    number = models.CharField(_("statement number"), max_length=30)
    labour = models.DecimalField(_("labour"), max_digits=12, decimal_places=2)
    parts = models.DecimalField(_("parts"), max_digits=12, decimal_places=2)
    adjustments = models.DecimalField(_("adjustments"), max_digits=12, decimal_places=2, default=Decimal("0"))
    total = models.DecimalField(_("total to pay"), max_digits=12, decimal_places=2)
    vat_rate_percent = models.DecimalField(_("VAT rate (%)"), max_digits=5, decimal_places=2)
    vat = models.DecimalField(_("of which VAT"), max_digits=12, decimal_places=2)
    warranty = models.DecimalField(_("warranty (claimed from the maker)"), max_digits=12, decimal_places=2,
                                   default=Decimal("0"))
    quoted = models.DecimalField(_("signed quote plus approved changes"), max_digits=12, decimal_places=2)
    next_service_on = models.DateField(_("next service due on"), null=True, blank=True)
    next_service_km = models.PositiveIntegerField(_("next service due at (km)"), null=True, blank=True)
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    issued_at = models.DateTimeField(auto_now_add=True)
    superseded = models.BooleanField(default=False)

    class Meta:
        verbose_name = _("settlement statement")
        verbose_name_plural = _("settlement statements")
        ordering = ["issued_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["store", "number"], name="uniq_statement_number"),
            models.UniqueConstraint(fields=["work_order"], condition=models.Q(superseded=False),
                                    name="one_current_statement"),
        ]
        indexes = [models.Index(fields=["store", "issued_at"])]

    def __str__(self) -> str:
        return self.number


class Payment(StoreOwned):
    """A payment is never edited: a refund or a void is a new row with a
    negative amount and a reason (SET-7)."""

    class Method(models.TextChoices):
        CASH = "cash", _("Cash")
        CARD = "card", _("Bank card")
        WECHAT = "wechat", _("WeChat Pay")
        ALIPAY = "alipay", _("Alipay")
        TRANSFER = "transfer", _("Bank transfer")
        INSURANCE = "insurance", _("Insurance")
        INTERNAL = "internal", _("Internal account")

    class Kind(models.TextChoices):
        PAYMENT = "payment", _("Payment")
        REFUND = "refund", _("Refund")
        VOID = "void", _("Void")

    work_order = models.ForeignKey(WorkOrder, on_delete=models.PROTECT, related_name="payments")
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.PAYMENT)
    amount = models.DecimalField(_("amount (yuan)"), max_digits=12, decimal_places=2)
    method = models.CharField(_("method"), max_length=20, choices=Method.choices)
    reference = models.CharField(_("reference"), max_length=60, blank=True)
    receipt_number = models.CharField(_("receipt number"), max_length=30, blank=True)
    reverses = models.OneToOneField("self", on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="reversed_by")
    reason = models.CharField(_("reason"), max_length=200, blank=True)
    received_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                    verbose_name=_("received by"))
    received_at = models.DateTimeField(_("received at"), auto_now_add=True)

    class Meta:
        verbose_name = _("payment")
        verbose_name_plural = _("payments")
        ordering = ["received_at", "id"]
        indexes = [models.Index(fields=["store", "work_order"]), models.Index(fields=["store", "received_at"])]
        constraints = [
            models.CheckConstraint(name="payment_sign_by_kind", condition=(
                models.Q(kind="payment", amount__gt=0) | models.Q(kind__in=["refund", "void"], amount__lt=0))),
        ]

    def __str__(self) -> str:
        return f"{self.amount} {self.method}"


class Delivery(StoreOwned):
    """The delivery checklist with the customer (SET-5…SET-8, SET-10,
    SET-11): filled in by the advisor at the car, then done."""

    work_order = models.OneToOneField(WorkOrder, on_delete=models.PROTECT, related_name="delivery")
    work_explained = models.BooleanField(_("work done explained"), default=False)
    invoice_explained = models.BooleanField(_("statement explained"), default=False)
    old_parts_shown = models.BooleanField(_("old parts shown"), default=False)
    further_work_explained = models.BooleanField(_("further work needed pointed out"), default=False)
    car_checked = models.BooleanField(_("car checked with the customer"), default=False)
    covers_removed = models.BooleanField(_("seat, wheel and floor covers removed"), default=False)
    delivered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                     related_name="+")
    other_advisor_reason = models.CharField(_("why another advisor delivers"), max_length=200, blank=True)
    declined_signed_name = models.CharField(_("declined work signed by"), max_length=50, blank=True)
    declined_signature = models.TextField(blank=True, max_length=SIGNATURE)  # PNG data URL from the signature pad
    declined_signed_at = models.DateTimeField(null=True, blank=True)
    done_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("delivery")
        verbose_name_plural = _("deliveries")
        indexes = [models.Index(fields=["store", "done_at"])]
        constraints = length_checks(declined_signature=SIGNATURE)

    def __str__(self) -> str:
        return f"delivery {self.work_order_id}"


class GatePass(StoreOwned):
    """出门证 (SET-14): issued only for a paid, delivered order; used once at the gate."""

    work_order = models.OneToOneField(WorkOrder, on_delete=models.PROTECT, related_name="gate_pass")
    number = models.CharField(_("gate pass number"), max_length=30)
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    issued_at = models.DateTimeField(_("issued at"), auto_now_add=True)
    used_at = models.DateTimeField(_("used at"), null=True, blank=True)
    used_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                related_name="+")

    class Meta:
        verbose_name = _("gate pass")
        verbose_name_plural = _("gate passes")
        constraints = [models.UniqueConstraint(fields=["store", "number"], name="uniq_gate_pass_number")]
        indexes = [models.Index(fields=["store", "issued_at"])]

    def __str__(self) -> str:
        return self.number


class GateAlert(StoreOwned):
    """A pass refused at the gate (unknown, used twice, another car): flagged
    for the manager."""

    class Reason(models.TextChoices):
        UNKNOWN = "unknown", _("No such gate pass")
        USED = "used", _("Gate pass already used")
        OTHER_CAR = "other_car", _("Gate pass of another car")

    gate_pass = models.ForeignKey(GatePass, on_delete=models.PROTECT, null=True, blank=True, related_name="alerts")
    typed_number = models.CharField(max_length=40)
    typed_plate = models.CharField(max_length=12, blank=True)
    reason = models.CharField(max_length=10, choices=Reason.choices)
    guard = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["store", "-at"])]

    def __str__(self) -> str:
        return f"{self.reason} {self.typed_number}"
