"""Who the parts come from, and how each part is kept in stock (issue 19)."""

from decimal import Decimal

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from dealership.models import Part
from dealership.models.base import StoreOwned


class Supplier(StoreOwned):
    class Kind(models.TextChoices):
        MAKER = "maker", _("Maker's parts centre")
        LOCAL = "local", _("Local supplier")

    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.MAKER)
    lead_days = models.PositiveSmallIntegerField(
        _("lead time (days)"), default=2, validators=[MaxValueValidator(90)],
        help_text=_("Days from sending an order to the parts at the counter."))
    contact = models.CharField(_("contact"), max_length=50, blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    email = models.EmailField(_("email"), blank=True)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("supplier")
        verbose_name_plural = _("suppliers")
        ordering = ["name", "id"]
        constraints = [models.UniqueConstraint(fields=["store", "name"], name="uniq_supplier_name")]

    def __str__(self) -> str:
        return self.name


class PartSupply(StoreOwned):
    """How one part of a store is kept: its usual supplier, where it lies, the
    stock under which it is ordered and how many at a time. Parts without
    one are ordered when something needs them, from the store's first
    supplier."""

    part = models.OneToOneField(Part, on_delete=models.PROTECT, related_name="supply")
    supplier = models.ForeignKey(Supplier, on_delete=models.PROTECT, null=True, blank=True, related_name="parts",
                                 verbose_name=_("usual supplier"))
    location = models.CharField(_("location"), max_length=20, blank=True, help_text=_("Shelf and bin, e.g. A-03-2."))
    min_stock = models.DecimalField(_("minimum stock"), max_digits=10, decimal_places=2, default=Decimal("0"),
                                    validators=[MinValueValidator(Decimal("0"))])
    order_quantity = models.DecimalField(_("order quantity"), max_digits=10, decimal_places=2,
                                         default=Decimal("1"), validators=[MinValueValidator(Decimal("0.01"))],
                                         help_text=_("Ordered in multiples of this (a box, a drum)."))
    last_cost = models.DecimalField(_("last purchase price (yuan)"), max_digits=10, decimal_places=2,
                                    default=Decimal("0"))

    class Meta:
        verbose_name = _("part supply")
        verbose_name_plural = _("part supply")
        indexes = [models.Index(fields=["store", "location"], name="supply_part_store_location")]

    def __str__(self) -> str:
        return str(self.part)
