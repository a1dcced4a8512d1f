"""Stage 2: reception (接待): the walk-around, damage and photos, the
reception checklist, questions to experts, and the signatures."""

import uuid

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from dealership.models import WorkOrder
from dealership.models.base import CreatedBy, StoreOwned
from dealership.textlimits import DESCRIPTION, SIGNATURE, length_checks


class WalkAroundCheckItem(StoreOwned):
    """A line of the store's walk-around checklist (a store setting; the
    default set is created the first time a store needs it)."""

    key = models.SlugField(max_length=40)
    label = models.CharField(_("item"), max_length=60)
    position = models.PositiveSmallIntegerField(default=0)
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["position", "id"]
        constraints = [models.UniqueConstraint(fields=["store", "key"], name="uniq_walkaround_item")]

    def __str__(self) -> str:
        return self.label


class WalkAround(StoreOwned):
    """The systematic check of the car with the customer (REC-5, REC-7,
    REC-13, REC-14)."""

    class Fuel(models.TextChoices):
        EMPTY = "0", _("Empty")
        QUARTER = "25", "1/4"
        HALF = "50", "1/2"
        THREE_QUARTERS = "75", "3/4"
        FULL = "100", _("Full")

    work_order = models.OneToOneField(WorkOrder, on_delete=models.PROTECT, related_name="walkaround")
    mileage = models.PositiveIntegerField(_("mileage (km)"))
    fuel_level = models.CharField(_("fuel level"), max_length=3, choices=Fuel.choices)
    exterior_notes = models.TextField(_("exterior damage"), blank=True, max_length=DESCRIPTION,
                                      help_text=_("Scratches, dents, cracks; “none” if none."))
    belongings = models.TextField(_("equipment and belongings in the car"), blank=True, max_length=DESCRIPTION)
    valuables_reminded = models.BooleanField(_("customer reminded to take valuables"), default=False)
    warning_lights = models.CharField(_("warning lights on"), max_length=200, blank=True)
    # the store's checklist (WalkAroundCheckItem) as answered: [{"key", "label", "result", "note"}]
    checks = models.JSONField(_("checklist"), default=list, blank=True)
    seat_cover = models.BooleanField(_("seat cover fitted"), default=False)
    wheel_cover = models.BooleanField(_("steering wheel cover fitted"), default=False)
    floor_mat = models.BooleanField(_("floor mat fitted"), default=False)
    key_tag = models.CharField(_("key tag number"), max_length=20, blank=True)
    keys_location = models.CharField(_("keys and documents kept at"), max_length=100, blank=True)
    completed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    completed_at = models.DateTimeField(_("completed at"), auto_now=True)

    class Meta:
        verbose_name = _("walk-around")
        verbose_name_plural = _("walk-arounds")
        constraints = length_checks(exterior_notes=DESCRIPTION, belongings=DESCRIPTION)

    def __str__(self) -> str:
        return f"walk-around {self.work_order_id}"

    @property
    def covers_fitted(self) -> bool:
        return self.seat_cover and self.wheel_cover and self.floor_mat


class DamageMark(StoreOwned, CreatedBy):
    """A mark on the drawing of the car (top view), in percent of its width
    and height, with what it is (REC-7)."""

    class Kind(models.TextChoices):
        SCRATCH = "scratch", _("Scratch")
        DENT = "dent", _("Dent")
        CRACK = "crack", _("Crack or chip")
        PAINT = "paint", _("Paint damage")
        OTHER = "other", _("Other")

    walkaround = models.ForeignKey(WalkAround, on_delete=models.PROTECT, related_name="marks")
    x = models.DecimalField(max_digits=5, decimal_places=2, validators=[MinValueValidator(0), MaxValueValidator(100)])
    y = models.DecimalField(max_digits=5, decimal_places=2, validators=[MinValueValidator(0), MaxValueValidator(100)])
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.SCRATCH)
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.kind} ({self.x}, {self.y})"


def photo_path(instance: "WalkAroundPhoto", filename: str) -> str:
    # outside the web root, per store, never the uploaded name
    return f"walkaround/{instance.store_id}/{uuid.uuid4().hex}.{instance.extension}"


class WalkAroundPhoto(StoreOwned):
    walkaround = models.ForeignKey(WalkAround, on_delete=models.PROTECT, related_name="photos")
    mark = models.ForeignKey(DamageMark, on_delete=models.PROTECT, null=True, blank=True, related_name="photos")
    image = models.ImageField(upload_to=photo_path, width_field="width", height_field="height")
    width = models.PositiveIntegerField(default=0)
    height = models.PositiveIntegerField(default=0)
    content_type = models.CharField(max_length=20)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return self.image.name

    @property
    def extension(self) -> str:
        return {"image/jpeg": "jpg", "image/png": "png", "image/webp": "webp"}.get(self.content_type, "bin")


class Reception(StoreOwned):
    """The reception conversation (REC-3, REC-4, REC-6): greeted and
    introduced, and the faults found beyond what the customer said."""

    work_order = models.OneToOneField(WorkOrder, on_delete=models.PROTECT, related_name="reception")
    greeted_at = models.DateTimeField(_("greeted and introduced"), null=True, blank=True)
    greeted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="+")
    beyond_complaint = models.TextField(_("faults the customer had not noticed"), blank=True,
                                        max_length=DESCRIPTION)

    class Meta:
        verbose_name = _("reception")
        constraints = length_checks(beyond_complaint=DESCRIPTION)

    def __str__(self) -> str:
        return f"reception {self.work_order_id}"


class ExpertRequest(StoreOwned):
    """A question to a technical expert, or the car sent to the pre-check bay;
    the answer comes back onto the order (REC-6, later REP-14)."""

    class Kind(models.TextChoices):
        EXPERT = "expert", _("Ask a technical expert")
        PRECHECK = "precheck", _("Pre-check bay")

    work_order = models.ForeignKey(WorkOrder, on_delete=models.PROTECT, related_name="expert_requests")
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.EXPERT)
    question = models.TextField(_("question"), max_length=DESCRIPTION)
    asked_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    asked_at = models.DateTimeField(auto_now_add=True)
    answer = models.TextField(_("answer"), blank=True, max_length=DESCRIPTION)
    answered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="+")
    answered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["asked_at", "id"]
        indexes = [models.Index(fields=["store", "answered_at"])]
        constraints = length_checks(question=DESCRIPTION, answer=DESCRIPTION)

    def __str__(self) -> str:
        return self.question[:40]


class Signature(StoreOwned):
    """A signature drawn on the tablet (REC-12): the image, who, when and on
    what device."""

    class Signer(models.TextChoices):
        CUSTOMER = "customer", _("Customer")
        ADVISOR = "advisor", _("Service advisor")

    work_order = models.ForeignKey(WorkOrder, on_delete=models.PROTECT, related_name="signatures")
    signer = models.CharField(max_length=10, choices=Signer.choices)
    name = models.CharField(_("name"), max_length=50)
    image = models.TextField(max_length=SIGNATURE)  # PNG as a data URL: small, and printed straight into the PDF
    device = models.CharField(max_length=200, blank=True)
    signed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["signed_at", "id"]
        constraints = [models.UniqueConstraint(fields=["work_order", "signer"], name="uniq_signature_per_signer"),
                       *length_checks(image=SIGNATURE)]

    def __str__(self) -> str:
        return f"{self.signer} {self.work_order_id}"
