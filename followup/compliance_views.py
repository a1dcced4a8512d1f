"""Issue 21: the compliance page (all 58 "must avoid" items), the cases
behind each figure, the store's thresholds, a recount, and the manager's
spot check on an order. Thin views: followup/compliance.py does the work."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from django import forms
from django.contrib import messages
from django.core.paginator import Paginator
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from dealership.access import MANAGERS, get_scoped_or_404, role_required
from dealership.archive import archived_before
from dealership.models import Store, User, WorkOrder
from dealership.replicas import reads_replica
from dealership.views import run_form

from .compliance import (
    compliance_table,
    count_later,
    item_actions,
    next_month,
    period_of,
    spot_check_record,
    thresholds_of,
    thresholds_set,
)
from .figures import Filters, filters_from
from .selectors import figure_filter_choices
from .standard import AUDITED, AUDITED_ITEMS, BY_CODE, HOMES, ITEMS, REFUSED, home_counts

CASES_PER_PAGE = 25
STALE_HOURS = 2  # the job counts every hour: older figures mean it is not running


def _store_ids(user: User, f: Filters) -> list[int]:
    stores = Store.objects.filter(group_id=user.group_id) if user.is_group_manager else Store.objects.filter(
        pk=user.store_id)
    if f.store_id:
        stores = stores.filter(pk=f.store_id)
    return list(stores.values_list("pk", flat=True))


def _month(f: Filters) -> date:
    return date.fromisoformat(f"{f.month}-01")


def _choices(user: User) -> dict:
    return figure_filter_choices(user)  # the dashboard's store and advisor choices


def _query(f: Filters, **more) -> str:
    params = {"month": f.month, "store": f.store_id or "", "advisor": f.advisor_id or "", **more}
    return urlencode({k: v for k, v in params.items() if v not in ("", None)})


@role_required(*MANAGERS)
@reads_replica
def compliance(request: HttpRequest) -> HttpResponse:
    f = filters_from(request.GET, user=request.user)
    stores = _store_ids(request.user, f)
    table = compliance_table(stores=stores, month=_month(f), advisor_id=f.advisor_id)
    cases_url = reverse("followup:compliance_cases", args=["__code__"])  # once, not 58 rows x 3 links (issue 22)
    for row in table.rows:
        row.cases_url = cases_url.replace("__code__", row.item.code)
    now = timezone.now()
    current = _month(f) == timezone.localdate().replace(day=1)
    stale = current and (table.counted_at is None or now - table.counted_at > timedelta(hours=STALE_HOURS))
    return render(request, "followup/compliance.html", {
        "table": table, "f": f, "query": _query(f), "homes": HOMES, "home_counts": home_counts(), "stale": stale,
        "actions": item_actions(stores=stores, month=_month(f)),
        "may_set": request.user.store_id is not None, **_choices(request.user)})


@role_required(*MANAGERS)
@reads_replica
def compliance_cases(request: HttpRequest, code: str) -> HttpResponse:
    """The cases behind a figure: each measure's rows of the month (the store, the advisor or the technician
    chosen), newest first, a page at a time."""
    item = BY_CODE.get(code)
    if item is None:
        raise Http404
    f = filters_from(request.GET, user=request.user)
    stores = _store_ids(request.user, f)
    kind, person = "", None
    technician = _int(request.GET.get("technician"))
    if technician:
        kind, person = "technician", technician
    elif f.advisor_id:
        kind, person = "advisor", f.advisor_id
    p = period_of(_month(f))
    sections = []
    for n, measure in enumerate(item.measures):
        if kind and not measure.person_path(kind):
            continue
        page = Paginator(measure.case_rows(p, stores, kind, person), CASES_PER_PAGE).get_page(
            request.GET.get(f"page{n}"))
        sections.append({"measure": measure, "n": n, "page": page,
                         "rows": [{"label": measure.label(o), "link": measure.link(o), "detail": measure.detail(o),
                                   "when": _when(o, measure.when)} for o in page]})
    before = (p.start.date() - timedelta(days=1)).strftime("%Y-%m")
    after = next_month(p.start.date()).strftime("%Y-%m")
    more = {"technician": technician} if technician else {}
    return render(request, "followup/compliance_cases.html", {
        "item": item, "f": f, "sections": sections, "query": _query(f), "homes": HOMES,
        "before": before, "after": after, "before_query": _query(f, month=before, **more),
        "after_query": _query(f, month=after, **more),
        "technician": technician, "person": User.objects.filter(pk=person).first() if person else None})


def _int(value: str | None) -> int | None:
    return int(value) if value and value.isdigit() and len(value) < 10 else None


def _when(obj, path: str):
    for part in path.split("__"):
        obj = getattr(obj, part, None)
        if obj is None:
            return None
    return obj


@require_POST
@role_required(*MANAGERS)
def compliance_recount(request: HttpRequest) -> HttpResponse:
    """Count the month again now (the job counts every hour)."""
    f = filters_from(request.POST, user=request.user)
    stores = _store_ids(request.user, f)
    if not stores:
        raise Http404
    month = _month(f)
    kept_from = archived_before()
    if kept_from and month < kept_from:  # issue 23: its timeline is archived; the count kept is the count
        messages.error(request, _("This month is archived: its counts are kept as they were counted before."))
        return redirect(reverse("followup:compliance") + "?" + _query(f))
    transaction.on_commit(lambda: count_later(month=month, store_ids=stores, trigger="manager"))
    messages.success(request, _("Counting again: the time of the count above changes when it is done."))
    return redirect(reverse("followup:compliance") + "?" + _query(f))


class ThresholdsForm(forms.Form):
    """One field per item: empty means the item's default."""

    def __init__(self, *args, current: dict[str, Decimal], **kwargs):
        super().__init__(*args, **kwargs)
        for item in ITEMS:
            refused = item.home == REFUSED
            self.fields[item.code] = forms.DecimalField(
                label=f"{item.code} {item.label}", required=False, min_value=0,
                max_value=None if refused else 100, max_digits=6, decimal_places=1,
                help_text=(gettext_lazy("overrides a month, default %(n)s") if refused
                           else gettext_lazy("%% of cases, default %(n)s")) % {"n": item.limit},
                initial=current.get(item.code))


@role_required(*MANAGERS, store_required=True)
def compliance_thresholds(request: HttpRequest) -> HttpResponse:
    current = thresholds_of([request.user.store_id]).get(request.user.store_id, {})
    form = ThresholdsForm(request.POST or None, current=current)
    if request.method == "POST":
        if run_form(form, lambda data: thresholds_set(manager=request.user, limits=dict(data))):
            messages.success(request, _("Thresholds saved. The page compares the figures with them at once; a task "
                                        "for an item above its threshold follows at the next count."))
            return redirect("followup:compliance_thresholds")
        status = 400
    else:
        status = 200
    rows = [(item, form[item.code]) for item in ITEMS]
    return render(request, "followup/compliance_thresholds.html", {"form": form, "rows": rows, "homes": HOMES},
                  status=status)


class SpotCheckForm(forms.Form):
    KEPT, NOT_KEPT, SKIPPED = "kept", "not_kept", ""
    note = forms.CharField(label=gettext_lazy("Note"), required=False, max_length=500,
                           widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for item in AUDITED_ITEMS:
            self.fields[f"answer_{item.code}"] = forms.ChoiceField(
                label=f"{item.code} {item.question}", required=False, widget=forms.RadioSelect,
                choices=[(self.KEPT, gettext_lazy("Kept")), (self.NOT_KEPT, gettext_lazy("Not kept")),
                         (self.SKIPPED, gettext_lazy("Not checked"))], initial=self.SKIPPED)
            self.fields[f"note_{item.code}"] = forms.CharField(label=gettext_lazy("What you saw"), required=False,
                                                               max_length=200)

    def answers(self) -> dict[str, tuple[bool, str]]:
        data = self.cleaned_data
        return {item.code: (data[f"answer_{item.code}"] == self.KEPT, data[f"note_{item.code}"])
                for item in AUDITED_ITEMS if data.get(f"answer_{item.code}")}

    def questions(self):
        return [(item, self[f"answer_{item.code}"], self[f"note_{item.code}"]) for item in AUDITED_ITEMS]


@role_required(*MANAGERS)
def spot_check(request: HttpRequest, pk: int) -> HttpResponse:
    order = get_scoped_or_404(WorkOrder.objects.select_related("vehicle", "advisor", "store"), request.user, pk=pk)
    form = SpotCheckForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if run_form(form, lambda data: spot_check_record(work_order=order, manager=request.user,
                                                         answers=form.answers(), note=data["note"])):
            messages.success(request, _("Spot check recorded."))
            return redirect("dealership:order", pk=order.pk)
        status = 400
    return render(request, "followup/spot_check.html", {"order": order, "form": form, "audited": AUDITED,
                                                        "checks": order.spot_checks.select_related("created_by")
                                                        .prefetch_related("answers")[:10]}, status=status)



def compliance_csv_rows(user: User, f: Filters) -> list[list]:
    table = compliance_table(stores=_store_ids(user, f), month=_month(f), advisor_id=f.advisor_id, breakdown=False)
    return [[r.item.code, r.item.label, HOMES[r.item.home], r.figure.cases, r.figure.base if r.item.home != REFUSED
             else "", r.figure.overrides if r.item.home == REFUSED else "", r.value if r.value is not None else "",
             r.limit] for r in table.rows]
