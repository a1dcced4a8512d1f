from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from dealership.forms import FreeTextField, ModelChoiceField
from dealership.models import User
from dealership.textlimits import DESCRIPTION

from .models import WEAR_LIMITS, DeferredWork, InspectionItem, WearReading
from .services import Answer, Check, Deferred, InspectionInput, RoadTest

DEFERRED_ROWS = 3


class InspectionForm(forms.Form):
    """The inspector's record on the tablet: each documented check, the road
    test, the wear readings, the work still needed, and the result."""

    result = forms.ChoiceField(choices=[("pass", _("Pass")), ("fail", _("Fail: back to rework"))],
                               error_messages={"required": _("Choose pass or fail.")})
    notes = FreeTextField(label=_("What failed and why (for the technician)"), required=False,
                          max_length=DESCRIPTION, rows=2)
    summary = FreeTextField(label=_("Summary for the advisor: what was done, quality status"), required=False,
                            max_length=DESCRIPTION, rows=2)
    road_km = forms.DecimalField(label=_("Road test distance (km)"), required=False, min_value=Decimal("0"),
                                 max_value=Decimal("500"), decimal_places=1)
    road_technician = ModelChoiceField(label=_("Technician in the car"), required=False,
                                             queryset=User.objects.none(), empty_label=_("— none —"))
    road_findings = FreeTextField(label=_("Road test findings"), required=False, max_length=DESCRIPTION, rows=2)

    def __init__(self, *args, checks: list[Check], technicians, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.checks = checks
        self.fields["road_technician"].queryset = technicians
        for i, check in enumerate(checks):
            self.fields[f"check_{i}"] = forms.ChoiceField(label=check.label, required=False,
                                                          choices=InspectionItem.Result.choices,
                                                          widget=forms.RadioSelect)
            self.fields[f"check_{i}_note"] = forms.CharField(label=_("Note"), required=False, max_length=300)
        for item, (unit, low, high, _replace, _soon) in WEAR_LIMITS.items():
            possible = _("%(item)s is between %(low)s and %(high)s %(unit)s: check the reading.") % {
                "item": WearReading.Item(item).label, "low": low, "high": high, "unit": unit}
            possible = possible.replace("%", "%%")  # Django formats the validator's message once more (battery: %)
            self.fields[f"wear_{item}"] = forms.DecimalField(
                label=f"{WearReading.Item(item).label} ({unit})", required=False, min_value=low, max_value=high,
                decimal_places=1, widget=forms.NumberInput(attrs={"step": "0.1", "inputmode": "decimal"}),
                error_messages={"min_value": possible, "max_value": possible, "max_decimal_places": possible,
                                "invalid": _("Enter the reading as a number.")})
        for n in range(DEFERRED_ROWS):
            self.fields[f"deferred_{n}_description"] = forms.CharField(label=_("Work still needed"), required=False,
                                                                       max_length=200)
            self.fields[f"deferred_{n}_urgency"] = forms.ChoiceField(
                label=_("Urgency"), required=False, choices=[("", "—"), *DeferredWork.Urgency.choices])
            self.fields[f"deferred_{n}_estimate"] = forms.DecimalField(
                label=_("Estimate (yuan)"), required=False, min_value=Decimal("0"), max_value=Decimal("999999"),
                decimal_places=2)

    def clean(self) -> dict:
        data = super().clean()
        for n in range(DEFERRED_ROWS):
            if (data.get(f"deferred_{n}_description") or "").strip() and not data.get(f"deferred_{n}_urgency"):
                self.add_error(f"deferred_{n}_urgency", _("How urgent is it?"))
        return data

    def rows(self):
        """(check, result field, note field) for the template."""
        return [(check, self[f"check_{i}"], self[f"check_{i}_note"]) for i, check in enumerate(self.checks)]

    def wear_fields(self):
        return [self[f"wear_{item}"] for item in WEAR_LIMITS]

    def deferred_rows(self):
        return [(self[f"deferred_{n}_description"], self[f"deferred_{n}_urgency"], self[f"deferred_{n}_estimate"])
                for n in range(DEFERRED_ROWS)]

    def to_input(self) -> InspectionInput:
        data = self.cleaned_data
        road = None
        if data.get("road_km"):
            road = RoadTest(km=data["road_km"], technician=data.get("road_technician"),
                            findings=data.get("road_findings") or "")
        elif (data.get("road_findings") or "").strip():
            road = RoadTest(km=Decimal(0), findings=data["road_findings"])
        return InspectionInput(
            answers=[Answer(c.job_type, c.label, data.get(f"check_{i}") or "", data.get(f"check_{i}_note") or "")
                     for i, c in enumerate(self.checks) if data.get(f"check_{i}")],
            notes=data.get("notes") or "", summary=data.get("summary") or "", road_test=road,
            wear={item: data.get(f"wear_{item}") for item in WEAR_LIMITS if data.get(f"wear_{item}") is not None},
            deferred=[Deferred(data[f"deferred_{n}_description"].strip(), data[f"deferred_{n}_urgency"],
                               data.get(f"deferred_{n}_estimate"))
                      for n in range(DEFERRED_ROWS) if (data.get(f"deferred_{n}_description") or "").strip()])


class QcFindingForm(forms.Form):
    description = FreeTextField(label=_("Problem for the customer to decide"), max_length=DESCRIPTION, rows=2)
    photo = forms.FileField(label=_("Photo"), required=False, widget=forms.ClearableFileInput(
        attrs={"accept": "image/jpeg,image/png,image/webp", "capture": "environment"}))


class WashForm(forms.Form):
    cleaned_by = forms.CharField(label=_("Washed by"), max_length=50)


class ParkForm(forms.Form):
    spot = forms.IntegerField(label=_("Spot"), error_messages={"required": _("Choose a spot.")})
