from decimal import Decimal

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from dealership.errors import ProcessError
from dealership.forms import FreeTextField, ModelChoiceField
from dealership.models import LabourOperation, Part, Store, WorkOrder, WorkOrderLine
from dealership.textlimits import DESCRIPTION, SIGNATURE

from .models import DamageMark, ExpertRequest, Reception, WalkAround
from .signatures import signature_image_check

WAITS_CHOICES = [("", _("— choose —")), ("1", _("Waits in the lounge")), ("0", _("Leaves and comes back"))]


class WalkInForm(forms.Form):
    customer_words = FreeTextField(label=_("Customer's description"), max_length=DESCRIPTION)


class DetailsForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput(attrs={"id": "details-version"}))
    customer_words = FreeTextField(label=_("Customer's description"), max_length=DESCRIPTION)
    diagnosis = FreeTextField(label=_("Diagnosis"), required=False, max_length=DESCRIPTION)
    beyond_complaint = FreeTextField(label=_("Faults the customer had not noticed"), required=False,
                                     max_length=DESCRIPTION, rows=2,
                                     help_text=_("What you found beyond the complaint, to point out (REC-6)."))
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
        reception = Reception.objects.filter(work_order=order).first()
        return cls(initial={
            "version": order.version, "customer_words": order.customer_words,
            "diagnosis": order.diagnosis, "beyond_complaint": reception.beyond_complaint if reception else "",
            "promised_at": timezone.localtime(order.promised_at) if order.promised_at else None,
            "customer_waits": "" if order.customer_waits is None else ("1" if order.customer_waits else "0"),
        })


RESULT_CHOICES = [("ok", _("fine")), ("attention", _("needs attention")), ("na", _("not applicable"))]


class WalkAroundForm(forms.ModelForm):
    """The fixed part of the walk-around plus the store's checklist items,
    one result and note each."""

    mileage_reason = forms.CharField(
        label=_("Reason if lower than the last reading"), required=False, max_length=200)
    mileage_confirm = forms.BooleanField(label=_("The mileage is right, even though it is much higher"),
                                         required=False)

    def __init__(self, *args, items=(), **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.items = list(items)
        answered = {c.get("key"): c for c in (self.instance.checks if self.instance and self.instance.pk else [])}
        for item in self.items:
            self.fields[f"check_{item.key}"] = forms.ChoiceField(
                label=item.label, choices=RESULT_CHOICES, required=False, widget=forms.RadioSelect,
                initial=answered.get(item.key, {}).get("result"))
            self.fields[f"note_{item.key}"] = forms.CharField(
                label=_("Note"), required=False, max_length=100, initial=answered.get(item.key, {}).get("note", ""))

    def checklist_rows(self):
        return [(item, self[f"check_{item.key}"], self[f"note_{item.key}"]) for item in self.items]

    def clean(self) -> dict:
        data = super().clean()
        data["checks"] = [
            {"key": item.key, "label": item.label, "result": data.pop(f"check_{item.key}", "") or "",
             "note": (data.pop(f"note_{item.key}", "") or "").strip()}
            for item in self.items]
        for row in data["checks"]:
            if row["result"] == "attention" and not row["note"]:
                self.add_error(f"note_{row['key']}", _("Say what needs attention."))
        return data

    class Meta:
        model = WalkAround
        fields = ["mileage", "mileage_reason", "fuel_level", "exterior_notes", "belongings",
                  "valuables_reminded", "warning_lights",
                  "seat_cover", "wheel_cover", "floor_mat", "key_tag", "keys_location"]
        field_classes = {"exterior_notes": FreeTextField, "belongings": FreeTextField}
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


class PartChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, part: Part) -> str:
        return f"{part.number} {part.name} · ¥{part.price} · " + str(_("free stock")) + f" {format(part.available.normalize(), 'f')}"


class AddLineForm(forms.Form):
    """REC-8: an item from the catalogue (published price, live stock), or a
    free-text item the advisor prices; warranty items cost the customer
    nothing."""

    labour_operation = ModelChoiceField(label=_("Labour operation"),
                                              queryset=LabourOperation.objects.none(), required=False)
    part = PartChoiceField(label=_("Part"), queryset=Part.objects.none(), required=False)
    description = forms.CharField(label=_("Or an item not in the catalogue"), max_length=100, required=False)
    unit_price = forms.DecimalField(label=_("Its price (yuan)"), required=False, min_value=Decimal("0"),
                                    max_value=Decimal("999999"), decimal_places=2)
    kind = forms.ChoiceField(label=_("It is"), choices=WorkOrderLine.Kind.choices, initial=WorkOrderLine.Kind.LABOUR,
                             required=False)
    quantity = forms.DecimalField(label=_("Quantity"), min_value=Decimal("0.01"),
                                  max_value=Decimal("9999"), decimal_places=2, initial=1)
    warranty = forms.BooleanField(label=_("Warranty (no charge to the customer)"), required=False)

    def __init__(self, *args, store: Store, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["labour_operation"].queryset = LabourOperation.objects.filter(store=store, active=True)
        self.fields["part"].queryset = Part.objects.filter(store=store, active=True)

    def clean(self) -> dict:
        data = super().clean()
        chosen = [bool(data.get("labour_operation")), bool(data.get("part")), bool((data.get("description") or "").strip())]
        if sum(chosen) != 1:
            raise forms.ValidationError(_("Choose either a labour operation, a part, or write an item."))
        if chosen[2] and data.get("unit_price") is None and "unit_price" not in self.errors:
            self.add_error("unit_price", _("Give the price of this item."))
        return data


class SignForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput(attrs={"id": "sign-version"}))
    explained = forms.BooleanField(label=_("I explained the items, the quote and the delivery time to the customer"),
                                   required=False)
    customer_signed_name = forms.CharField(label=_("Customer's name as signed"), max_length=50, required=False)
    # The pads' drawings as PNG data URLs. A refused signing draws them again
    # from what was posted, so only a small PNG data URL is kept (REC-12).
    customer_signature = forms.CharField(widget=forms.HiddenInput, required=False, strip=False,
                                         max_length=SIGNATURE)
    advisor_signature = forms.CharField(widget=forms.HiddenInput, required=False, strip=False,
                                         max_length=SIGNATURE)

    def _clean_signature(self, name: str) -> str:
        value = self.cleaned_data[name]
        if not value:
            return ""  # the service says the pad is still empty
        try:
            return signature_image_check(value)
        except ProcessError as exc:
            raise forms.ValidationError(str(exc)) from None

    def clean_customer_signature(self) -> str:
        return self._clean_signature("customer_signature")

    def clean_advisor_signature(self) -> str:
        return self._clean_signature("advisor_signature")

    def kept_signatures(self) -> dict[str, str]:
        """The drawings to draw again on the pads: the checked ones only."""
        if not self.is_bound:
            return {}
        self.is_valid()
        return {name: self.cleaned_data[name] for name in ("customer_signature", "advisor_signature")
                if self.cleaned_data.get(name)}


class DamageForm(forms.Form):
    x = forms.DecimalField(min_value=0, max_value=100, decimal_places=2, widget=forms.HiddenInput)
    y = forms.DecimalField(min_value=0, max_value=100, decimal_places=2, widget=forms.HiddenInput)
    kind = forms.ChoiceField(label=_("Damage"), choices=DamageMark.Kind.choices)
    note = forms.CharField(label=_("Note"), max_length=200, required=False)

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", "id_damage_%s")  # the lines form on the same page has a `kind` too
        super().__init__(*args, **kwargs)


class PhotoForm(forms.Form):
    image = forms.FileField(label=_("Photo"), widget=forms.ClearableFileInput(
        attrs={"accept": "image/jpeg,image/png,image/webp", "capture": "environment"}),
        error_messages={"required": _("Take or choose a photo first.")})
    mark = forms.IntegerField(required=False, widget=forms.HiddenInput)


class ExpertRequestForm(forms.Form):
    kind = forms.ChoiceField(label=_("Ask"), choices=ExpertRequest.Kind.choices, initial=ExpertRequest.Kind.EXPERT)
    question = FreeTextField(label=_("Question"), rows=2, max_length=DESCRIPTION)

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", "id_expert_%s")  # the lines form on the same page has a `kind` too
        super().__init__(*args, **kwargs)


class ExpertAnswerForm(forms.Form):
    answer = FreeTextField(label=_("Answer"), max_length=DESCRIPTION,
                           error_messages={"required": _("Write the answer.")})


class CancelForm(forms.Form):
    reason = forms.CharField(label=_("Reason for cancelling"), max_length=200)
