from decimal import Decimal

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from dealership.forms import ModelChoiceField
from dealership.models import LabourOperation, Part, Store, WorkOrder, WorkOrderLine

from .models import DamageMark, ExpertRequest, Reception, WalkAround

WAITS_CHOICES = [("", _("— choose —")), ("1", _("Waits in the lounge")), ("0", _("Leaves and comes back"))]


class WalkInForm(forms.Form):
    customer_words = forms.CharField(label=_("Customer's description"),
                                     widget=forms.Textarea(attrs={"rows": 3}))


class DetailsForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput(attrs={"id": "details-version"}))
    customer_words = forms.CharField(label=_("Customer's description"),
                                     widget=forms.Textarea(attrs={"rows": 3, "maxlength": 2000}))
    diagnosis = forms.CharField(label=_("Diagnosis"), required=False,
                                widget=forms.Textarea(attrs={"rows": 3}))
    beyond_complaint = forms.CharField(label=_("Faults the customer had not noticed"), required=False,
                                       widget=forms.Textarea(attrs={"rows": 2}),
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
        widgets = {
            "exterior_notes": forms.Textarea(attrs={"rows": 2, "maxlength": 1000}),
            "belongings": forms.Textarea(attrs={"rows": 2, "maxlength": 1000}),
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
    customer_signature = forms.CharField(widget=forms.HiddenInput, required=False, max_length=400_000)
    advisor_signature = forms.CharField(widget=forms.HiddenInput, required=False, max_length=400_000)


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
    question = forms.CharField(label=_("Question"), widget=forms.Textarea(attrs={"rows": 2}), max_length=1000)

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", "id_expert_%s")  # the lines form on the same page has a `kind` too
        super().__init__(*args, **kwargs)


class ExpertAnswerForm(forms.Form):
    answer = forms.CharField(label=_("Answer"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000)


class CancelForm(forms.Form):
    reason = forms.CharField(label=_("Reason for cancelling"), max_length=200)
