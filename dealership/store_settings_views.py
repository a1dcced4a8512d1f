"""The store settings page (issue 18): the store's process settings in groups, its opening hours per weekday and
its closed days, with the log of their changes. An after-sales manager keeps their own store, a group manager any
store of the group; another store is a 404. Forms validate, dealership.store_settings saves and refuses."""

from django import forms
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from .access import MANAGERS, role_required
from .errors import ProcessError
from .models import ClosedDay, SettingChange, Store
from .models.hours import WEEKDAYS
from .store_settings import (
    FIELDS,
    GROUPS,
    MAX_VAT,
    DayHours,
    closed_day_add,
    closed_day_remove,
    settings_store_or_404,
    settings_stores,
    store_hours_set,
    store_settings_update,
    store_week,
)
from .views import run_form

PAGE_SIZE = 25

# Links from the store's page to the settings kept by later stages (bays, parking spots): (url name, label),
# registered from the stage's AppConfig.ready(); the URL takes the store's pk.
_SUB_PAGES: dict[str, object] = {}


def register_store_page(url_name: str, label) -> None:
    _SUB_PAGES[url_name] = label


class StoreSettingsForm(forms.ModelForm):
    class Meta:
        model = Store
        fields = FIELDS

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            if isinstance(field, forms.DecimalField | forms.IntegerField) and field.min_value is None:
                field.min_value = 0
                field.widget.attrs.setdefault("min", 0)

    def groups(self):
        return [(label, [self[name] for name in names]) for label, names in GROUPS]

    def clean_vat_rate_percent(self):
        vat = self.cleaned_data["vat_rate_percent"]
        if vat is not None and not 0 <= vat <= MAX_VAT:
            raise forms.ValidationError(_("The VAT rate is a percentage between 0 and 100."))
        return vat


class HoursForm(forms.Form):
    def __init__(self, *args, week: dict[int, DayHours] | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        for weekday, label in WEEKDAYS:
            day = (week or {}).get(weekday)
            self.fields[f"d{weekday}_closed"] = forms.BooleanField(
                label=gettext_lazy("%(day)s: closed") % {"day": label}, required=False,
                initial=day.closed if day else False)
            self.fields[f"d{weekday}_opens"] = forms.TimeField(
                label=gettext_lazy("%(day)s opens") % {"day": label}, required=False,
                initial=day.opens_at if day else None, widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"))
            self.fields[f"d{weekday}_closes"] = forms.TimeField(
                label=gettext_lazy("%(day)s closes") % {"day": label}, required=False,
                initial=day.closes_at if day else None, widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"))

    def rows(self):
        return [(label, self[f"d{d}_opens"], self[f"d{d}_closes"], self[f"d{d}_closed"]) for d, label in WEEKDAYS]

    def week(self) -> dict[int, DayHours]:
        data = self.cleaned_data
        return {d: DayHours(data[f"d{d}_opens"], data[f"d{d}_closes"], data[f"d{d}_closed"]) for d in range(7)}


class ClosedDayForm(forms.Form):
    date = forms.DateField(label=gettext_lazy("Date"), widget=forms.DateInput(attrs={"type": "date"}))
    name = forms.CharField(label=gettext_lazy("Name (a holiday)"), max_length=50, required=False)


@role_required(*MANAGERS)
def store_settings_home(request: HttpRequest) -> HttpResponse:
    """An after-sales manager goes to their store's page; a group manager picks a store of the group."""
    stores = settings_stores(request.user).only("name", "code")
    if not request.user.is_group_manager:
        store = stores.first()
        if store is None:
            return render(request, "dealership/no_role.html", status=403)
        return redirect("dealership:store_settings", pk=store.pk)
    page = Paginator(stores.order_by("code"), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "dealership/store_list.html", {"page": page})


def _page(request: HttpRequest, store: Store, status: int = 200, **forms_) -> HttpResponse:
    today = timezone.localdate()
    closed_days = Paginator(ClosedDay.objects.filter(store=store, date__gte=today).order_by("date"), PAGE_SIZE)
    context = {
        "store": store,
        "form": forms_.get("form") or StoreSettingsForm(instance=store),
        "hours_form": forms_.get("hours_form") or HoursForm(week=store_week(store)),
        "closed_form": forms_.get("closed_form") or ClosedDayForm(prefix="closed"),
        "closed_days": closed_days.get_page(request.GET.get("page")),
        "sub_pages": [(name, label) for name, label in _SUB_PAGES.items()],
        "log": SettingChange.objects.filter(store=store, model__in=[
            "dealership.store", "dealership.storehours", "dealership.closedday"]).select_related("actor")[:20],
        "show_record": True,
    }
    return render(request, "dealership/store_settings.html", context, status=status)


@role_required(*MANAGERS)
def store_settings(request: HttpRequest, pk: int) -> HttpResponse:
    store = settings_store_or_404(request.user, pk)
    if request.method != "POST":
        return _page(request, store)
    # a blank copy to validate against: the form never touches the store itself (the service saves)
    form = StoreSettingsForm(request.POST, instance=Store(pk=store.pk, group_id=store.group_id))
    ran = run_form(form, lambda data: store_settings_update(actor=request.user, store=store,
                                                            values={f: data[f] for f in FIELDS}))
    if ran:
        messages.success(request, _("Saved.") if ran.value else _("Nothing was changed."))
        return redirect("dealership:store_settings", pk=store.pk)
    return _page(request, store, status=400, form=form)


@require_POST
@role_required(*MANAGERS)
def store_hours(request: HttpRequest, pk: int) -> HttpResponse:
    store = settings_store_or_404(request.user, pk)
    form = HoursForm(request.POST)
    if run_form(form, lambda data: store_hours_set(actor=request.user, store=store, week=form.week())):
        messages.success(request, _("The opening hours are saved."))
        return redirect("dealership:store_settings", pk=store.pk)
    return _page(request, store, status=400, hours_form=form)


@require_POST
@role_required(*MANAGERS)
def store_closed_add(request: HttpRequest, pk: int) -> HttpResponse:
    store = settings_store_or_404(request.user, pk)
    form = ClosedDayForm(request.POST, prefix="closed")
    if run_form(form, lambda data: closed_day_add(actor=request.user, store=store, day=data["date"],
                                                  name=data["name"])):
        messages.success(request, _("The store is closed on %(day)s.") % {"day": form.cleaned_data["date"]})
        return redirect("dealership:store_settings", pk=store.pk)
    return _page(request, store, status=400, closed_form=form)


@require_POST
@role_required(*MANAGERS)
def store_closed_remove(request: HttpRequest, pk: int, day: int) -> HttpResponse:
    store = settings_store_or_404(request.user, pk)
    closed = get_object_or_404(ClosedDay, store=store, pk=day)
    try:
        closed_day_remove(actor=request.user, store=store, closed=closed)
    except ProcessError as exc:
        messages.error(request, str(exc))
        return _page(request, store, status=400)
    messages.success(request, _("The store is open again on %(day)s.") % {"day": closed.date})
    return redirect("dealership:store_settings", pk=store.pk)
