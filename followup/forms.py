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
    complaint = forms.TypedChoiceField(label=_("Does the customer have a complaint?"), required=False,
                                       choices=[("", "—"), ("0", _("No")), ("1", _("Yes, a complaint"))],
                                       coerce=lambda v: v == "1", empty_value=None)

    def clean(self) -> dict:
        data = super().clean()
        if data.get("reached"):
            if data.get("satisfaction") is None:
                self.add_error("satisfaction", _("Record the customer's satisfaction."))
            if not (data.get("customer_words") or "").strip():
                self.add_error("customer_words", _("Write down what the customer said, in full, satisfied or not."))
            if data.get("complaint") is None:
                self.add_error("complaint", _("Say whether the customer has a complaint."))
        if data.get("complaint") is None:
            data["complaint"] = False
        return data
