"""Stage 2: reception (接待): the walk-around record."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from dealership.models import Store, WorkOrder


class WalkAround(models.Model):
    """The systematic check of the car with the customer (REC-5, REC-7,
    REC-13, REC-14)."""

    class Fuel(models.TextChoices):
        EMPTY = "0", _("Empty")
        QUARTER = "25", "1/4"
        HALF = "50", "1/2"
        THREE_QUARTERS = "75", "3/4"
        FULL = "100", _("Full")

    store = models.ForeignKey(Store, on_delete=models.PROTECT, related_name="+")
    work_order = models.OneToOneField(WorkOrder, on_delete=models.PROTECT, related_name="walkaround")
    mileage = models.PositiveIntegerField(_("mileage (km)"))
    fuel_level = models.CharField(_("fuel level"), max_length=3, choices=Fuel.choices)
    exterior_notes = models.TextField(_("exterior damage"), blank=True,
                                      help_text=_("Scratches, dents, cracks; “none” if none."))
    belongings = models.TextField(_("equipment and belongings in the car"), blank=True)
    valuables_reminded = models.BooleanField(_("customer reminded to take valuables"), default=False)
    warning_lights = models.CharField(_("warning lights on"), max_length=200, blank=True)
    tyres_ok = models.BooleanField(_("tyres look fine"), default=False)
    brakes_ok = models.BooleanField(_("brakes feel fine"), default=False)
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

    def __str__(self) -> str:
        return f"walk-around {self.work_order_id}"

    @property
    def covers_fitted(self) -> bool:
        return self.seat_cover and self.wheel_cover and self.floor_mat
