from django.contrib import messages
from django.db.models import DecimalField, Sum, Value
from django.db.models.functions import Coalesce
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from dealership.access import ADVISORS, MANAGERS, role_required
from dealership.errors import ProcessError
from dealership.models import Role, WorkOrder
from dealership.selectors import open_tasks_for, work_order_detail, work_orders_in_status

from . import services
from .forms import GateCheckForm, PaymentForm
from .models import GatePass, Payment

S = WorkOrder.Status
QUEUE_LIMIT = 100
VIEWERS = (Role.CASHIER, *ADVISORS, *MANAGERS)


@role_required(*VIEWERS)
def queue(request: HttpRequest) -> HttpResponse:
    orders = work_orders_in_status(user=request.user, statuses=[S.READY, S.SETTLED]).annotate(
        paid=Coalesce(Sum("payments__amount"), Value(0), output_field=DecimalField()))[:QUEUE_LIMIT]
    return render(request, "settlement/queue.html", {"orders": orders, "tasks": open_tasks_for(user=request.user)})


def _order_page(request: HttpRequest, order: WorkOrder, form: PaymentForm | None = None, status: int = 200):
    paid = services.amount_paid(work_order=order)
    return render(request, "settlement/order.html", {
        "order": order, "paid": paid, "balance": order.total - paid,
        "payments": Payment.objects.filter(work_order=order).select_related("received_by"),
        "gate_pass": GatePass.objects.filter(work_order=order).first(),
        "form": form or PaymentForm(initial={"amount": order.total - paid}),
        "can_pay": request.user.has_role(Role.CASHIER) and order.status == S.READY,
        "can_issue": request.user.has_role(Role.CASHIER, *ADVISORS) and order.status == S.SETTLED,
    }, status=status)


@role_required(*VIEWERS)
def order(request: HttpRequest, pk: int) -> HttpResponse:
    return _order_page(request, work_order_detail(user=request.user, pk=pk))


@require_POST
@role_required(Role.CASHIER, store_required=True)
def pay(request: HttpRequest, pk: int) -> HttpResponse:
    order = work_order_detail(user=request.user, pk=pk)
    form = PaymentForm(request.POST)
    if form.is_valid():
        try:
            services.payment_record(work_order=order, cashier=request.user, **form.cleaned_data)
        except ProcessError as exc:
            form.add_error("amount", str(exc))
        else:
            messages.success(request, _("Payment recorded."))
            return redirect("settlement:order", pk=pk)
    return _order_page(request, order, form, status=400)


@require_POST
@role_required(Role.CASHIER, *ADVISORS, store_required=True)
def issue_gate_pass(request: HttpRequest, pk: int) -> HttpResponse:
    order = work_order_detail(user=request.user, pk=pk)
    try:
        gate_pass = services.gate_pass_issue(work_order=order, actor=request.user)
    except ProcessError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Gate pass %(number)s issued.") % {"number": gate_pass.number})
    return redirect("settlement:order", pk=pk)


@role_required(Role.GATE_GUARD, *MANAGERS)
def gate(request: HttpRequest) -> HttpResponse:
    return render(request, "settlement/gate.html", {"form": GateCheckForm()})


@require_POST
@role_required(Role.GATE_GUARD, store_required=True)
def gate_check(request: HttpRequest) -> HttpResponse:
    """Step 1: look the pass up and show the car; nothing is used yet."""
    form = GateCheckForm(request.POST)
    found = None
    if form.is_valid():
        try:
            found = services.gate_pass_find(store_id=request.user.store_id, number=form.cleaned_data["number"])
        except ProcessError as exc:
            return render(request, "settlement/gate.html", {"form": form, "refused": str(exc)}, status=400)
    return render(request, "settlement/gate.html", {"form": form, "found": found}, status=200 if found else 400)


@require_POST
@role_required(Role.GATE_GUARD, store_required=True)
def gate_release(request: HttpRequest) -> HttpResponse:
    """Step 2: the plate matches the car; let it out and use the pass."""
    form = GateCheckForm(request.POST)
    if not form.is_valid():
        return render(request, "settlement/gate.html", {"form": form}, status=400)
    try:
        used = services.gate_pass_use(store_id=request.user.store_id, number=form.cleaned_data["number"],
                                      guard=request.user)
    except ProcessError as exc:
        return render(request, "settlement/gate.html", {"form": form, "refused": str(exc)}, status=400)
    return render(request, "settlement/gate.html", {"form": GateCheckForm(), "released": used})
