from datetime import timedelta

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from dealership.forms import FreeTextField, ModelChoiceField, ModelMultipleChoiceField
from dealership.models import Channel, Role, User
from dealership.textlimits import DESCRIPTION, NOTES

from .models import Complaint, CorrectiveAction, Dimension

SATISFACTION = [("", "—"), ("5", _("5 · very satisfied")), ("4", _("4 · satisfied")), ("3", _("3 · neutral")),
                ("2", _("2 · dissatisfied")), ("1", _("1 · very dissatisfied"))]
SCORES = [("", "—"), ("5", "5"), ("4", "4"), ("3", "3"), ("2", "2"), ("1", "1")]


OWNER_ROLES = (Role.SERVICE_ADVISOR, Role.SERVICE_ASSISTANT, Role.FOREMAN, Role.PARTS_CLERK, Role.QC_INSPECTOR,
               Role.CASHIER, Role.FOLLOWUP_AGENT, Role.AFTERSALES_MANAGER)


def complaint_owners(store_id):
    """Who can be responsible for a complaint: people who can open it (not the technicians on the
    tablets, the gate or the warranty desk; the foreman answers for the workshop)."""
    return (User.objects.filter(store_id=store_id, is_active=True, staff_roles__role__in=OWNER_ROLES)
            .prefetch_related("staff_roles").distinct().order_by("display_name", "username"))


def score_field(label, required=False) -> forms.TypedChoiceField:
    return forms.TypedChoiceField(label=label, choices=SATISFACTION if required else SCORES, required=False,
                                  coerce=int, empty_value=None, widget=forms.Select(attrs={"class": "form-select"}))


class ScoresMixin(forms.Form):
    """The fixed dimensions (1–5); the overall score is needed, the others when the customer answers them."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for value, label in Dimension.choices:
            self.fields[f"score_{value}"] = score_field(label, required=value == Dimension.OVERALL)

    @property
    def score_fields(self):
        return [self[f"score_{d}"] for d in Dimension.values]

    def scores(self) -> dict:
        return {d: self.cleaned_data.get(f"score_{d}") for d in Dimension.values}


class CallForm(ScoresMixin):
    reached = forms.TypedChoiceField(label=_("Reached the customer?"), widget=forms.RadioSelect,
                                     choices=[("1", _("Yes")), ("0", _("No answer / call back later"))],
                                     coerce=lambda v: v == "1")
    channel = forms.ChoiceField(label=_("Channel"), choices=Channel.choices, initial=Channel.PHONE)
    customer_words = FreeTextField(label=_("What the customer said (in full)"), required=False, max_length=NOTES,
                                   rows=4)
    complaint = forms.TypedChoiceField(label=_("Does the customer have a complaint?"), required=False,
                                       choices=[("", "—"), ("0", _("No")), ("1", _("Yes, a complaint"))],
                                       coerce=lambda v: v == "1", empty_value=None)

    def clean(self) -> dict:
        data = super().clean()
        if data.get("reached"):
            if data.get(f"score_{Dimension.OVERALL}") is None:
                self.add_error(f"score_{Dimension.OVERALL}", _("Record the customer's satisfaction."))
            if not (data.get("customer_words") or "").strip():
                self.add_error("customer_words", _("Write down what the customer said, in full, satisfied or not."))
            if data.get("complaint") is None:
                self.add_error("complaint", _("Say whether the customer has a complaint."))
        if data.get("complaint") is None:
            data["complaint"] = False
        return data


class SurveyForm(ScoresMixin):
    customer_words = FreeTextField(label=_("Anything you want to tell us?"), required=False, max_length=NOTES,
                                   rows=4)
    complaint = forms.BooleanField(label=_("I have a complaint and want to be called back"), required=False)

    def clean(self) -> dict:
        data = super().clean()
        if data.get(f"score_{Dimension.OVERALL}") is None:
            self.add_error(f"score_{Dimension.OVERALL}", _("Please give an overall score."))
        if not (data.get("customer_words") or "").strip():
            overall = data.get(f"score_{Dimension.OVERALL}")
            if overall is not None and overall <= 3 or data.get("complaint"):
                self.add_error("customer_words", _("Please tell us what was not right."))
            else:
                data["customer_words"] = str(_("(no comment)"))
        return data


class ComplaintAssignForm(forms.Form):
    stage = forms.ChoiceField(label=_("Stage of the process"), choices=[("", "—"), *Complaint.Stage.choices])
    category = forms.ChoiceField(label=_("Category"), choices=[("", "—"), *Complaint.Category.choices])
    department = forms.ChoiceField(label=_("Responsible department"),
                                   choices=[("", "—"), *Complaint.Department.choices])
    owner = ModelChoiceField(label=_("Responsible person"), queryset=User.objects.none())
    due_at = forms.DateTimeField(label=_("Handle by"), required=False,
                                 widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
                                 help_text=_("Empty: the store's number of days from now."))

    def __init__(self, *args, store_id=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = complaint_owners(store_id)
        self.fields["owner"].label_from_instance = lambda u: f"{u} · {', '.join(str(r) for r in u.role_labels())}"


class ComplaintHandleForm(forms.Form):
    handling = FreeTextField(label=pgettext_lazy("complaint", "What was done"), max_length=DESCRIPTION)


class ComplaintCloseForm(forms.Form):
    callback_result = FreeTextField(label=_("What the customer said on the call back"), max_length=DESCRIPTION)
    satisfied = forms.TypedChoiceField(label=_("Is the customer satisfied now?"), widget=forms.RadioSelect,
                                       choices=[("1", _("Yes")), ("0", _("No"))], coerce=lambda v: v == "1")


class ActionForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=CorrectiveAction.Kind.choices)
    title = forms.CharField(label=_("Measure"), max_length=200)
    trend = forms.CharField(label=_("Trend it answers (if not tied to complaints)"), max_length=200, required=False)
    complaints = ModelMultipleChoiceField(label=_("Complaints"), queryset=Complaint.objects.none(),
                                                required=False, widget=forms.CheckboxSelectMultiple)
    owner = ModelChoiceField(label=_("Owner"), queryset=User.objects.none())
    due_on = forms.DateField(label=_("Due"), widget=forms.DateInput(attrs={"type": "date"}))
    # issue 21: the must-avoid item above its threshold this measure answers (from the manager's task)
    item = forms.CharField(required=False, max_length=10, widget=forms.HiddenInput)
    item_month = forms.DateField(required=False, widget=forms.HiddenInput, input_formats=["%Y-%m", "%Y-%m-%d"])

    def __init__(self, *args, store_id=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = User.objects.filter(store_id=store_id, is_active=True).order_by(
            "display_name", "username")
        since = timezone.now() - timedelta(days=180)
        self.fields["complaints"].queryset = Complaint.objects.filter(
            store_id=store_id, created_at__gte=since).select_related("work_order__vehicle").order_by("-created_at")


class ActionDoneForm(forms.Form):
    evidence = FreeTextField(label=_("Evidence it was done"), max_length=DESCRIPTION, rows=2)


class ReminderBookForm(forms.Form):
    wish = forms.CharField(label=_("When would suit you? (optional)"), max_length=200, required=False)
