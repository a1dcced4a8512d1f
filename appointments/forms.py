from datetime import date, datetime
from decimal import Decimal

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from dealership.models import LabourOperation, Part, Role, Store, User

from .timetable import reception_slots


class BookingForm(forms.Form):
    advisor = forms.ModelChoiceField(label=_("Receiving advisor"), queryset=User.objects.none())
    day = forms.DateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    slot = forms.ChoiceField(label=_("Time"))
    customer_words = forms.CharField(
        label=_("Customer's description of the fault"), widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Write down what the customer says, in their words (APT-2)."))
    pre_diagnosis = forms.CharField(
        label=_("Pre-diagnosis"), widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Likely cause and the proposed solution (APT-3)."))
    labour_operations = forms.ModelMultipleChoiceField(
        label=_("Labour operations"), queryset=LabourOperation.objects.none(), required=False,
        widget=forms.SelectMultiple(attrs={"size": 6}))
    parts = forms.ModelMultipleChoiceField(
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
        self.fields["advisor"].queryset = (
            User.objects.filter(store=store, staff_roles__role=Role.SERVICE_ADVISOR, is_active=True)
            .order_by("display_name", "username"))
        self.fields["labour_operations"].queryset = LabourOperation.objects.filter(store=store, active=True)
        self.fields["parts"].queryset = Part.objects.filter(store=store, active=True)
        self.fields["slot"].choices = [
            (s.starts_at.strftime("%H:%M"),
             s.starts_at.strftime("%H:%M") + (" · " + str(_("buffer")) if s.is_buffer else ""))
            for s in reception_slots(store=store, day=date.today())
        ]

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
