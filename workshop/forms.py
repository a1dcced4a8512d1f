from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from dealership.forms import FreeTextField, ModelChoiceField
from dealership.models import LabourOperation, Part, Store, WorkOrderLine
from dealership.textlimits import DESCRIPTION, NOTES, REASON, SIGNATURE

from .delays import DelayCause
from .models import ClockEntry, Finding, OldPart


class FinishForm(forms.Form):
    """REP-15/16: the self-check items, the report, the signature."""

    report = FreeTextField(label=_("Repair report: what was found, what was done, measurements"),
                           required=False, max_length=NOTES, rows=4)
    signature = forms.CharField(widget=forms.HiddenInput, required=False, max_length=SIGNATURE)

    def __init__(self, *args, items: list[str] = (), **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.items = list(items)
        self.fields["checks"] = forms.MultipleChoiceField(
            label=_("Self-check"), choices=[(i, i) for i in self.items], required=False,
            widget=forms.CheckboxSelectMultiple)


class PauseForm(forms.Form):
    reason = forms.ChoiceField(label=_("Why"), choices=ClockEntry.PauseReason.choices)


class PartRequestForm(forms.Form):
    line = forms.IntegerField(widget=forms.HiddenInput)
    quantity = forms.DecimalField(label=_("Quantity"), min_value=Decimal("0.01"), max_value=Decimal("999"),
                                  decimal_places=2)


class ReturnForm(forms.Form):
    """Unused parts back at the counter."""

    quantity = forms.DecimalField(label=_("Quantity back"), min_value=Decimal("0.01"), max_value=Decimal("999"),
                                  decimal_places=2, error_messages={"required": _("Enter how many come back.")})
    note = forms.CharField(label=_("Why"), max_length=200, required=False)


class FindingForm(forms.Form):
    description = FreeTextField(label=_("What did you find?"), max_length=DESCRIPTION, rows=2)
    photo = forms.FileField(label=_("Photo"), required=False, widget=forms.ClearableFileInput(
        attrs={"accept": "image/jpeg,image/png,image/webp", "capture": "environment"}))


class FreeFixForm(forms.Form):
    description = forms.CharField(label=_("Small fault fixed free of charge"), max_length=200)


class ExpertForm(forms.Form):
    question = FreeTextField(label=_("Question for the technical expert"), max_length=DESCRIPTION, rows=2)


class OldPartForm(forms.Form):
    description = forms.CharField(label=_("Old part taken off"), max_length=100)
    wish = forms.ChoiceField(label=_("Customer's wish"), choices=OldPart.Wish.choices, initial=OldPart.Wish.UNDECIDED)


class AssignForm(forms.Form):
    technician = forms.IntegerField(error_messages={"required": _("Choose a technician."),
                                                    "invalid": _("Choose a technician.")})
    bay = forms.CharField(max_length=20, error_messages={"required": _("Choose a bay."),
                                                         "max_length": _("Choose one of the store's bays.")})


class PriceForm(forms.Form):
    """The advisor prices a finding (REP-4): catalogue items, or a free-text
    item, and the new delivery time."""

    labour_operation = ModelChoiceField(label=_("Labour operation"), queryset=LabourOperation.objects.none(),
                                              required=False)
    part = ModelChoiceField(label=_("Part"), queryset=Part.objects.none(), required=False)
    part_quantity = forms.DecimalField(label=_("Quantity"), min_value=Decimal("0.01"), max_value=Decimal("999"),
                                       decimal_places=2, initial=1, required=False)
    description = forms.CharField(label=_("Or an item not in the catalogue"), max_length=100, required=False)
    description_kind = forms.ChoiceField(
        label=_("That item is"), initial=WorkOrderLine.Kind.PART, required=False,
        choices=[(WorkOrderLine.Kind.PART, _("a part or material (no workshop job)")),
                 (WorkOrderLine.Kind.LABOUR, _("labour (a job for a technician)"))])
    price = forms.DecimalField(label=_("Its price (yuan)"), min_value=Decimal("0"), max_value=Decimal("999999"),
                               decimal_places=2, required=False)
    new_promised_at = forms.DateTimeField(label=_("New promised delivery"), required=False,
                                          input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
                                          widget=forms.DateTimeInput(attrs={"type": "datetime-local"},
                                                                     format="%Y-%m-%dT%H:%M"))

    def __init__(self, *args, store: Store, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["labour_operation"].queryset = LabourOperation.objects.filter(store=store, active=True)
        self.fields["part"].queryset = Part.objects.filter(store=store, active=True)

    def clean(self) -> dict:
        data = super().clean()
        if not (data.get("labour_operation") or data.get("part") or (data.get("description") or "").strip()):
            raise forms.ValidationError(_("Choose a labour operation, a part, or write an item."))
        if (data.get("description") or "").strip() and data.get("price") is None and "price" not in self.errors:
            self.add_error("price", _("Give the price of this item."))
        return data


class LinkNoteForm(forms.Form):
    """The customer's note with their decision through the link (a public page)."""

    note = FreeTextField(label=_("Anything to tell us"), required=False, max_length=REASON, rows=2)


class PhoneDecisionForm(forms.Form):
    note = FreeTextField(label=_("What the customer said, who, when"), max_length=DESCRIPTION, rows=2)
    via = forms.ChoiceField(choices=[(Finding.Via.PHONE, _("By phone")), (Finding.Via.IN_PERSON, _("In person"))],
                            initial=Finding.Via.PHONE, label=_("How"))


class DelayForm(forms.Form):
    """REP-8: the new delivery time the customer is told, and why."""

    new_promised_at = forms.DateTimeField(label=_("New delivery time"),
                                          input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
                                          widget=forms.DateTimeInput(attrs={"type": "datetime-local"},
                                                                     format="%Y-%m-%dT%H:%M"))
    cause = forms.ChoiceField(label=_("Why the car is late (the customer is told)"), choices=DelayCause.choices)
    reason = FreeTextField(label=_("Note (for the order's timeline)"), required=False, max_length=REASON, rows=2)
