"""The published price catalogue of a store: labour operations and parts.

Each store publishes its own prices (SET-3), so catalogue rows carry the
store; a work order line copies the price it was quoted at."""

from decimal import Decimal

from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from .base import StoreOwned
from .org import Store, Trade


class JobType(models.TextChoices):
    MAINTENANCE = "maintenance", _("Maintenance")
    BRAKES = "brakes", _("Brakes")
    ELECTRICAL = "electrical", _("Electrical")
    ENGINE = "engine", _("Engine and drivetrain")
    TYRES = "tyres", _("Tyres and wheels")
    BODY_PAINT = "body_paint", _("Body and paint")
    AIRCON = "aircon", _("Air conditioning")
    OTHER = "other", _("Other")


class LabourOperation(StoreOwned):
    store = models.ForeignKey(Store, on_delete=models.PROTECT, related_name="labour_operations",
                              verbose_name=_("store"))
    code = models.CharField(_("code"), max_length=20)
    name = models.CharField(_("name"), max_length=100)
    trade = models.CharField(_("trade"), max_length=20, choices=Trade.choices,
                             default=Trade.MECHANICAL)
    job_type = models.CharField(_("job type"), max_length=20, choices=JobType.choices,
                                default=JobType.MAINTENANCE)
    standard_hours = models.DecimalField(_("standard hours"), max_digits=6, decimal_places=2,
                                         validators=[MinValueValidator(Decimal("0"))])
    price = models.DecimalField(_("published price (yuan)"), max_digits=10, decimal_places=2,
                                validators=[MinValueValidator(Decimal("0"))])
    documentation_url = models.CharField(_("service documentation"), max_length=300, blank=True,
                                         help_text=_("Link to the repair manual or service information (REP-7)."))
    special_tools = models.CharField(_("special tools"), max_length=300, blank=True)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("labour operation")
        verbose_name_plural = _("labour operations")
        ordering = ["code"]
        constraints = [models.UniqueConstraint(fields=["store", "code"], name="uniq_labour_code")]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class Part(StoreOwned):
    store = models.ForeignKey(Store, on_delete=models.PROTECT, related_name="parts",
                              verbose_name=_("store"))
    number = models.CharField(_("part number"), max_length=30)
    name = models.CharField(_("name"), max_length=100)
    unit = models.CharField(_("unit"), max_length=10, default="个")
    price = models.DecimalField(_("published price (yuan)"), max_digits=10, decimal_places=2,
                                validators=[MinValueValidator(Decimal("0"))])
    on_hand = models.DecimalField(_("in stock"), max_digits=10, decimal_places=2,
                                  default=Decimal("0"), validators=[MinValueValidator(Decimal("0"))])
    reserved = models.DecimalField(_("reserved"), max_digits=10, decimal_places=2,
                                   default=Decimal("0"), validators=[MinValueValidator(Decimal("0"))])
    # the stock's value at cost (moving average, issue 19): the sum of its ledger moves' values (supply.ledger)
    stock_value = models.DecimalField(_("stock value at cost (yuan)"), max_digits=12, decimal_places=2,
                                      default=Decimal("0"))
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("part")
        verbose_name_plural = _("parts")
        ordering = ["number"]
        constraints = [
            models.UniqueConstraint(fields=["store", "number"], name="uniq_part_number"),
            models.CheckConstraint(condition=models.Q(on_hand__gte=0), name="part_stock_not_negative"),
            models.CheckConstraint(condition=models.Q(reserved__gte=0), name="part_reserved_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.name}"

    @property
    def available(self) -> Decimal:
        return self.on_hand - self.reserved

    #: Units a part is measured in (oil by the litre, hose by the metre); any
    #: other unit (个, 套, 只, 瓶 …) is counted, in whole pieces.
    MEASURED_UNITS = frozenset({"升", "L", "l", "毫升", "mL", "ml", "千克", "公斤", "kg", "克", "g", "米", "m"})

    @property
    def counted(self) -> bool:
        return self.unit.strip() not in self.MEASURED_UNITS
