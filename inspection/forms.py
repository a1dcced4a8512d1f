from django import forms
from django.utils.translation import gettext_lazy as _


class InspectionForm(forms.Form):
    RESULT_CHOICES = [("pass", _("Pass")), ("fail", _("Fail: back to rework"))]
    result = forms.ChoiceField(label=_("Result"), choices=RESULT_CHOICES, widget=forms.RadioSelect)
    notes = forms.CharField(label=_("Findings"), required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def clean(self) -> dict:
        data = super().clean()
        if data.get("result") == "fail" and not (data.get("notes") or "").strip():
            self.add_error("notes", _("Write what failed, so the technician knows what to rework."))
        return data
