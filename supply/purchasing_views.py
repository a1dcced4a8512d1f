"""The parts clerk's purchasing pages (issue 19): the suggestions by
supplier, purchase orders, suppliers and each part's supply settings. Thin
views: forms check the shape, supply.suppliers and supply.purchasing decide."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from dealership.access import get_scoped_or_404, role_required, scoped
from dealership.errors import ProcessError
from dealership.models import Part, WorkOrder
from dealership.printing import pdf_response
from dealership.selectors import SEARCH_LENGTH
from dealership.views import run_form

from . import printing, purchasing
from .models import PartSupply, PurchaseOrder, PurchaseOrderLine, Supplier
from .purchasing_forms import (
    CancelForm,
    LineAddForm,
    LineSetForm,
    OrderFilterForm,
    OrderNewForm,
    PartSupplyForm,
    SupplierForm,
)
from .suppliers import PURCHASERS, part_supply_save, supplier_save

PAGE_SIZE = 25
PO = PurchaseOrder.Status


def _refused(request: HttpRequest, error: ProcessError) -> None:
    messages.error(request, str(error))


# --- suggestions ------------------------------------------------------------------------

@role_required(*PURCHASERS, store_required=True)
def suggestions(request: HttpRequest) -> HttpResponse:
    return render(request, "supply/suggestions.html", {
        "groups": purchasing.suggestions(request.user.store), "today": timezone.localdate()})


@require_POST
@role_required(*PURCHASERS, store_required=True)
def suggestions_order(request: HttpRequest) -> HttpResponse:
    try:
        supplier = get_scoped_or_404(Supplier.objects.all(), request.user, pk=int(request.POST.get("supplier") or 0))
        part_ids = [int(pk) for pk in request.POST.getlist("part")[:500]]
        po = purchasing.po_from_suggestions(actor=request.user, store=request.user.store, supplier_id=supplier.pk,
                                            part_ids=part_ids)
    except ValueError:
        _refused(request, ProcessError(_("Tick the parts to order.")))
        return redirect("supply:suggestions")
    except ProcessError as error:
        _refused(request, error)
        return redirect("supply:suggestions")
    messages.success(request, _("Order %(number)s is drafted: check it and send it.") % {"number": po.number})
    return redirect("supply:order", pk=po.pk)


# --- purchase orders ------------------------------------------------------------------

@role_required(*PURCHASERS, store_required=True)
def orders(request: HttpRequest) -> HttpResponse:
    form = OrderFilterForm(request.GET or None)
    status = form.cleaned_data["status"] if form.is_valid() else ""
    rows = scoped(PurchaseOrder.objects.select_related("supplier", "work_order"), request.user)
    if status == "":
        rows = rows.filter(status__in=[PO.DRAFT, *PurchaseOrder.OPEN])
    elif status != "all":
        rows = rows.filter(status=status)
    rows = rows.annotate(line_count=Count("lines")).order_by("-urgent", "expected_on", "-created_at", "-id")
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    today = timezone.localdate()
    for po in page.object_list:
        po.overdue = po.status in PurchaseOrder.OPEN and po.expected_on is not None and po.expected_on < today
    return render(request, "supply/orders.html", {"page": page, "form": form, "status": status})


def _order(request: HttpRequest, pk: int) -> PurchaseOrder:
    return get_scoped_or_404(PurchaseOrder.objects.select_related("supplier", "work_order", "created_by",
                                                                  "sent_by"), request.user, pk=pk)


def _order_page(request: HttpRequest, po: PurchaseOrder, status: int = 200, **forms) -> HttpResponse:
    lines = list(po.lines.select_related("part").order_by("id"))
    for line in lines:
        line.form = forms.get(f"line_{line.pk}") or LineSetForm(
            prefix=f"l{line.pk}", initial={"quantity": line.quantity.normalize(), "unit_cost": line.unit_cost})
        line.amount = line.quantity * line.unit_cost
    return render(request, "supply/order.html", {
        "po": po, "lines": lines, "total": sum((line.amount for line in lines), 0),
        "receipts": po.receipts.select_related("received_by").prefetch_related("lines__part"),
        "add_form": forms.get("add_form") or LineAddForm(), "cancel_form": forms.get("cancel_form") or CancelForm(),
        "overdue": purchasing.po_overdue(po), "draft": po.status == PO.DRAFT,
        "may_cancel": po.status in (PO.DRAFT, PO.SENT)}, status=status)


@role_required(*PURCHASERS, store_required=True)
def order(request: HttpRequest, pk: int) -> HttpResponse:
    return _order_page(request, _order(request, pk))


def _part_by_number(request: HttpRequest, number: str) -> Part:
    part = Part.objects.filter(store_id=request.user.store_id, number__iexact=number.strip()).first()
    if part is None:
        raise ProcessError(_("No part numbered %(number)s in this store.") % {"number": number.strip()},
                           field="part_number")
    return part


@require_POST
@role_required(*PURCHASERS, store_required=True)
def order_line_add(request: HttpRequest, pk: int) -> HttpResponse:
    po = _order(request, pk)
    form = LineAddForm(request.POST)
    if run_form(form, lambda d: purchasing.po_line_add(actor=request.user, po=po, line=purchasing.OrderLine(
            _part_by_number(request, d["part_number"]), d["quantity"], d["unit_cost"]))):
        return redirect("supply:order", pk=po.pk)
    return _order_page(request, po, status=400, add_form=form)


def _line(request: HttpRequest, pk: int) -> PurchaseOrderLine:
    return get_scoped_or_404(PurchaseOrderLine.objects.select_related("order", "part"), request.user, pk=pk)


@require_POST
@role_required(*PURCHASERS, store_required=True)
def order_line_set(request: HttpRequest, pk: int) -> HttpResponse:
    line = _line(request, pk)
    form = LineSetForm(request.POST, prefix=f"l{line.pk}")
    if run_form(form, lambda d: purchasing.po_line_set(actor=request.user, line=line, quantity=d["quantity"],
                                                        unit_cost=d["unit_cost"])):
        messages.success(request, _("Saved."))
        return redirect("supply:order", pk=line.order_id)
    return _order_page(request, _order(request, line.order_id), status=400, **{f"line_{line.pk}": form})


@require_POST
@role_required(*PURCHASERS, store_required=True)
def order_line_remove(request: HttpRequest, pk: int) -> HttpResponse:
    line = _line(request, pk)
    try:
        purchasing.po_line_remove(actor=request.user, line=line)
    except ProcessError as error:
        _refused(request, error)
    return redirect("supply:order", pk=line.order_id)


@require_POST
@role_required(*PURCHASERS, store_required=True)
def order_send(request: HttpRequest, pk: int) -> HttpResponse:
    po = _order(request, pk)
    try:
        po = purchasing.po_send(actor=request.user, po=po)
    except ProcessError as error:
        _refused(request, error)
    else:
        messages.success(request, _("Order %(number)s is sent: due on %(date)s. Print it or export it for the "
                                    "supplier.") % {"number": po.number, "date": po.expected_on.strftime("%Y-%m-%d")})
    return redirect("supply:order", pk=pk)


@require_POST
@role_required(*PURCHASERS, store_required=True)
def order_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    po = _order(request, pk)
    form = CancelForm(request.POST)
    if run_form(form, lambda d: purchasing.po_cancel(actor=request.user, po=po, reason=d["reason"])):
        messages.success(request, _("Order %(number)s is cancelled.") % {"number": po.number})
        return redirect("supply:order", pk=pk)
    return _order_page(request, po, status=400, cancel_form=form)


@role_required(*PURCHASERS, store_required=True)
def order_new(request: HttpRequest) -> HttpResponse:
    store = request.user.store
    form = OrderNewForm(request.POST or None, store_id=store.pk)

    def create(d):
        work_order = None
        if d["work_order"].strip():
            work_order = WorkOrder.objects.filter(store=store, number=d["work_order"].strip()).first()
            if work_order is None:
                raise ProcessError(_("No work order numbered %(number)s in this store.") % {
                    "number": d["work_order"].strip()}, field="work_order")
        return purchasing.po_create(
            actor=request.user, store=store, supplier=d["supplier"], urgent=d["urgent"], work_order=work_order,
            note=d["note"], lines=[purchasing.OrderLine(_part_by_number(request, d["part_number"]), d["quantity"],
                                                        d["unit_cost"])])

    if request.method == "POST" and (ran := run_form(form, create)):
        messages.success(request, _("Order %(number)s is drafted: add its other parts and send it.") % {
            "number": ran.value.number})
        return redirect("supply:order", pk=ran.value.pk)
    return render(request, "supply/order_new.html", {"form": form}, status=400 if form.errors else 200)


@role_required(*PURCHASERS, store_required=True)
def order_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    po = _order(request, pk)
    return pdf_response(printing.purchase_order_pdf(po=po), f"{po.number}.pdf")


@role_required(*PURCHASERS, store_required=True)
def order_csv(request: HttpRequest, pk: int) -> HttpResponse:
    po = _order(request, pk)
    response = HttpResponse(printing.purchase_order_csv(po=po), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{po.number}.csv"'
    return response


# --- suppliers and part supply settings ---------------------------------------------------------

@role_required(*PURCHASERS, store_required=True)
def suppliers(request: HttpRequest) -> HttpResponse:
    rows = (scoped(Supplier.objects.all(), request.user)
            .annotate(part_count=Count("parts", distinct=True),
                      open_orders=Count("orders", filter=Q(orders__status__in=PurchaseOrder.OPEN), distinct=True))
            .order_by("-active", "name"))
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "supply/suppliers.html", {"page": page})


def _supplier_form_page(request: HttpRequest, supplier: Supplier | None) -> HttpResponse:
    initial = {name: getattr(supplier, name) for name in SupplierForm.base_fields} if supplier else None
    form = SupplierForm(request.POST or None, initial=initial)
    if request.method == "POST" and (ran := run_form(form, lambda d: supplier_save(
            actor=request.user, store=request.user.store, supplier=supplier, **d))):
        messages.success(request, _("%(supplier)s is saved.") % {"supplier": ran.value.name})
        return redirect("supply:suppliers")
    parts = (PartSupply.objects.filter(supplier=supplier).select_related("part").order_by("part__number")[:200]
             if supplier else [])
    return render(request, "supply/supplier_form.html", {"form": form, "supplier": supplier, "parts": parts},
                  status=400 if form.errors else 200)


@role_required(*PURCHASERS, store_required=True)
def supplier_new(request: HttpRequest) -> HttpResponse:
    return _supplier_form_page(request, None)


@role_required(*PURCHASERS, store_required=True)
def supplier_edit(request: HttpRequest, pk: int) -> HttpResponse:
    return _supplier_form_page(request, get_scoped_or_404(Supplier.objects.all(), request.user, pk=pk))


@role_required(*PURCHASERS, store_required=True)
def parts(request: HttpRequest) -> HttpResponse:
    q = request.GET.get("q", "")[:SEARCH_LENGTH].strip()
    rows = scoped(Part.objects.filter(active=True), request.user).select_related("supply__supplier")
    if q:
        rows = rows.filter(Q(number__icontains=q) | Q(name__icontains=q))
    page = Paginator(rows.order_by("number"), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "supply/parts.html", {"page": page, "q": q})


@role_required(*PURCHASERS, store_required=True)
def part_supply(request: HttpRequest, pk: int) -> HttpResponse:
    part = get_scoped_or_404(Part.objects.all(), request.user, pk=pk)
    setting = PartSupply.objects.filter(part=part).select_related("supplier").first()
    initial = ({"supplier": setting.supplier, "location": setting.location,
                "min_stock": setting.min_stock.normalize(), "order_quantity": setting.order_quantity.normalize()}
               if setting else None)
    form = PartSupplyForm(request.POST or None, initial=initial, store_id=part.store_id)
    if request.method == "POST" and run_form(form, lambda d: part_supply_save(actor=request.user, part=part, **d)):
        messages.success(request, _("The supply settings of %(part)s are saved.") % {"part": part.name})
        return redirect("supply:part_supply", pk=part.pk)
    lines = (PurchaseOrderLine.objects.filter(part=part).select_related("order").order_by("-id")[:10])
    return render(request, "supply/part_supply.html", {"part": part, "setting": setting, "form": form,
                                                       "lines": lines}, status=400 if form.errors else 200)
