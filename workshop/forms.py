from django import forms
from django.utils.translation import gettext_lazy as _


class FinishForm(forms.Form):
    self_checked = forms.BooleanField(label=_("I checked my work against the order (self-check)"), required=False)
    report = forms.CharField(label=_("Repair report: what was found, what was done, measurements"),
                             required=False, widget=forms.Textarea(attrs={"rows": 4}))
