"""Forms shared by the stages."""

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Channel, Customer, Store, Vehicle
from .validators import (
    normalize_mobile,
    normalize_plate,
    normalize_vin,
    validate_mobile,
    validate_plate,
    validate_vin,
)

CAR_FIELDS = ("plate", "vin", "make", "model", "customer_name", "title", "mobile", "board_display",
              "consent_to_messages", "preferred_channel")


class CustomerVehicleForm(forms.Form):
    """Find or create the customer and the car (APT-2, REC-9).

    Typing a plate (or VIN) of a car on record fills the rest from the record
    (the lookup fragment); for a known car the VIN, make and model may be left
    empty. The mobile identifies the customer: see
    dealership.services.customer_vehicle_get_or_create for what happens when
    the typed name or mobile differ from the record."""

    plate = forms.CharField(label=_("Plate"), max_length=12,
                            widget=forms.TextInput(attrs={"placeholder": "粤A12345", "autocomplete": "off"}))
    vin = forms.CharField(label=_("VIN"), max_length=20, required=False,
                          widget=forms.TextInput(attrs={"autocomplete": "off"}),
                          help_text=_("Needed for a car not yet on record."))
    make = forms.CharField(label=_("Make"), max_length=40, required=False,
                           help_text=_("Needed for a car not yet on record."))
    model = forms.CharField(label=_("Model"), max_length=60, required=False,
                            help_text=_("Needed for a car not yet on record."))
    customer_name = forms.CharField(label=_("Customer name"), max_length=50)
    title = forms.ChoiceField(label=_("Title"), choices=Customer.Title.choices, required=False)
    mobile = forms.CharField(label=_("Mobile"), max_length=20)
    board_display = forms.ChoiceField(label=_("Welcome board shows"),
                                      choices=Customer.BoardDisplay.choices,
                                      initial=Customer.BoardDisplay.SURNAME)
    consent_to_messages = forms.BooleanField(label=_("Agrees to receive messages"), required=False)
    preferred_channel = forms.ChoiceField(label=_("Preferred channel"), choices=[c for c in Channel.choices if c[0] != Channel.VISIT], initial=Channel.PHONE,
                                          required=False)

    def __init__(self, *args, store: Store, **kwargs) -> None:
        self.store = store
        self.known: Vehicle | None = None
        super().__init__(*args, **kwargs)

    def clean_plate(self) -> str:
        value = self.cleaned_data["plate"]
        validate_plate(value)
        return normalize_plate(value)

    def clean_vin(self) -> str:
        value = self.cleaned_data["vin"]
        if value:
            validate_vin(value)
        return normalize_vin(value)

    def clean_mobile(self) -> str:
        value = self.cleaned_data["mobile"]
        validate_mobile(value)
        return normalize_mobile(value)

    def clean(self) -> dict:
        data = super().clean()
        plate, vin = data.get("plate"), data.get("vin")
        by_plate = Vehicle.objects.filter(store=self.store, plate=plate).first() if plate else None
        by_vin = Vehicle.objects.filter(store=self.store, vin=vin).first() if vin else None
        if by_plate and by_vin and by_plate.pk != by_vin.pk:
            raise forms.ValidationError(
                _("Plate %(plate)s and this VIN belong to two different cars on record; check both."),
                params={"plate": plate})
        self.known = by_plate or by_vin
        if self.known:
            if vin and self.known.vin != vin:
                self.add_error("vin", _("The car with plate %(plate)s is on record with VIN %(vin)s.")
                               % {"plate": self.known.plate, "vin": self.known.vin})
            if plate and self.known.plate != plate:
                self.add_error("plate", _("The car with this VIN is on record with plate %(plate)s.")
                               % {"plate": self.known.plate})
            for field in ("vin", "make", "model"):
                data[field] = data.get(field) or getattr(self.known, field)
        else:
            for field in ("vin", "make", "model"):
                if not data.get(field) and field not in self.errors:
                    self.add_error(field, _("A car not yet on record needs this."))
        return data


def lookup_initial(*, store: Store, plate: str = "", vin: str = "", mobile: str = "",
                   typed: dict | None = None) -> tuple[dict, Vehicle | None]:
    """What the car fields should show after a lookup: the typed values, with
    what the record knows filled in. Returns (initial, known car)."""
    initial = {k: v for k, v in (typed or {}).items() if k in CAR_FIELDS and v}
    vehicle = None
    if plate:
        vehicle = Vehicle.objects.select_related("customer").filter(store=store, plate=normalize_plate(plate)).first()
    if vehicle is None and vin:
        vehicle = Vehicle.objects.select_related("customer").filter(store=store, vin=normalize_vin(vin)).first()
    customer = vehicle.customer if vehicle else None
    if customer is None and mobile:
        customer = Customer.objects.filter(store=store, mobile=normalize_mobile(mobile)).first()
    if vehicle:
        initial.update(plate=vehicle.plate, vin=vehicle.vin, make=vehicle.make, model=vehicle.model)
    if customer:
        initial.update(customer_name=customer.name, title=customer.title, mobile=customer.mobile,
                       board_display=customer.board_display, consent_to_messages=customer.consent_to_messages,
                       preferred_channel=customer.preferred_channel)
    return initial, vehicle


# --- choices of records -------------------------------------------------------------------------

def _plausible_id(value) -> bool:
    text = str(value).strip()
    return text.isascii() and text.isdigit() and len(text) <= 18  # fits a bigint


class ModelChoiceField(forms.ModelChoiceField):
    """Django's, refusing an id no record can have (a 400-digit number, text)
    with the field's message before it reaches the database, where it would
    overflow the integer column and fail the request."""

    def to_python(self, value):
        if value not in self.empty_values and not _plausible_id(value):
            raise forms.ValidationError(self.error_messages["invalid_choice"], code="invalid_choice")
        return super().to_python(value)


class ModelMultipleChoiceField(forms.ModelMultipleChoiceField):
    """Django's, with the same check on each id (see ModelChoiceField)."""

    def _check_values(self, value):
        for item in value:
            if not _plausible_id(item):
                raise forms.ValidationError(self.error_messages["invalid_choice"], code="invalid_choice",
                                            params={"value": item})
        return super()._check_values(value)


class FreeTextField(forms.CharField):
    """Free text in a box, at most `max_length` characters (one of the limits
    of dealership.textlimits, issue 16). The box carries `maxlength`, and
    static/js/textlimit.js shows under it how many characters are left.

    A line break counts as one character, as the browser's counter counts it
    (browsers send it as two, CR LF); longer text is refused with a message
    that says by how much, and stays in the box to be shortened."""

    default_error_messages = {"max_length": _(
        "At most %(limit_value)d characters: this text has %(show_value)d. Shorten it and save again.")}

    def __init__(self, *, max_length: int, rows: int = 3, **kwargs) -> None:
        kwargs.setdefault("widget", forms.Textarea(attrs={"rows": rows}))
        super().__init__(max_length=max_length, **kwargs)

    def to_python(self, value):
        if isinstance(value, str):
            value = value.replace("\r\n", "\n")
        return super().to_python(value)
