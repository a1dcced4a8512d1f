"""Stage 4: quality inspection (检验), the wash, the completed-vehicle area
and the internal handover to the advisor."""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from dealership.models import JobType, Vehicle, WorkOrder
from dealership.models.base import StoreOwned
from dealership.textlimits import DESCRIPTION, length_checks


class QcCheckItem(StoreOwned):
    """A line of the inspector's documented checklist for a kind of job
    (QC-2), a store setting with a default set."""

    job_type = models.CharField(_("job type"), max_length=20, choices=JobType.choices)
    label = models.CharField(_("check"), max_length=100)
    position = models.PositiveSmallIntegerField(default=0)
    active = models.BooleanField(default=True)

    class Meta:
        verbose_name = _("QC check")
        verbose_name_plural = _("QC checks")
        ordering = ["job_type", "position", "id"]

    def __str__(self) -> str:
        return self.label


class QcStandard(StoreOwned):
    """Per store and kind of job: whether a road test is required (QC-3) and
    the guarantee printed on the quality guarantee card (QC-7)."""

    job_type = models.CharField(_("job type"), max_length=20, choices=JobType.choices)
    road_test_required = models.BooleanField(_("road test required"), default=False)
    guarantee_months = models.PositiveSmallIntegerField(_("guarantee (months)"), default=3)
    guarantee_km = models.PositiveIntegerField(_("guarantee (km)"), default=5000)
    guarantee_terms = models.TextField(_("guarantee terms"), blank=True, max_length=DESCRIPTION)

    class Meta:
        verbose_name = _("QC standard")
        verbose_name_plural = _("QC standards")
        constraints = [models.UniqueConstraint(fields=["store", "job_type"], name="uniq_qc_standard"),
                       *length_checks(guarantee_terms=DESCRIPTION)]

    def __str__(self) -> str:
        return f"{self.store_id} {self.job_type}"


class Inspection(StoreOwned):
    """One QC of a car: the checklist, the road test, the result. A car that
    failed comes back for another round."""

    work_order = models.ForeignKey(WorkOrder, on_delete=models.PROTECT, related_name="inspections")
    inspector = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                  verbose_name=_("inspector"))
    round = models.PositiveSmallIntegerField(_("round"), default=1)
    passed = models.BooleanField(_("passed"))
    notes = models.TextField(_("findings"), blank=True, max_length=DESCRIPTION)  # what failed (the reason) or seen
    summary = models.TextField(_("summary for the advisor"), blank=True, max_length=DESCRIPTION)  # QC-10
    road_tested = models.BooleanField(_("road tested"), default=False)
    road_test_km = models.DecimalField(_("road test distance (km)"), max_digits=6, decimal_places=1, null=True,
                                       blank=True)
    road_test_technician = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True,
                                             blank=True, related_name="+",
                                             verbose_name=_("technician on the road test"))
    road_test_findings = models.TextField(_("road test findings"), blank=True, max_length=DESCRIPTION)
    at = models.DateTimeField(_("inspected at"), auto_now_add=True)

    class Meta:
        verbose_name = _("inspection")
        verbose_name_plural = _("inspections")
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["store", "at"]), models.Index(fields=["store", "round", "passed"])]
        constraints = [models.UniqueConstraint(fields=["work_order", "round"], name="uniq_inspection_round"),
                       *length_checks(notes=DESCRIPTION, summary=DESCRIPTION, road_test_findings=DESCRIPTION)]

    def __str__(self) -> str:
        return f"QC {self.work_order_id} {'pass' if self.passed else 'fail'}"


class InspectionItem(models.Model):
    """One checklist line as the inspector answered it (QC-2)."""

    class Result(models.TextChoices):
        PASS = "pass", _("Pass")
        FAIL = "fail", _("Fail")
        NA = "na", _("Not applicable")

    inspection = models.ForeignKey(Inspection, on_delete=models.CASCADE, related_name="items")
    job_type = models.CharField(_("job type"), max_length=20, choices=JobType.choices)
    label = models.CharField(_("check"), max_length=100)
    result = models.CharField(_("result"), max_length=4, choices=Result.choices)
    note = models.CharField(_("note"), max_length=300, blank=True)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.label}: {self.result}"


class WearReading(StoreOwned):
    """Remaining life of a wear part measured at QC (QC-11): printed on the
    statement and remembered for the car's next visit."""

    class Item(models.TextChoices):
        TYRE_FL = "tyre_fl", _("Tyre tread, front left")
        TYRE_FR = "tyre_fr", _("Tyre tread, front right")
        TYRE_RL = "tyre_rl", _("Tyre tread, rear left")
        TYRE_RR = "tyre_rr", _("Tyre tread, rear right")
        PADS_FRONT = "pads_front", _("Brake pads, front")
        PADS_REAR = "pads_rear", _("Brake pads, rear")
        BATTERY = "battery", _("Battery health")

    work_order = models.ForeignKey(WorkOrder, on_delete=models.PROTECT, related_name="wear_readings")
    vehicle = models.ForeignKey(Vehicle, on_delete=models.PROTECT, related_name="wear_readings")
    inspection = models.ForeignKey(Inspection, on_delete=models.PROTECT, null=True, blank=True, related_name="wear")
    item = models.CharField(_("wear part"), max_length=12, choices=Item.choices)
    value = models.DecimalField(_("measured"), max_digits=5, decimal_places=1)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("wear reading")
        verbose_name_plural = _("wear readings")
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["vehicle", "item", "at"])]

    def __str__(self) -> str:
        return f"{self.item} {self.value}"

    @property
    def unit(self) -> str:
        return WEAR_LIMITS[self.item][0]

    @property
    def level(self) -> str:
        """"replace", "soon" or "ok", from the limits of the part."""
        _unit, _low, _high, replace, soon = WEAR_LIMITS[self.item]
        return "replace" if self.value <= replace else "soon" if self.value <= soon else "ok"


class DeferredWork(StoreOwned):
    """Work the car needs that was not done on this visit (QC-12): with its
    urgency, for settlement and the next visit."""

    class Urgency(models.TextChoices):
        SAFETY = "safety", _("Safety-critical")
        SOON = "soon", _("Soon")
        NEXT_SERVICE = "next_service", _("At the next service")

    class Status(models.TextChoices):
        OPEN = "open", _("Still to do")
        DONE = "done", _("Done")

    work_order = models.ForeignKey(WorkOrder, on_delete=models.PROTECT, related_name="deferred_work")
    vehicle = models.ForeignKey(Vehicle, on_delete=models.PROTECT, related_name="deferred_work")
    description = models.CharField(_("work needed"), max_length=200)
    urgency = models.CharField(_("urgency"), max_length=12, choices=Urgency.choices)
    estimate = models.DecimalField(_("estimate (yuan)"), max_digits=10, decimal_places=2, null=True, blank=True)
    status = models.CharField(_("status"), max_length=8, choices=Status.choices, default=Status.OPEN)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("deferred work")
        verbose_name_plural = _("deferred work")
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["vehicle", "status"])]

    def __str__(self) -> str:
        return self.description


class ParkingSpot(StoreOwned):
    """A place in the completed-vehicle area (QC-13); a store setting, with
    a default row of numbered spots."""

    name = models.CharField(_("spot"), max_length=20)
    active = models.BooleanField(default=True)

    class Meta:
        verbose_name = _("parking spot")
        verbose_name_plural = _("parking spots")
        ordering = ["id"]
        constraints = [models.UniqueConstraint(fields=["store", "name"], name="uniq_parking_spot")]

    def __str__(self) -> str:
        return self.name


class Handover(StoreOwned):
    """After the pass: the wash (QC-8), the completed-vehicle area (QC-13)
    and the advisor taking the car over from QC (QC-9, QC-10)."""

    work_order = models.OneToOneField(WorkOrder, on_delete=models.PROTECT, related_name="handover")
    cleaned_by = models.CharField(_("washed by"), max_length=50, blank=True)
    cleaned_at = models.DateTimeField(null=True, blank=True)
    cleaning_recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True,
                                             blank=True, related_name="+")
    spot = models.ForeignKey(ParkingSpot, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                             verbose_name=_("parking spot"))
    parked_at = models.DateTimeField(null=True, blank=True)
    parked_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                  related_name="+")
    acknowledged_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                        related_name="+")
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    customer_told_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("handover")
        verbose_name_plural = _("handovers")
        indexes = [models.Index(fields=["store", "acknowledged_at"], name="handover_acknowledged")]  # issue 21: the compliance cases of a month

    def __str__(self) -> str:
        return f"handover {self.work_order_id}"


WEAR_LIMITS: dict[str, tuple[str, Decimal, Decimal, Decimal, Decimal]] = {
    # item: (unit, lowest plausible, highest plausible, replace at or below, soon at or below)
    WearReading.Item.TYRE_FL: ("mm", Decimal("0"), Decimal("12"), Decimal("1.6"), Decimal("3")),
    WearReading.Item.TYRE_FR: ("mm", Decimal("0"), Decimal("12"), Decimal("1.6"), Decimal("3")),
    WearReading.Item.TYRE_RL: ("mm", Decimal("0"), Decimal("12"), Decimal("1.6"), Decimal("3")),
    WearReading.Item.TYRE_RR: ("mm", Decimal("0"), Decimal("12"), Decimal("1.6"), Decimal("3")),
    WearReading.Item.PADS_FRONT: ("mm", Decimal("0"), Decimal("15"), Decimal("3"), Decimal("5")),
    WearReading.Item.PADS_REAR: ("mm", Decimal("0"), Decimal("15"), Decimal("3"), Decimal("5")),
    WearReading.Item.BATTERY: ("%", Decimal("0"), Decimal("100"), Decimal("40"), Decimal("60")),
}
