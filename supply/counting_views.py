"""The counting pages (issue 19): the list of stock counts with the form to
start one, the count itself (a tablet page: the counters enter what they find,
blind; the manager reviews the differences and approves or sends back), and
the write-offs (returns to the supplier, scrap). Forms validate, the services
in supply.counting and supply.writeoffs save and refuse."""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from dealership.access import get_scoped_or_404, role_required, scoped
from dealership.errors import ProcessError
from dealership.models import Part
from dealership.views import run_form

from .counting import (
    APPROVERS,
    COUNTERS,
    count_approve,
    count_cancel,
    count_differences,
    count_record,
    count_send_back,
    count_start,
    count_submit,
    moved_lines,
)
from .models import StockCount, StockCountLine, StockMove, Supplier
from .writeoffs import WRITERS, stock_return_to_supplier, stock_scrap

PAGE_SIZE = 25
LINES_PAGE_SIZE = 50  # rows on one tablet screen's scroll
C = StockCount.Status
K = StockMove.Kind


class StartForm(forms.Form):
    location = forms.CharField(label=gettext_lazy("Location starts with"), max_length=20, required=False,
                               help_text=gettext_lazy("A shelf, e.g. A-03; empty: every location."))
    number_from = forms.CharField(label=gettext_lazy("Part numbers from"), max_length=30, required=False)
    number_to = forms.CharField(label=gettext_lazy("Part numbers to"), max_length=30, required=False)


class ApproveForm(forms.Form):
    reason = forms.CharField(label=gettext_lazy("Reason for the differences"), max_length=200, required=False,
                             widget=forms.TextInput(attrs={"class": "form-control-lg"}))


class WriteOffForm(forms.Form):
    kind = forms.ChoiceField(label=gettext_lazy("What"), choices=[
        (K.SUPPLIER_RETURN, gettext_lazy("Return to the supplier")), (K.SCRAP, gettext_lazy("Scrap"))])
    part = forms.CharField(label=gettext_lazy("Part number"), max_length=30)
    quantity = forms.CharField(label=gettext_lazy("Quantity"), max_length=12,
                               widget=forms.TextInput(attrs={"inputmode": "decimal"}))
    supplier = forms.ModelChoiceField(label=gettext_lazy("Supplier"), queryset=Supplier.objects.none(),
                                      required=False, help_text=gettext_lazy("For a return to the supplier."))
    reason = forms.CharField(label=gettext_lazy("Reason"), max_length=150)

    def __init__(self, *args, store, **kwargs):
        super().__init__(*args, **kwargs)
        self.store = store
        self.fields["supplier"].queryset = Supplier.objects.filter(store=store, active=True)

    def clean_part(self):
        number = self.cleaned_data["part"].strip()
        part = Part.objects.filter(store=self.store, number__iexact=number.strip()).first()
        if part is None:
            raise forms.ValidationError(_("No part %(number)s in this store.") % {"number": number})
        return part

    def clean(self):
        data = super().clean()
        if data.get("kind") == K.SUPPLIER_RETURN and not data.get("supplier"):
            self.add_error("supplier", _("Choose the supplier the parts go back to."))
        return data


def _count(request: HttpRequest, pk: int) -> StockCount:
    return get_scoped_or_404(StockCount.objects.select_related("created_by", "approved_by"), request.user, pk=pk)


@role_required(*COUNTERS, store_required=True)
def counts(request: HttpRequest) -> HttpResponse:
    form = StartForm(request.POST or None)
    if request.method == "POST":
        ran = run_form(form, lambda data: count_start(
            actor=request.user, store=request.user.store, location_prefix=data["location"],
            number_from=data["number_from"], number_to=data["number_to"]))
        if ran:
            messages.success(request, _("Count %(number)s started: %(n)s parts to count.") % {
                "number": ran.value.number, "n": ran.value.lines.count()})
            return redirect("supply:count", pk=ran.value.pk)
    rows = scoped(StockCount.objects.select_related("created_by", "approved_by"), request.user)
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "supply/counts.html", {"form": form, "page": page},
                  status=400 if form.errors else 200)


def _page(request: HttpRequest, count: StockCount, status: int = 200, **extra) -> HttpResponse:
    user = request.user
    manager = user.has_role(*APPROVERS)
    context = {"count": count, "manager": manager, "approve_form": extra.pop("approve_form", None) or ApproveForm()}
    if count.status == C.COUNTING:
        lines = count.lines.select_related("part").order_by("location", "part__number", "id")
        if request.GET.get("show") == "left":
            lines = lines.filter(counted__isnull=True)
        context["lines"] = Paginator(lines, LINES_PAGE_SIZE).get_page(request.GET.get("page"))
        context["left"] = count.lines.filter(counted__isnull=True).count()
        context["show"] = request.GET.get("show", "")
    else:
        context["differences"], context["total"] = count_differences(count)
        context["moved"] = moved_lines(count) if count.status == C.SUBMITTED else []
        context["lines_total"] = count.lines.count()
    context.update(extra)
    return render(request, "supply/count.html", context, status=status)


@role_required(*COUNTERS, store_required=True)
def count(request: HttpRequest, pk: int) -> HttpResponse:
    return _page(request, _count(request, pk))


@require_POST
@role_required(*COUNTERS, store_required=True)
def count_line(request: HttpRequest, pk: int, line: int) -> HttpResponse:
    """One line's count (htmx: the row comes back; without JavaScript, the page)."""
    the_count = _count(request, pk)
    row = get_scoped_or_404(StockCountLine.objects.select_related("part"), request.user, pk=line, count=the_count)
    error = ""
    try:
        row = count_record(actor=request.user, line=row, counted=request.POST.get("counted", ""))
    except ProcessError as exc:
        error = str(exc)
    if request.htmx:
        return render(request, "supply/partials/count_line.html",
                      {"count": the_count, "line": row, "error": error, "typed": request.POST.get("counted", "")},
                      status=422 if error else 200)
    if error:
        messages.error(request, f"{row.part.number} {row.part.name}: {error}")
    page = request.POST.get("page", "")
    return redirect(reverse("supply:count", args=[the_count.pk]) + (f"?page={page}" if page.isdigit() else ""))


def _act(request: HttpRequest, the_count: StockCount, action, done: str) -> HttpResponse:
    try:
        action()
    except ProcessError as exc:
        messages.error(request, str(exc))
        return _page(request, _count(request, the_count.pk), status=400)
    messages.success(request, done)
    return redirect("supply:count", pk=the_count.pk)


@require_POST
@role_required(*COUNTERS, store_required=True)
def count_submit_view(request: HttpRequest, pk: int) -> HttpResponse:
    the_count = _count(request, pk)
    return _act(request, the_count, lambda: count_submit(actor=request.user, count=the_count),
                _("Count %(number)s is waiting for the manager's approval.") % {"number": the_count.number})


@require_POST
@role_required(*APPROVERS, store_required=True)
def count_approve_view(request: HttpRequest, pk: int) -> HttpResponse:
    the_count = _count(request, pk)
    form = ApproveForm(request.POST)
    ran = run_form(form, lambda data: count_approve(manager=request.user, count=the_count, reason=data["reason"]))
    if ran:
        messages.success(request, _("Count %(number)s is booked.") % {"number": the_count.number})
        return redirect("supply:count", pk=the_count.pk)
    return _page(request, _count(request, pk), status=400, approve_form=form)


@require_POST
@role_required(*APPROVERS, store_required=True)
def count_send_back_view(request: HttpRequest, pk: int) -> HttpResponse:
    the_count = _count(request, pk)
    recount = [int(v) for v in request.POST.getlist("recount") if v.isdigit() and len(v) < 10]
    return _act(request, the_count, lambda: count_send_back(manager=request.user, count=the_count, recount=recount),
                _("Count %(number)s went back to the counters.") % {"number": the_count.number})


@require_POST
@role_required(*COUNTERS, store_required=True)
def count_cancel_view(request: HttpRequest, pk: int) -> HttpResponse:
    the_count = _count(request, pk)
    return _act(request, the_count, lambda: count_cancel(actor=request.user, count=the_count),
                _("Count %(number)s is cancelled: nothing was booked.") % {"number": the_count.number})


@role_required(*WRITERS, store_required=True)
def writeoffs(request: HttpRequest) -> HttpResponse:
    form = WriteOffForm(request.POST or None, store=request.user.store)
    if request.method == "POST":
        def save(data):
            if data["kind"] == K.SUPPLIER_RETURN:
                return stock_return_to_supplier(actor=request.user, part=data["part"], quantity=data["quantity"],
                                                supplier=data["supplier"], reason=data["reason"])
            return stock_scrap(actor=request.user, part=data["part"], quantity=data["quantity"],
                               reason=data["reason"])

        ran = run_form(form, save)
        if ran:
            move = ran.value
            messages.success(request, _("%(quantity)s %(unit)s of %(part)s left the stock (%(value)s yuan at cost).")
                             % {"quantity": format(-move.quantity.normalize(), "f"), "unit": move.part.unit,
                                "part": move.part.name, "value": -move.value})
            return redirect("supply:writeoffs")
    rows = scoped(StockMove.objects.filter(kind__in=[K.SUPPLIER_RETURN, K.SCRAP]).select_related("part", "by"),
                  request.user).order_by("-at", "-id")
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "supply/writeoffs.html", {"form": form, "page": page, "zero": Decimal(0)},
                  status=400 if form.errors else 200)
