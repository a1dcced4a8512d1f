"""Stage 5: settlement and delivery (结算/交付)."""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from dealership.models import Store, WorkOrder


class Payment(models.Model):
    """A payment is never edited: a refund or void is a new row (SET-7)."""

    class Method(models.TextChoices):
        CASH = "cash", _("Cash")
        CARD = "card", _("Bank card")
        WECHAT = "wechat", _("WeChat Pay")
        ALIPAY = "alipay", _("Alipay")
        TRANSFER = "transfer", _("Bank transfer")
        INSURANCE = "insurance", _("Insurance")
        INTERNAL = "internal", _("Internal account")

    store = models.ForeignKey(Store, on_delete=models.PROTECT, related_name="+")
    work_order = models.ForeignKey(WorkOrder, on_delete=models.PROTECT, related_name="payments")
    amount = models.DecimalField(_("amount (yuan)"), max_digits=12, decimal_places=2,
                                 validators=[MinValueValidator(Decimal("0"))])
    method = models.CharField(_("method"), max_length=20, choices=Method.choices)
    reference = models.CharField(_("reference"), max_length=60, blank=True)
    received_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                    verbose_name=_("received by"))
    received_at = models.DateTimeField(_("received at"), auto_now_add=True)

    class Meta:
        verbose_name = _("payment")
        verbose_name_plural = _("payments")
        ordering = ["received_at", "id"]
        indexes = [models.Index(fields=["store", "work_order"]), models.Index(fields=["store", "received_at"])]

    def __str__(self) -> str:
        return f"{self.amount} {self.method}"


class GatePass(models.Model):
    """出门证 (SET-14): issued only for a settled order; used once at the gate."""

    store = models.ForeignKey(Store, on_delete=models.PROTECT, related_name="+")
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
