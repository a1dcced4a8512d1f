"""Forms shared by the stages."""

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Customer, Store, Vehicle
from .validators import (
    normalize_mobile,
    normalize_plate,
    normalize_vin,
    validate_mobile,
    validate_plate,
    validate_vin,
)


class CustomerVehicleForm(forms.Form):
    """Find or create the customer and the car (APT-2, REC-9). A car already
    known by plate or VIN keeps its record; the fields must still be valid."""

    plate = forms.CharField(label=_("Plate"), max_length=12,
                            widget=forms.TextInput(attrs={"placeholder": "粤A12345", "autocomplete": "off"}))
    vin = forms.CharField(label=_("VIN"), max_length=20,
                          widget=forms.TextInput(attrs={"autocomplete": "off"}))
    make = forms.CharField(label=_("Make"), max_length=40)
    model = forms.CharField(label=_("Model"), max_length=60)
    customer_name = forms.CharField(label=_("Customer name"), max_length=50)
    title = forms.ChoiceField(label=_("Title"), choices=Customer.Title.choices, required=False)
    mobile = forms.CharField(label=_("Mobile"), max_length=20)
    board_display = forms.ChoiceField(label=_("Welcome board shows"),
                                      choices=Customer.BoardDisplay.choices,
                                      initial=Customer.BoardDisplay.SURNAME)
    consent_to_messages = forms.BooleanField(label=_("Agrees to receive messages"), required=False)

    def __init__(self, *args, store: Store, **kwargs) -> None:
        self.store = store
        super().__init__(*args, **kwargs)

    def clean_plate(self) -> str:
        value = self.cleaned_data["plate"]
        validate_plate(value)
        return normalize_plate(value)

    def clean_vin(self) -> str:
        value = self.cleaned_data["vin"]
        validate_vin(value)
        return normalize_vin(value)

    def clean_mobile(self) -> str:
        value = self.cleaned_data["mobile"]
        validate_mobile(value)
        return normalize_mobile(value)

    def clean(self) -> dict:
        data = super().clean()
        plate, vin = data.get("plate"), data.get("vin")
        if plate and vin:
            by_plate = Vehicle.objects.filter(store=self.store, plate=plate).first()
            by_vin = Vehicle.objects.filter(store=self.store, vin=vin).first()
            if by_plate and by_vin and by_plate.pk != by_vin.pk:
                raise forms.ValidationError(
                    _("Plate %(plate)s and this VIN belong to two different cars on record; check both."),
                    params={"plate": plate})
            known = by_plate or by_vin
            if known and (known.plate != plate or known.vin != vin):
                self.add_error("vin" if known.plate == plate else "plate", _(
                    "The car on record with this plate/VIN has plate %(plate)s and VIN %(vin)s.")
                    % {"plate": known.plate, "vin": known.vin})
        return data
