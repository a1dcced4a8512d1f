from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Payment


class PaymentForm(forms.Form):
    amount = forms.DecimalField(label=_("Amount received (yuan)"), min_value=Decimal("0"),
                                max_value=Decimal("9999999"), decimal_places=2,
                                widget=forms.NumberInput(attrs={"step": "0.01", "inputmode": "decimal"}))
    method = forms.ChoiceField(label=_("Method"), choices=Payment.Method.choices)
    reference = forms.CharField(label=_("Reference (receipt, transaction no.)"), max_length=60, required=False)


class GateCheckForm(forms.Form):
    number = forms.CharField(label=_("Gate pass number"), max_length=30,
                             widget=forms.TextInput(attrs={"autocomplete": "off", "autofocus": True,
                                                           "placeholder": "TH-G26000123 / 26000123"}),
                             help_text=_("The full number, or just the digits after the letters."))
