"""Stage 5 screens: the cashier queue, the settlement page (statement,
adjustments, payments, delivery checklist, gate pass), the documents and the gate."""

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied
from django.db.models import DecimalField, Sum, Value
from django.db.models.functions import Coalesce
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from dealership.access import ADVISORS, MANAGERS, role_required, scoped
from dealership.errors import GuardRefused, ProcessError
from dealership.models import Role, WorkOrder
from dealership.printing import pdf_response
from dealership.selectors import open_tasks_for, work_order_detail, work_orders_in_status
from dealership.views import run_form
from inspection.printing import guarantee_card_pdf
from reception.models import WalkAround
from workshop.models import OldPart

from . import links, printing, services
from .forms import (
    AdjustmentForm,
    BillAsIssuedForm,
    DecisionForm,
    GateCheckForm,
    GateReleaseForm,
    PaymentForm,
    RefundForm,
    VoidForm,
)
from .models import Adjustment, Delivery, GateAlert, GatePass, Payment, Statement
from .statement import statement_build

S = WorkOrder.Status
QUEUE_LIMIT = 100
VIEWERS = (Role.CASHIER, *ADVISORS, *MANAGERS)


@role_required(*VIEWERS)
def queue(request: HttpRequest) -> HttpResponse:
    # only what the rows show (issue 9)
    orders = list(work_orders_in_status(user=request.user, statuses=[S.READY, S.SETTLED]).select_related(None)
                  .select_related("vehicle", "customer").only("store_id", "number", "status", "vehicle__plate",
                                                              "customer__name")
                  .annotate(paid=Coalesce(Sum("payments__amount"), Value(0), output_field=DecimalField()))[:QUEUE_LIMIT])
    statements = {s.work_order_id: s for s in Statement.objects.filter(
        work_order__in=[o.pk for o in orders], superseded=False).only("work_order_id", "number", "total")}
    deliveries = {d.work_order_id: d for d in Delivery.objects.filter(
        work_order__in=[o.pk for o in orders]).only("work_order_id", "done_at")}
    rows = [(o, statements.get(o.pk), deliveries.get(o.pk)) for o in orders]
    return render(request, "settlement/queue.html", {"rows": rows, "tasks": open_tasks_for(user=request.user)})


def _order_page(request: HttpRequest, order: WorkOrder, *, status: int = 200, errors: list[str] | None = None,
                **forms) -> HttpResponse:
    user = request.user
    data = statement_build(order)
    statement = services.current_statement(order)
    paid = services.amount_paid(work_order=order)
    due = statement.total if statement else None
    balance = (due - paid) if due is not None else None
    payments = list(Payment.objects.filter(work_order=order).select_related("received_by", "reverses"))
    reversed_ids = {p.reverses_id for p in payments if p.reverses_id}
    delivery = Delivery.objects.filter(work_order=order).select_related("delivered_by").first()
    advisor = user.has_role(*ADVISORS, *MANAGERS)
    cashier = user.has_role(Role.CASHIER)
    gate_pass = GatePass.objects.filter(work_order=order).first()
    superseded = None if statement else Statement.objects.filter(work_order=order, superseded=True).last()
    missing = [str(r) for r in services.delivery_missing(order, delivery or Delivery(work_order=order),
                                                         user if advisor else None, data)]
    return render(request, "settlement/order.html", {
        "order": order, "data": data, "statement": statement, "paid": paid, "due": due, "balance": balance,
        "payments": payments, "reversed_ids": reversed_ids, "delivery": delivery, "gate_pass": gate_pass,
        "errors": errors or [], "missing": missing, "superseded": superseded,
        "checks": [(f, Delivery._meta.get_field(f).verbose_name, bool(delivery and getattr(delivery, f)))
                   for f in services.DELIVERY_CHECKS],
        "other_advisor": advisor and user.pk != order.advisor_id,
        "is_manager": user.has_role(*MANAGERS), "is_advisor": advisor, "is_cashier": cashier,
        "can_adjust": advisor and order.status == S.READY,
        "can_issue": advisor and order.status == S.READY and data.ready,
        "can_pay": cashier and order.status == S.READY and balance is not None and balance > 0,
        "can_void": cashier and order.status == S.READY,
        "can_refund": cashier and due is not None and paid > due,
        "can_deliver": advisor and order.status in services.DELIVERING and not (delivery and delivery.done_at),
        "can_gate_pass": (cashier or advisor) and order.status == S.SETTLED and bool(delivery and delivery.done_at),
        "form": forms.get("form") or PaymentForm(initial={"amount": balance} if balance else None),
        "refund_form": forms.get("refund_form") or RefundForm(initial={"amount": (paid - due) if due else None}),
        "adjust_form": forms.get("adjust_form") or AdjustmentForm(),
        "decision_form": forms.get("decision_form"), "decision_for": forms.get("decision_for"),
        "void_form": VoidForm(),
        "wishes": OldPart.Wish,
        # REC-14: where the keys and the car's documents were kept since reception, to hand them back
        "keys": WalkAround.objects.filter(work_order=order).values("key_tag", "keys_location").first(),
    }, status=status)


@role_required(*VIEWERS)
def order(request: HttpRequest, pk: int) -> HttpResponse:
    return _order_page(request, work_order_detail(user=request.user, pk=pk))


def _refused(request, order, exc: ProcessError, **forms) -> HttpResponse:
    errors = exc.messages if isinstance(exc, GuardRefused) else [str(exc)]
    return _order_page(request, order, status=400, errors=errors, **forms)


@require_POST
@role_required(*ADVISORS, *MANAGERS, store_required=True)
def adjust(request: HttpRequest, pk: int) -> HttpResponse:
    order = work_order_detail(user=request.user, pk=pk)
    form = AdjustmentForm(request.POST)
    ran = run_form(form, lambda data: services.adjustment_request(work_order=order, actor=request.user, **data))
    if not ran:
        return _order_page(request, order, status=400, adjust_form=form)
    messages.success(request, _("Adjustment approved.") if ran.value.status == Adjustment.Status.APPROVED
                     else _("Adjustment sent to the manager for approval."))
    return redirect("settlement:order", pk=pk)


@require_POST
@role_required(*ADVISORS, *MANAGERS, store_required=True)
def bill_as_issued(request: HttpRequest, pk: int, line_pk: int) -> HttpResponse:
    order = work_order_detail(user=request.user, pk=pk)
    line = get_object_or_404(order.lines.all(), pk=line_pk)
    form = BillAsIssuedForm(request.POST)
    form.is_valid()
    try:
        services.bill_as_issued(line=line, actor=request.user, reason=form.cleaned_data.get("reason", ""))
    except ProcessError as exc:
        return _refused(request, order, exc)
    messages.success(request, _("Sent to the manager: bill %(item)s as issued.") % {"item": line.description})
    return redirect("settlement:order", pk=pk)


@require_POST
@role_required(*MANAGERS)
def decide(request: HttpRequest, pk: int, adjustment_pk: int) -> HttpResponse:
    order = work_order_detail(user=request.user, pk=pk)
    adjustment = get_object_or_404(Adjustment.objects.filter(work_order=order), pk=adjustment_pk)
    form = DecisionForm(request.POST)
    if form.is_valid():
        approve = form.cleaned_data["decision"] == "approve"
        try:
            services.adjustment_decide(adjustment=adjustment, manager=request.user, approve=approve,
                                       note=form.cleaned_data["note"])
        except ProcessError as exc:
            if exc.field not in form.fields:
                return _refused(request, order, exc)
            form.add_error(exc.field, str(exc))
    if form.errors:  # shown by the note of this adjustment
        return _order_page(request, order, status=400, decision_form=form, decision_for=adjustment.pk)
    messages.success(request, _("Adjustment approved.") if approve else _("Adjustment rejected."))
    return redirect("settlement:order", pk=pk)


@require_POST
@role_required(*ADVISORS, *MANAGERS, store_required=True)
def issue_statement(request: HttpRequest, pk: int) -> HttpResponse:
    order = work_order_detail(user=request.user, pk=pk)
    try:
        statement = services.statement_issue(work_order=order, advisor=request.user)
    except ProcessError as exc:
        return _refused(request, order, exc)
    paid = services.amount_paid(work_order=order)
    if paid == 0:
        text = _("Statement %(number)s issued: the customer can pay ¥%(total)s at the cashier.")
    elif paid < statement.total:
        text = _("Statement %(number)s issued: ¥%(total)s, of which ¥%(paid)s is paid; ¥%(left)s is left to pay.")
    else:
        text = _("Statement %(number)s issued: ¥%(total)s; ¥%(paid)s was paid, so the cashier refunds ¥%(over)s.")
    messages.success(request, text % {"number": statement.number, "total": statement.total, "paid": paid,
                                      "left": statement.total - paid, "over": paid - statement.total})
    return redirect("settlement:order", pk=pk)


@require_POST
@role_required(Role.CASHIER, store_required=True)
def pay(request: HttpRequest, pk: int) -> HttpResponse:
    order = work_order_detail(user=request.user, pk=pk)
    form = PaymentForm(request.POST)
    if ran := run_form(form, lambda data: services.payment_record(work_order=order, cashier=request.user, **data),
                       field="amount"):
        messages.success(request, _("Payment recorded: receipt %(receipt)s.") % {"receipt": ran.value.receipt_number})
        return redirect("settlement:order", pk=pk)
    return _order_page(request, order, status=400, form=form)


@require_POST
@role_required(Role.CASHIER, store_required=True)
def void(request: HttpRequest, pk: int, payment_pk: int) -> HttpResponse:
    order = work_order_detail(user=request.user, pk=pk)
    payment = get_object_or_404(Payment.objects.filter(work_order=order), pk=payment_pk)
    form = VoidForm(request.POST)
    if not form.is_valid():
        return _order_page(request, order, status=400, errors=[_("Say why the payment is voided.")])
    try:
        services.payment_void(payment=payment, cashier=request.user, reason=form.cleaned_data["reason"])
    except ProcessError as exc:
        return _refused(request, order, exc)
    messages.success(request, _("Payment voided."))
    return redirect("settlement:order", pk=pk)


@require_POST
@role_required(Role.CASHIER, store_required=True)
def refund(request: HttpRequest, pk: int) -> HttpResponse:
    order = work_order_detail(user=request.user, pk=pk)
    form = RefundForm(request.POST)
    if run_form(form, lambda data: services.payment_refund(work_order=order, cashier=request.user, **data),
                field="amount"):
        messages.success(request, _("Refund recorded."))
        return redirect("settlement:order", pk=pk)
    return _order_page(request, order, status=400, refund_form=form)


@require_POST
@role_required(*ADVISORS, *MANAGERS, store_required=True)
def deliver(request: HttpRequest, pk: int) -> HttpResponse:
    order = work_order_detail(user=request.user, pk=pk)
    post = request.POST
    wishes = {}
    for key, value in post.items():
        if key.startswith("wish_") and key[5:].isdigit():
            wishes[int(key[5:])] = value
    data = services.DeliveryInput(
        checks={f: post.get(f) == "on" for f in services.DELIVERY_CHECKS}, wishes=wishes,
        other_advisor_reason=post.get("other_advisor_reason", ""),
        declined_name=post.get("declined_name", ""), declined_signature=post.get("declined_signature", ""))
    finish = post.get("action") == "finish"
    try:
        services.delivery_confirm(work_order=order, advisor=request.user, data=data, finish=finish)
    except ProcessError as exc:
        return _refused(request, order, exc)
    messages.success(request, _("Delivery confirmed with the customer.") if finish else _("Checklist saved."))
    return redirect("settlement:order", pk=pk)


@require_POST
@role_required(Role.CASHIER, *ADVISORS, *MANAGERS, store_required=True)
def issue_gate_pass(request: HttpRequest, pk: int) -> HttpResponse:
    order = work_order_detail(user=request.user, pk=pk)
    try:
        gate_pass = services.gate_pass_issue(work_order=order, actor=request.user)
    except ProcessError as exc:
        return _refused(request, order, exc)
    messages.success(request, _("Gate pass %(number)s issued.") % {"number": gate_pass.number})
    return redirect("settlement:order", pk=pk)


DOCUMENTS = {
    "statement": printing.statement_pdf,
    "old-parts": printing.old_parts_pdf,
    "declined": printing.declined_work_pdf,
    "gate-pass": printing.gate_pass_pdf,
}


@role_required(*VIEWERS)
def document(request: HttpRequest, pk: int, name: str) -> HttpResponse:
    """SET-4, SET-13: the customer's papers, each a PDF."""
    order = work_order_detail(user=request.user, pk=pk)
    render_fn = DOCUMENTS.get(name)
    if render_fn is None:
        raise PermissionDenied
    try:
        pdf = render_fn(order=order)
    except ProcessError as exc:
        messages.error(request, str(exc))
        return redirect("settlement:order", pk=pk)
    return pdf_response(pdf, f"{name}_{order.number}.pdf")


@require_POST
@role_required(*ADVISORS, *MANAGERS, Role.CASHIER, store_required=True)
def send_documents(request: HttpRequest, pk: int) -> HttpResponse:
    order = work_order_detail(user=request.user, pk=pk)
    try:
        record = links.send_documents(order=order, actor=request.user)
    except ProcessError as exc:
        return _refused(request, order, exc)
    if record is None:
        messages.warning(request, _("The customer has not agreed to messages: hand over the printed copies."))
    elif record.status == record.Status.SENT:
        messages.success(request, _("The documents were sent to the customer."))
    elif record.status in record.WAITING:  # issue 20: the outbox sends them after this request
        messages.success(request, _("The documents are queued and will be sent to the customer in a moment; the order "
                                    "page shows when they have gone."))
    else:
        messages.error(request, _("Sending failed: %(result)s") % {"result": record.result})
    return redirect("settlement:order", pk=pk)


CUSTOMER_DOCUMENTS = {"statement": printing.statement_pdf, "old-parts": printing.old_parts_pdf,
                      "declined": printing.declined_work_pdf}


@login_not_required
def customer_documents(request: HttpRequest, token: str, name: str = "") -> HttpResponse:
    """SET-13: the customer's papers through the signed link, without logging in."""
    order = links.order_from_documents_token(token)
    if not name:
        response = render(request, "settlement/customer_documents.html", {
            "order": order, "token": token, "declined": bool(statement_build(order).deferred
                                                                 or order.lines.filter(approval="declined").exists()),
            "guarantee": order.inspections.filter(passed=True).exists()})
    else:
        if name == "guarantee-card":
            render_fn = guarantee_card_pdf
        elif name in CUSTOMER_DOCUMENTS:
            render_fn = CUSTOMER_DOCUMENTS[name]
        else:
            raise Http404
        try:
            response = pdf_response(render_fn(order=order), f"{name}_{order.number}.pdf")
        except ProcessError:
            raise Http404 from None
    response["Referrer-Policy"] = "same-origin"
    response["X-Robots-Tag"] = "noindex"
    return response


# --- the gate (phone-sized) ------------------------------------------------------------

@role_required(Role.GATE_GUARD, *MANAGERS)
def gate(request: HttpRequest) -> HttpResponse:
    """The QR code on the pass opens this page with its number filled in."""
    number = request.GET.get("n", "")
    return render(request, "settlement/gate.html", {"form": GateCheckForm(initial={"number": number})})


@require_POST
@role_required(Role.GATE_GUARD, store_required=True)
def gate_check(request: HttpRequest) -> HttpResponse:
    """Step 1: look the pass up and show the car; nothing is used yet."""
    form = GateCheckForm(request.POST)
    found = None
    if form.is_valid():
        try:
            found = services.gate_pass_find(store_id=request.user.store_id, number=form.cleaned_data["number"],
                                            guard=request.user)
        except ProcessError as exc:
            return render(request, "settlement/gate.html", {"form": form, "refused": str(exc)}, status=400)
    return render(request, "settlement/gate.html", {
        "form": form, "found": found,
        "release_form": GateReleaseForm(initial={"number": found.number}) if found else None,
    }, status=200 if found else 400)


@require_POST
@role_required(Role.GATE_GUARD, store_required=True)
def gate_release(request: HttpRequest) -> HttpResponse:
    """Step 2: the guard types the plate seen on the car; if it is the pass's
    car, the pass is used and the car leaves."""
    form = GateReleaseForm(request.POST)
    if not form.is_valid():
        found = None
        try:
            found = services.gate_pass_find(store_id=request.user.store_id, number=request.POST.get("number", ""))
        except ProcessError as exc:
            return render(request, "settlement/gate.html", {"form": GateCheckForm(), "refused": str(exc)},
                          status=400)
        return render(request, "settlement/gate.html", {"form": GateCheckForm(), "found": found,
                                                        "release_form": form}, status=400)
    try:
        used = services.gate_pass_use(store_id=request.user.store_id, number=form.cleaned_data["number"],
                                      guard=request.user, plate=form.cleaned_data["plate"])
    except ProcessError as exc:
        # a wrong plate: the pass stays on screen so the guard can look again (the refusal is flagged)
        try:
            found = services.gate_pass_find(store_id=request.user.store_id, number=form.cleaned_data["number"])
        except ProcessError:
            found = None
        return render(request, "settlement/gate.html", {
            "form": GateCheckForm(), "refused": str(exc), "found": found,
            "release_form": GateReleaseForm(initial={"number": found.number}) if found else None}, status=400)
    return render(request, "settlement/gate.html", {"form": GateCheckForm(), "released": used})


@require_POST
@role_required(*MANAGERS, store_required=True)
def gate_alerts_seen(request: HttpRequest) -> HttpResponse:
    services.gate_alerts_seen(manager=request.user)
    return redirect("settlement:gate_alerts")


@role_required(*MANAGERS, Role.GATE_GUARD)
def gate_alerts(request: HttpRequest) -> HttpResponse:
    alerts = scoped(GateAlert.objects.all(), request.user).select_related(
        "guard", "gate_pass__work_order__vehicle")[:100]
    return render(request, "settlement/gate_alerts.html", {
        "alerts": alerts, "can_mark_seen": request.user.has_role(*MANAGERS) and request.user.store_id is not None})
