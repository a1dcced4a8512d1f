"""The receiving pages (issue 19): the deliveries to expect (late ones stand
out), the receipt of one delivery against its order, and where each part
goes."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Count, Prefetch
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from dealership.access import MANAGERS, get_scoped_or_404, role_required, scoped
from dealership.models import Role
from dealership.views import run_form

from .models import PurchaseOrder, Receipt, ReceiptLine
from .receiving import receipt_record
from .receiving_forms import ReceiveForm

RECEIVERS = (Role.PARTS_CLERK, Role.PARTS_MANAGER)
READERS = (*RECEIVERS, *MANAGERS)
PAGE_SIZE = 25


@role_required(*READERS, store_required=True)
def receiving(request: HttpRequest) -> HttpResponse:
    """The orders still to come: overdue first, then due today, then later."""
    today = timezone.localdate()
    orders = (scoped(PurchaseOrder.objects.filter(status__in=PurchaseOrder.OPEN), request.user)
              .select_related("supplier", "work_order").annotate(line_count=Count("lines"))
              .order_by("expected_on", "id"))
    page = Paginator(orders, PAGE_SIZE).get_page(request.GET.get("page"))
    for order in page:
        order.overdue = order.expected_on is not None and order.expected_on < today
        order.due_today = order.expected_on == today
    return render(request, "supply/receiving/list.html", {
        "page": page, "today": today, "may_receive": request.user.has_role(*RECEIVERS)})


@role_required(*RECEIVERS, store_required=True)
def receive(request: HttpRequest, pk: int) -> HttpResponse:
    order = get_scoped_or_404(PurchaseOrder.objects.select_related("supplier", "work_order"), request.user, pk=pk)
    lines = list(order.lines.select_related("part").order_by("id"))
    form = ReceiveForm(request.POST or None, lines=lines, store_id=order.store_id)
    if request.method == "POST":
        ran = run_form(form, lambda data: receipt_record(
            actor=request.user, order=order, delivery_note=data["delivery_note"], lines=form.inputs(),
            note=data["note"]))
        if ran:
            messages.success(request, _("Delivery received: put each part where it goes."))
            return redirect("supply:receipt", pk=ran.value.pk)
    return render(request, "supply/receiving/receive.html", {
        "order": order, "form": form, "open": order.status in PurchaseOrder.OPEN,
        "receipts": order.receipts.select_related("received_by").order_by("-received_at")[:20]},
        status=400 if form.errors else 200)


@role_required(*READERS, store_required=True)
def receipt(request: HttpRequest, pk: int) -> HttpResponse:
    """Where each part of the delivery goes (APT-8 the appointment's shelf, REP-9 the workshop, else stock)."""
    found = get_scoped_or_404(Receipt.objects.select_related("order__supplier", "received_by").prefetch_related(
        Prefetch("lines", queryset=ReceiptLine.objects.select_related("part", "order_line").order_by("id"))),
        request.user, pk=pk)
    return render(request, "supply/receiving/receipt.html", {"receipt": found})


@role_required(*READERS, store_required=True)
def receipts(request: HttpRequest) -> HttpResponse:
    found = (scoped(Receipt.objects.all(), request.user).select_related("order__supplier", "received_by")
             .annotate(line_count=Count("lines")).order_by("-received_at", "-id"))
    return render(request, "supply/receiving/receipts.html",
                  {"page": Paginator(found, PAGE_SIZE).get_page(request.GET.get("page"))})


