from datetime import date, datetime, timedelta
from decimal import Decimal

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from dealership.forms import FreeTextField, ModelChoiceField, ModelMultipleChoiceField
from dealership.models import LabourOperation, Part, Role, Store, User
from dealership.textlimits import DESCRIPTION
from dealership.validators import normalize_mobile, normalize_plate, validate_mobile, validate_plate

from .timetable import reception_slots


class BookingForm(forms.Form):
    advisor = ModelChoiceField(label=_("Receiving advisor"), queryset=User.objects.none())
    day = forms.DateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    slot = forms.ChoiceField(label=_("Time"))
    customer_words = FreeTextField(
        label=_("Customer's description of the fault"), max_length=DESCRIPTION,
        help_text=_("Write down what the customer says, in their words (APT-2)."))
    pre_diagnosis = FreeTextField(
        label=_("Pre-diagnosis"), max_length=DESCRIPTION,
        help_text=_("Likely cause and the proposed solution (APT-3)."))
    labour_operations = ModelMultipleChoiceField(
        label=_("Labour operations"), queryset=LabourOperation.objects.none(), required=False,
        widget=forms.SelectMultiple(attrs={"size": 6}))
    parts = ModelMultipleChoiceField(
        label=_("Parts"), queryset=Part.objects.none(), required=False,
        widget=forms.SelectMultiple(attrs={"size": 6}))
    extra_description = forms.CharField(label=_("Other item (not in the catalogue)"), max_length=100, required=False,
                                        help_text=_("E.g. a diagnosis fee; priced here."))
    extra_price = forms.DecimalField(label=_("Its price (yuan)"), required=False, min_value=Decimal("0"),
                                     max_value=Decimal("999999"), decimal_places=2)
    use_buffer = forms.BooleanField(label=_("Place in a buffer slot (urgent or larger case)"), required=False)
    beyond_capacity = forms.BooleanField(label=_("Book beyond the workshop's capacity (manager)"), required=False)
    capacity_reason = forms.CharField(label=_("Why beyond capacity"), max_length=200, required=False)
    buffer_reason = forms.CharField(label=_("Why the buffer"), max_length=200, required=False)

    def __init__(self, *args, store: Store, **kwargs) -> None:
        self.store = store
        super().__init__(*args, **kwargs)
        advisors = User.objects.filter(store=store, staff_roles__role=Role.SERVICE_ADVISOR, is_active=True).order_by(
            "display_name", "username")
        operations = LabourOperation.objects.filter(store=store, active=True)
        parts = Part.objects.filter(store=store, active=True)
        if not self.is_bound:  # a blank form only shows the choices: read what their labels show (issue 9)
            advisors, operations, parts = (advisors.only(*User.NAME_FIELDS), operations.only("code", "name"),
                                           parts.only("number", "name"))
        self.fields["advisor"].queryset = advisors
        self.fields["labour_operations"].queryset = operations
        self.fields["parts"].queryset = parts
        # every time of the store's day; which are free or buffers for the advisor, the slot list shows (htmx).
        # The empty choice first: a form sent back without a time must not show (and send on) the first slot.
        self.fields["slot"].choices = [("", _("— choose a free time —"))] + [
            (t.strftime("%H:%M"), t.strftime("%H:%M")) for t in reception_slots(store=store, day=timezone.localdate())]

    def clean_day(self) -> date:
        day = self.cleaned_data["day"]
        if day < timezone.localdate():
            raise forms.ValidationError(_("The date is in the past."))
        return day

    def clean(self) -> dict:
        data = super().clean()
        day, slot = data.get("day"), data.get("slot")
        if day and slot:
            hour, minute = (int(x) for x in slot.split(":"))
            starts_at = datetime(day.year, day.month, day.day, hour, minute,
                                 tzinfo=timezone.get_current_timezone())
            if starts_at <= timezone.now():
                self.add_error("slot", _("That time has already passed."))
            data["starts_at"] = starts_at
        if data.get("use_buffer") and not (data.get("buffer_reason") or "").strip():
            self.add_error("buffer_reason", _("Say why this case goes into the buffer slot."))
        if data.get("beyond_capacity") and not (data.get("capacity_reason") or "").strip():
            self.add_error("capacity_reason", _("Give the reason for booking beyond the workshop's capacity."))
        if (data.get("extra_description") or "").strip() and data.get("extra_price") is None:
            self.add_error("extra_price", _("Give the price of this item."))
        if data.get("extra_price") is not None and not (data.get("extra_description") or "").strip():
            self.add_error("extra_description", _("Say what the price is for."))
        return data


class PreparationForm(forms.Form):
    """What the advisor has prepared (APT-9, SCH-5)."""

    technician = ModelChoiceField(label=_("Technician"), queryset=User.objects.none(), required=False)
    bay = forms.CharField(label=_("Bay"), max_length=20, required=False)
    needs_expert = forms.BooleanField(label=_("Needs a technical expert"), required=False)
    expert = ModelChoiceField(label=_("Technical expert"), queryset=User.objects.none(), required=False)
    tools = forms.BooleanField(label=_("Equipment and special tools ready"), required=False)
    docs = forms.BooleanField(label=_("Service documentation ready"), required=False)
    file = forms.BooleanField(label=_("Customer file pulled (history read)"), required=False)

    def __init__(self, *args, store: Store, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        staff = User.objects.filter(store=store, is_active=True).order_by("display_name")
        self.fields["technician"].queryset = staff.filter(staff_roles__role=Role.TECHNICIAN)
        self.fields["expert"].queryset = staff.filter(staff_roles__role=Role.TECHNICAL_EXPERT)

    def clean(self) -> dict:
        data = super().clean()
        if data.get("expert") and not data.get("needs_expert"):
            data["needs_expert"] = True
        return data

    @classmethod
    def for_appointment(cls, appointment) -> "PreparationForm":
        return cls(store=appointment.store, initial={
            "technician": appointment.technician_id, "bay": appointment.bay, "needs_expert": appointment.needs_expert,
            "expert": appointment.expert_id, "tools": bool(appointment.tools_ready_at),
            "docs": bool(appointment.docs_ready_at), "file": bool(appointment.file_pulled_at)})


RESCHEDULE_DAYS = 366  # a new time further ahead is a typing slip (9999-12-31)


class RescheduleForm(forms.Form):
    day = forms.DateField(label=_("New date"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    slot = forms.TimeField(label=_("New time"), widget=forms.TimeInput(attrs={"type": "time", "step": 900},
                                                                       format="%H:%M"))
    reason_kind = forms.ChoiceField(
        label=_("Whose reason?"), widget=forms.RadioSelect,
        choices=[("shop", _("The shop cannot keep the time: the customer is told the new time at once")),
                 ("customer", _("The customer asks for another time"))],
        error_messages={"required": _("Choose whose reason it is: the shop's or the customer's.")})
    reason = forms.CharField(label=_("Reason"), max_length=200)

    def clean(self) -> dict:
        data = super().clean()
        data["by_shop"] = data.get("reason_kind") == "shop"  # APT-10: chosen, never defaulted
        if data.get("day") and data["day"] > timezone.localdate() + timedelta(days=RESCHEDULE_DAYS):
            self.add_error("day", _("Choose a day within the next year."))
        elif data.get("day") and data.get("slot"):
            data["starts_at"] = datetime.combine(data["day"], data["slot"], tzinfo=timezone.get_current_timezone())
            if data["starts_at"] <= timezone.now():
                self.add_error("slot", _("That time has already passed."))
        return data


class CancelAppointmentForm(forms.Form):
    """Who is the reason is always chosen, never defaulted (APT-10): the
    shop's reason offers the customer new times at once."""

    SHOP, CUSTOMER = "shop", "customer"
    reason_kind = forms.ChoiceField(
        label=_("Who cancels?"), widget=forms.RadioSelect,
        choices=[(SHOP, _("The shop cannot keep it: the customer is offered new times at once")),
                 (CUSTOMER, _("The customer cancels"))],
        error_messages={"required": _("Choose who cancels: the shop or the customer.")})
    reason = forms.CharField(label=_("Reason"), max_length=200)

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", "id_cancel_%s")  # the reschedule form beside it has the same fields
        super().__init__(*args, **kwargs)

    def clean(self) -> dict:
        data = super().clean()
        data["by_shop"] = data.get("reason_kind") == self.SHOP
        return data


class OfferDeclineForm(forms.Form):
    note = forms.CharField(label=_("A time that suits you better, or anything to tell us"), max_length=200,
                           required=False, widget=forms.TextInput(attrs={"autocomplete": "off"}))


def clean_optional_plate(value: str) -> str:
    """An optional plate, checked as the reception form checks it: it goes on
    to the appointment and the work order (APT-2, REC-9)."""
    if not value.strip():
        return ""
    validate_plate(value)
    return normalize_plate(value)


class TicketForm(forms.Form):
    plate = forms.CharField(label=_("Plate"), max_length=12, required=False)
    name = forms.CharField(label=_("Customer name"), max_length=50, required=False)
    note = forms.CharField(label=_("What for"), max_length=200, required=False)

    def clean_plate(self) -> str:
        return clean_optional_plate(self.cleaned_data["plate"])

    def clean(self) -> dict:
        data = super().clean()
        if not data.get("plate", "").strip() and not data.get("name", "").strip():
            raise forms.ValidationError(_("Write the plate or the customer's name."))
        return data


class ExpectedForm(forms.Form):
    expected_on = forms.DateField(label=_("Expected in stock"),
                                  widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))


class AnswerForm(forms.Form):
    answer = forms.ChoiceField(choices=[("confirmed", "confirmed"), ("reschedule", "reschedule"), ("cancel", "cancel")])
    note = forms.CharField(label=_("Anything to tell us (e.g. a better time)"), max_length=200, required=False,
                           widget=forms.TextInput(attrs={"autocomplete": "off"}))


class BookingRequestForm(forms.Form):
    name = forms.CharField(label=_("Customer name"), max_length=50)
    mobile = forms.CharField(label=_("Mobile"), max_length=20)
    plate = forms.CharField(label=_("Plate"), max_length=12, required=False)
    wish = forms.CharField(label=_("What the customer wants"), max_length=300, required=False)

    def clean_plate(self) -> str:
        return clean_optional_plate(self.cleaned_data["plate"])

    def clean_mobile(self) -> str:
        validate_mobile(self.cleaned_data["mobile"])
        return normalize_mobile(self.cleaned_data["mobile"])


class CapacityForm(forms.Form):
    capacity_hours = forms.DecimalField(label=_("Hours for appointments"), min_value=Decimal("0"),
                                        max_value=Decimal("999"), decimal_places=2)
    note = forms.CharField(label=_("Why (e.g. a technician ill)"), max_length=200, required=False)
