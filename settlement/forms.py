from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from dealership.errors import Refusal

from .models import Adjustment, Payment


class PaymentForm(forms.Form):
    amount = forms.DecimalField(label=_("Amount received (yuan)"), min_value=Decimal("0.01"),
                                max_value=Decimal("9999999"), decimal_places=2,
                                widget=forms.NumberInput(attrs={"step": "0.01", "inputmode": "decimal"}))
    method = forms.ChoiceField(label=_("Method"), choices=Payment.Method.choices)
    reference = forms.CharField(label=_("Reference (receipt, transaction no.)"), max_length=60, required=False)


class RefundForm(forms.Form):
    amount = forms.DecimalField(label=_("Amount refunded (yuan)"), min_value=Decimal("0.01"),
                                max_value=Decimal("9999999"), decimal_places=2,
                                widget=forms.NumberInput(attrs={"step": "0.01", "inputmode": "decimal"}))
    method = forms.ChoiceField(label=_("Method"), choices=Payment.Method.choices)
    reason = forms.CharField(label=_("Reason"), max_length=200)


class VoidForm(forms.Form):
    reason = forms.CharField(label=_("Why is this payment voided?"), max_length=200,
                             widget=forms.TextInput(attrs={"placeholder": _("e.g. card charged twice")}))


class AdjustmentForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=[c for c in Adjustment.Kind.choices
                                                       if c[0] != Adjustment.Kind.QUANTITY])
    amount = forms.DecimalField(label=_("Amount (yuan)"), max_value=Decimal("999999"),
                                min_value=Decimal("-999999"), decimal_places=2,
                                widget=forms.NumberInput(attrs={"step": "0.01", "inputmode": "decimal"}),
                                help_text=_("A discount or goodwill takes this much off the bill; a correction "
                                            "adds it, or takes it off when it is negative."))
    reason = forms.CharField(label=_("Reason (printed on the statement)"), max_length=200)


class BillAsIssuedForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=200, required=False)


class DecisionForm(forms.Form):
    """The manager's decision on an adjustment: an approval says why (SET-2)."""

    decision = forms.ChoiceField(choices=[("approve", _("Approve")), ("reject", _("Reject"))])
    note = forms.CharField(label=_("Reason"), max_length=200, required=False)

    def clean(self) -> dict:
        data = super().clean()
        if data.get("decision") == "approve" and not (data.get("note") or "").strip():
            self.add_error("note", str(Refusal("SET-2", _("Approving an adjustment overrides the quote: write the "
                                                          "reason in the note."))))
        return data


class GateCheckForm(forms.Form):
    number = forms.CharField(label=_("Gate pass number"), max_length=30,
                             widget=forms.TextInput(attrs={"autocomplete": "off", "autofocus": True,
                                                           "placeholder": "TH-G26000123 / 26000123"}),
                             help_text=_("The full number, or just the digits after the letters."))


class GateReleaseForm(forms.Form):
    number = forms.CharField(max_length=30, widget=forms.HiddenInput)
    plate = forms.CharField(label=_("Plate of the car at the gate"), max_length=12,
                            widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters"}),
                            help_text=_("Type the plate you see on the car."))
