from django import forms
from django.utils.translation import gettext_lazy as _

from dealership.models import Channel

SATISFACTION = [("", "—"), ("5", _("5 · very satisfied")), ("4", _("4 · satisfied")), ("3", _("3 · neutral")),
                ("2", _("2 · dissatisfied")), ("1", _("1 · very dissatisfied"))]


class CallForm(forms.Form):
    reached = forms.TypedChoiceField(label=_("Reached the customer?"), widget=forms.RadioSelect,
                                     choices=[("1", _("Yes")), ("0", _("No answer / call back later"))],
                                     coerce=lambda v: v == "1")
    channel = forms.ChoiceField(label=_("Channel"), choices=Channel.choices, initial=Channel.PHONE)
    satisfaction = forms.TypedChoiceField(label=_("Overall satisfaction"), choices=SATISFACTION, required=False,
                                          coerce=int, empty_value=None)
    customer_words = forms.CharField(label=_("What the customer said (in full)"), required=False,
                                     widget=forms.Textarea(attrs={"rows": 4}))
    complaint = forms.BooleanField(label=_("The customer has a complaint"), required=False)

    def clean(self) -> dict:
        data = super().clean()
        if data.get("reached"):
            if data.get("satisfaction") is None:
                self.add_error("satisfaction", _("Record the customer's satisfaction."))
            if not (data.get("customer_words") or "").strip():
                self.add_error("customer_words", _("Write down what the customer said, in full, satisfied or not."))
        return data
