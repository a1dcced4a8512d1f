"""Dealer groups, stores with their process settings, and staff with roles."""

from datetime import time
from decimal import Decimal

from django.contrib.auth.models import AbstractUser
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.crypto import salted_hmac
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _


class DealerGroup(models.Model):
    name = models.CharField(_("name"), max_length=100, unique=True)

    class Meta:
        verbose_name = _("dealer group")
        verbose_name_plural = _("dealer groups")

    def __str__(self) -> str:
        return self.name


class Store(models.Model):
    """A service outlet. Its fields are the per-store settings of the process
    rules (SCH-1..SCH-3 and the rest); defaults are the document's values."""

    group = models.ForeignKey(DealerGroup, on_delete=models.PROTECT, related_name="stores",
                              verbose_name=_("dealer group"))
    code = models.CharField(_("code"), max_length=10, unique=True,
                            help_text=_("Short code used in work order numbers."))
    name = models.CharField(_("name"), max_length=100)
    address = models.CharField(_("address"), max_length=200, blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    opens_at = models.TimeField(_("opens at"), default=time(8, 30))
    closes_at = models.TimeField(_("closes at"), default=time(18, 0))
    slot_minutes = models.PositiveSmallIntegerField(
        _("reception slot (minutes)"), default=15,
        validators=[MinValueValidator(5), MaxValueValidator(120)])
    slots_before_buffer = models.PositiveSmallIntegerField(
        _("slots before a buffer slot"), default=3,
        validators=[MinValueValidator(1), MaxValueValidator(20)],
        help_text=_("After this many reception slots one slot is kept free (SCH-1)."))
    reception_target_minutes = models.PositiveSmallIntegerField(
        _("reception target (minutes)"), default=12)
    queue_patience_minutes = models.PositiveSmallIntegerField(
        _("queue patience limit (minutes)"), default=8)
    appointment_capacity_percent = models.DecimalField(
        _("workshop capacity kept for appointments (%)"), max_digits=5, decimal_places=2,
        default=Decimal("40.00"),
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("100"))])
    technician_hours_per_day = models.DecimalField(
        _("working hours per technician per day"), max_digits=4, decimal_places=2, default=Decimal("8.00"),
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("24"))])
    advisors_dispatch = models.BooleanField(
        _("advisors dispatch jobs (otherwise the foreman)"), default=False)
    no_show_after_minutes = models.PositiveSmallIntegerField(
        _("an appointment is a no-show this many minutes after its time"), default=120)
    offer_answer_hours = models.PositiveSmallIntegerField(
        _("hours a customer has to choose a new time"), default=2,
        validators=[MinValueValidator(1), MaxValueValidator(72)],
        help_text=_("When the shop cancels an appointment, the customer is offered new times; without an answer "
                    "after this many opening hours an appointment agent is asked to call (APT-10)."))
    labour_rate = models.DecimalField(_("labour rate (yuan per hour)"), max_digits=10,
                                      decimal_places=2, default=Decimal("280.00"),
                                      validators=[MinValueValidator(Decimal("0"))])
    vat_rate_percent = models.DecimalField(_("VAT rate (%)"), max_digits=5, decimal_places=2,
                                           default=Decimal("13.00"))
    service_interval_km = models.PositiveIntegerField(
        _("maintenance interval (km)"), default=5000,
        help_text=_("The next service is due after this distance or interval, whichever comes first (SET-9)."))
    service_interval_months = models.PositiveSmallIntegerField(_("maintenance interval (months)"), default=6)
    followup_max_attempts = models.PositiveSmallIntegerField(
        _("follow-up calls before an SMS survey"), default=3,
        help_text=_("A customer not reached after this many calls gets the survey link by SMS."))
    complaint_days = models.PositiveSmallIntegerField(_("days to handle a complaint"), default=3)
    reminder_days_before = models.PositiveSmallIntegerField(_("remind this many days before the next service"),
                                                           default=14)
    followup_due_min_days = models.PositiveSmallIntegerField(
        _("follow-up earliest (days after delivery)"), default=2)
    followup_due_max_days = models.PositiveSmallIntegerField(
        _("follow-up latest (days after delivery)"), default=7)
    # The first run (issue 18): a store made by `setup_dealership` stays "being set up" until everything the
    # first booking needs is in place (dealership.readiness); the flag is then cleared once, so a ready store
    # costs no query. Stores made any other way (the demo, tests, existing databases) start ready.
    setup_pending = models.BooleanField(_("being set up"), default=False)
    # Opening hours and the labour rate have defaults, so "set" means the manager has looked at them and said so.
    hours_confirmed = models.BooleanField(_("opening hours confirmed"), default=False)
    labour_rate_confirmed = models.BooleanField(_("labour rate confirmed"), default=False)

    class Meta:
        verbose_name = _("store")
        verbose_name_plural = _("stores")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class Role(models.TextChoices):
    APPOINTMENT_AGENT = "appointment_agent", _("Appointment agent")
    SERVICE_ADVISOR = "service_advisor", _("Service advisor")
    SERVICE_ASSISTANT = "service_assistant", _("Service assistant")
    TECHNICIAN = "technician", _("Technician")
    FOREMAN = "foreman", _("Foreman")
    TECHNICAL_EXPERT = "technical_expert", _("Technical expert")
    PARTS_CLERK = "parts_clerk", _("Parts clerk")
    PARTS_MANAGER = "parts_manager", _("Parts manager")
    QC_INSPECTOR = "qc_inspector", _("QC inspector")
    CASHIER = "cashier", _("Cashier")
    FOLLOWUP_AGENT = "followup_agent", _("Follow-up agent")
    GATE_GUARD = "gate_guard", _("Gate guard")
    WARRANTY_ASSESSOR = "warranty_assessor", _("Warranty assessor")
    AFTERSALES_MANAGER = "aftersales_manager", _("After-sales manager")
    GROUP_MANAGER = "group_manager", _("Group manager")


class Trade(models.TextChoices):
    """Workshop trades; an advisor's trade is the kind of car they receive
    (机电 / 快修 / 车身)."""

    MECHANICAL = "mechanical", _("Mechanical and electrical")
    QUICK = "quick", _("Quick service")
    BODY = "body", _("Body and paint")


class User(AbstractUser):
    """A member of staff. Belongs to one store (group managers: to a group)."""

    group = models.ForeignKey(DealerGroup, on_delete=models.PROTECT, null=True, blank=True,
                              related_name="staff", verbose_name=_("dealer group"))
    store = models.ForeignKey(Store, on_delete=models.PROTECT, null=True, blank=True,
                              related_name="staff", verbose_name=_("store"))
    display_name = models.CharField(_("display name"), max_length=50, blank=True)
    trade = models.CharField(_("trade"), max_length=20, choices=Trade.choices, blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    # raised by "log out everywhere": every session signed in before it no longer matches
    session_epoch = models.PositiveIntegerField(default=0, editable=False)
    # set by a manager's password reset (and for a new account): until the person picks their own password, every
    # page sends them to the password change page (dealership.middleware.ForcePasswordChangeMiddleware)
    must_change_password = models.BooleanField(_("must change password"), default=False)

    class Meta:
        verbose_name = _("staff member")
        verbose_name_plural = _("staff")

    def _get_session_auth_hash(self, secret=None):
        """Django's session hash (it changes with the password), also changed by
        `session_epoch`: logging out everywhere ends every other session."""
        value = self.password if not self.session_epoch else f"{self.password}:{self.session_epoch}"
        return salted_hmac("django.contrib.auth.models.AbstractBaseUser.get_session_auth_hash", value, secret=secret,
                           algorithm="sha256").hexdigest()

    # what str(user) reads, for .only() on pages that show a name
    NAME_FIELDS = ("display_name", "first_name", "last_name", "username")

    def __str__(self) -> str:
        return self.display_name or self.get_full_name() or self.username

    @cached_property
    def roles(self) -> frozenset[str]:
        return frozenset(self.staff_roles.values_list("role", flat=True))

    def has_role(self, *roles: str) -> bool:
        return bool(self.roles.intersection(roles))

    @property
    def is_group_manager(self) -> bool:
        return Role.GROUP_MANAGER in self.roles

    def role_labels(self) -> list[str]:
        return [Role(r).label for r in sorted(self.roles)]


class StaffRole(models.Model):
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="staff_roles")
    role = models.CharField(_("role"), max_length=30, choices=Role.choices)

    class Meta:
        verbose_name = _("staff role")
        verbose_name_plural = _("staff roles")
        constraints = [models.UniqueConstraint(fields=["user", "role"], name="uniq_staff_role")]
        indexes = [models.Index(fields=["role", "user"])]

    def __str__(self) -> str:
        return f"{self.user} · {self.get_role_display()}"


class StoreCounter(models.Model):
    """Per-store sequences (work order numbers, gate passes). Incremented with
    an UPDATE … SET value = value + 1 inside the caller's transaction, so two
    requests never draw the same number."""

    store = models.ForeignKey(Store, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=40)
    value = models.PositiveBigIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["store", "key"], name="uniq_store_counter")]

    def __str__(self) -> str:
        return f"{self.key}={self.value}"
