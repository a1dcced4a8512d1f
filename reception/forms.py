from decimal import Decimal

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from dealership.models import LabourOperation, Part, Store, WorkOrder

from .models import WalkAround

WAITS_CHOICES = [("", _("— choose —")), ("1", _("Waits in the lounge")), ("0", _("Leaves and comes back"))]


class WalkInForm(forms.Form):
    customer_words = forms.CharField(label=_("Customer's description"),
                                     widget=forms.Textarea(attrs={"rows": 3}))


class DetailsForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput(attrs={"id": "details-version"}))
    customer_words = forms.CharField(label=_("Customer's description"), required=False,
                                     widget=forms.Textarea(attrs={"rows": 3}))
    diagnosis = forms.CharField(label=_("Diagnosis"), required=False,
                                widget=forms.Textarea(attrs={"rows": 3}),
                                help_text=_("Include faults the customer did not notice (REC-6)."))
    promised_at = forms.DateTimeField(label=_("Promised delivery"), required=False,
                                      input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
                                      widget=forms.DateTimeInput(attrs={"type": "datetime-local"},
                                                                 format="%Y-%m-%dT%H:%M"))
    customer_waits = forms.TypedChoiceField(label=_("While the car is in the workshop"),
                                            choices=WAITS_CHOICES, required=False,
                                            coerce=lambda v: v == "1", empty_value=None)

    def clean_promised_at(self):
        value = self.cleaned_data["promised_at"]
        if value is not None and value <= timezone.now():
            raise forms.ValidationError(_("The promised delivery time must be in the future."))
        return value

    @classmethod
    def for_order(cls, order: WorkOrder) -> "DetailsForm":
        return cls(initial={
            "version": order.version, "customer_words": order.customer_words,
            "diagnosis": order.diagnosis,
            "promised_at": timezone.localtime(order.promised_at) if order.promised_at else None,
            "customer_waits": "" if order.customer_waits is None else ("1" if order.customer_waits else "0"),
        })


class WalkAroundForm(forms.ModelForm):
    mileage_reason = forms.CharField(
        label=_("Reason if lower than the last reading"), required=False, max_length=200)

    class Meta:
        model = WalkAround
        fields = ["mileage", "mileage_reason", "fuel_level", "exterior_notes", "belongings",
                  "valuables_reminded", "warning_lights", "tyres_ok", "brakes_ok",
                  "seat_cover", "wheel_cover", "floor_mat", "key_tag", "keys_location"]
        widgets = {
            "exterior_notes": forms.Textarea(attrs={"rows": 2}),
            "belongings": forms.Textarea(attrs={"rows": 2}),
            "mileage": forms.NumberInput(attrs={"inputmode": "numeric", "min": 0}),
        }

    def clean_mileage(self) -> int:
        value = self.cleaned_data["mileage"]
        if value > 2_000_000:
            raise forms.ValidationError(_("That mileage is not plausible."))
        return value


class AddLineForm(forms.Form):
    labour_operation = forms.ModelChoiceField(label=_("Labour operation"),
                                              queryset=LabourOperation.objects.none(), required=False)
    part = forms.ModelChoiceField(label=_("Part"), queryset=Part.objects.none(), required=False)
    quantity = forms.DecimalField(label=_("Quantity"), min_value=Decimal("0.01"),
                                  max_value=Decimal("9999"), decimal_places=2, initial=1)

    def __init__(self, *args, store: Store, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["labour_operation"].queryset = LabourOperation.objects.filter(store=store, active=True)
        self.fields["part"].queryset = Part.objects.filter(store=store, active=True)

    def clean(self) -> dict:
        data = super().clean()
        if bool(data.get("labour_operation")) == bool(data.get("part")):
            raise forms.ValidationError(_("Choose either a labour operation or a part."))
        return data


class SignForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput(attrs={"id": "sign-version"}))
    explained = forms.BooleanField(label=_("I explained the items, the quote and the delivery time to the customer (REC-10)"),
                                   required=False)
    customer_signed_name = forms.CharField(label=_("Customer's name as signed"), max_length=50, required=False)


class CancelForm(forms.Form):
    reason = forms.CharField(label=_("Reason for cancelling"), max_length=200)
