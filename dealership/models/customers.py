"""Customers, their cars and the cars' mileage history."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from ..validators import validate_mobile, validate_plate, validate_vin
from .base import StoreOwned
from .org import Store


class Channel(models.TextChoices):
    PHONE = "phone", _("Phone call")
    SMS = "sms", _("SMS")
    WECHAT = "wechat", _("WeChat")
    EMAIL = "email", _("Email")
    VISIT = "visit", _("Visit in person")


class Customer(StoreOwned):
    class Title(models.TextChoices):
        MR = "mr", _("Mr (先生)")
        MS = "ms", _("Ms (女士)")
        NONE = "", _("Not given")

    class BoardDisplay(models.TextChoices):
        """How the welcome board shows the customer (SCH-6)."""

        FULL_NAME = "full_name", _("Full name")
        SURNAME = "surname", _("Surname + 先生/女士")
        PLATE = "plate", _("Plate only")

    store = models.ForeignKey(Store, on_delete=models.PROTECT, related_name="customers",
                              verbose_name=_("store"))
    name = models.CharField(_("name"), max_length=50)
    title = models.CharField(_("title"), max_length=2, choices=Title.choices, blank=True)
    mobile = models.CharField(_("mobile"), max_length=11, validators=[validate_mobile])
    email = models.EmailField(_("email"), blank=True)
    preferred_channel = models.CharField(_("preferred channel"), max_length=10,
                                         choices=Channel.choices, default=Channel.PHONE)
    consent_to_messages = models.BooleanField(_("agrees to receive messages"), default=False)
    board_display = models.CharField(_("welcome board shows"), max_length=10,
                                     choices=BoardDisplay.choices, default=BoardDisplay.SURNAME)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("customer")
        verbose_name_plural = _("customers")
        indexes = [models.Index(fields=["store", "mobile"]), models.Index(fields=["store", "name"]),
                   # a name typed at the desk is a prefix search (LIKE '张%'): PostgreSQL needs the pattern opclass
                   models.Index(fields=["store", "name"], name="customer_name_prefix",
                                opclasses=["int8_ops", "varchar_pattern_ops"])]

    def __str__(self) -> str:
        return self.name

    def salutation(self) -> str:
        """How a message addresses the customer: 王先生 / 李女士, else the name."""
        honorific = {"mr": "先生", "ms": "女士"}.get(self.title, "")
        return f"{self.name[0]}{honorific}" if honorific and self.name else self.name

    def board_name(self, plate: str = "") -> str:
        """The name as the customer wishes it shown in public (SCH-6)."""
        if self.board_display == self.BoardDisplay.FULL_NAME:
            return self.name
        if self.board_display == self.BoardDisplay.SURNAME and self.name:
            honorific = {"mr": "先生", "ms": "女士"}.get(self.title, "")
            return f"{self.name[0]}{honorific}" if honorific else f"{self.name[0]}**"
        return plate


class Vehicle(StoreOwned):
    store = models.ForeignKey(Store, on_delete=models.PROTECT, related_name="vehicles",
                              verbose_name=_("store"))
    customer = models.ForeignKey(Customer, on_delete=models.PROTECT, related_name="vehicles",
                                 verbose_name=_("customer"))
    plate = models.CharField(_("plate"), max_length=10, validators=[validate_plate])
    vin = models.CharField(_("VIN"), max_length=17, validators=[validate_vin])
    make = models.CharField(_("make"), max_length=40)
    model = models.CharField(_("model"), max_length=60)
    year = models.PositiveSmallIntegerField(_("model year"), null=True, blank=True)
    colour = models.CharField(_("colour"), max_length=20, blank=True)
    mileage = models.PositiveIntegerField(_("last mileage (km)"), default=0)
    # SET-9: written at settlement, read by the service reminder before it is due
    next_service_on = models.DateField(_("next service due on"), null=True, blank=True)
    next_service_km = models.PositiveIntegerField(_("next service due at (km)"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("vehicle")
        verbose_name_plural = _("vehicles")
        constraints = [
            models.UniqueConstraint(fields=["store", "vin"], name="uniq_vehicle_vin_per_store"),
            models.UniqueConstraint(fields=["store", "plate"], name="uniq_vehicle_plate_per_store"),
        ]

    def __str__(self) -> str:
        return f"{self.plate} {self.make} {self.model}"


class MileageReading(StoreOwned):
    """Every reading, so that a reading lower than the last one is visible
    with its reason (odometer replaced, typing error corrected, …)."""

    vehicle = models.ForeignKey(Vehicle, on_delete=models.PROTECT, related_name="mileage_readings")
    km = models.PositiveIntegerField(_("mileage (km)"))
    previous_km = models.PositiveIntegerField(_("previous mileage (km)"))
    reason = models.CharField(_("reason for a lower reading"), max_length=200, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                    null=True, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)
    work_order = models.ForeignKey("dealership.WorkOrder", on_delete=models.PROTECT, null=True,
                                   blank=True, related_name="+")

    class Meta:
        ordering = ["-recorded_at", "-id"]
        indexes = [models.Index(fields=["store", "vehicle", "-recorded_at"])]

    def __str__(self) -> str:
        return f"{self.km} km"
