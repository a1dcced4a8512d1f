"""The forms of the public booking page (issue 20). Every field is bounded and
validated here; the rules on the time are the services' (selfbooking.py)."""

from datetime import date

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from dealership.models import User
from dealership.validators import (
    normalize_mobile,
    normalize_plate,
    normalize_vin,
    validate_mobile,
    validate_plate,
    validate_vin,
)

from .selfbooking import NEEDS_WORDS, Kind, Wish

MAX_MILEAGE = 2_000_000


class SelfBookForm(forms.Form):
    kind = forms.ChoiceField(label=_("What is the visit for?"), choices=Kind.choices, initial=Kind.MAINTENANCE,
                             widget=forms.RadioSelect(attrs={"class": "form-check-input"}))
    words = forms.CharField(label=_("What happens? In your own words"), required=False, max_length=500,
                            widget=forms.Textarea(attrs={"rows": 3}))
    day = forms.ChoiceField(label=_("Day"))
    advisor = forms.ChoiceField(label=_("Service advisor"), required=False,
                                widget=forms.Select(attrs={"class": "form-select"}))
    slot = forms.CharField(label=_("Time"), max_length=40, error_messages={"required": _("Choose a time.")})
    plate = forms.CharField(label=_("Plate"), max_length=12)
    vin = forms.CharField(label=_("VIN (first visit with us only)"), required=False, max_length=25,
                          help_text=_("17 characters, on the registration certificate."))
    mileage = forms.IntegerField(label=_("Mileage (km)"), min_value=0, max_value=MAX_MILEAGE)
    name = forms.CharField(label=_("Your name"), max_length=50)
    mobile = forms.CharField(label=_("Mobile"), max_length=20,
                             widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}))
    consent = forms.BooleanField(label=_("Send me messages about this visit (the confirmation, the car's progress, "
                                         "the statement)"), required=False)

    def __init__(self, *args, days: list[date], advisors: list[User], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["day"].choices = [(d.isoformat(), d.isoformat()) for d in days]
        self.fields["advisor"].choices = [("", _("Any advisor"))] + [(str(a.pk), str(a)) for a in advisors]
        self.days, self.advisors = days, advisors

    def _raw(self, name: str) -> str:
        value = self.data.get(self.add_prefix(name)) if self.is_bound else None
        if value is None:
            value = self.initial.get(name, self.fields[name].initial)
        return str(value or "")[:40]

    def chosen_kind(self) -> str:
        kind = self._raw("kind")
        return kind if kind in Kind.values else Kind.MAINTENANCE

    def chosen_day(self) -> date | None:
        wanted = self._raw("day")
        return next((d for d in self.days if d.isoformat() == wanted), self.days[0] if self.days else None)

    def chosen_advisor(self) -> User | None:
        wanted = self._raw("advisor")
        return next((a for a in self.advisors if str(a.pk) == wanted), None)

    def clean_plate(self) -> str:
        plate = normalize_plate(self.cleaned_data["plate"])
        validate_plate(plate)
        return plate

    def clean_vin(self) -> str:
        vin = normalize_vin(self.cleaned_data["vin"])
        if vin:
            validate_vin(vin)
        return vin

    def clean_mobile(self) -> str:
        mobile = normalize_mobile(self.cleaned_data["mobile"])
        validate_mobile(mobile)
        return mobile

    def clean_name(self) -> str:
        name = self.cleaned_data["name"].strip()
        if not name:
            raise ValidationError(_("Tell us your name."))
        return name

    def clean(self) -> dict:
        data = super().clean()
        if data.get("kind") in NEEDS_WORDS and not (data.get("words") or "").strip():
            self.add_error("words", _("Tell us in a few words what happens, so the advisor can prepare."))
        return data

    def wish(self) -> Wish:
        data = self.cleaned_data
        advisor = self.chosen_advisor()
        return Wish(kind=data["kind"], plate=data["plate"], mobile=data["mobile"], name=data["name"],
                    mileage=data["mileage"], slot=data["slot"], advisor_id=advisor.pk if advisor else None,
                    vin=data["vin"], words=data["words"].strip(), consent=bool(data.get("consent")))


class CodeForm(forms.Form):
    code = forms.CharField(label=_("The 6-digit code"), max_length=20,
                           widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "one-time-code"}))
