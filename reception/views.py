from django.contrib import messages
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from appointments.models import Appointment, QueueTicket
from appointments.selectors import appointments_on
from dealership.access import ADVISORS, MANAGERS, STAFF_EXCEPT_GATE, get_scoped_or_404, role_required
from dealership.errors import GuardRefused, ProcessError
from dealership.forms import CustomerVehicleForm, lookup_initial
from dealership.models import Role, WorkOrder, WorkOrderLine
from dealership.printing import pdf_response
from dealership.selectors import car_lookup_context, open_tasks_for, work_order_detail, work_orders_in_status
from dealership.services import customer_vehicle_get_or_create, work_order_add_line
from dealership.workflow import EDITABLE_STATUSES

from . import services
from .forms import AddLineForm, CancelForm, DetailsForm, SignForm, WalkAroundForm, WalkInForm
from .models import WalkAround
from .printing import COPIES, work_order_pdf

S = WorkOrder.Status
DESK_ROLES = (*ADVISORS, *MANAGERS)


@role_required(*DESK_ROLES)
def desk(request: HttpRequest) -> HttpResponse:
    """The advisor's desk: today's arrivals and every open order by stage."""
    user = request.user
    orders = work_orders_in_status(user=user, statuses=[
        S.DRAFT, S.SIGNED, S.IN_REPAIR, S.REPAIR_DONE, S.QC_FAILED, S.QC_PASSED, S.READY, S.SETTLED]
    ).select_related("appointment")
    if request.GET.get("mine") != "0" and user.has_role(Role.SERVICE_ADVISOR):
        orders = orders.filter(advisor=user)
    orders = [o for o in orders[:200] if o.status != S.DRAFT or o.origin == WorkOrder.Origin.WALK_IN
              or getattr(o, "appointment", None) is None
              or o.appointment.status == Appointment.Status.ARRIVED]
    columns = [
        (_("At reception"), [o for o in orders if o.status == S.DRAFT]),
        (_("In the workshop"), [o for o in orders if o.status in (S.SIGNED, S.IN_REPAIR, S.REPAIR_DONE, S.QC_FAILED)]),
        (_("QC passed: hand over"), [o for o in orders if o.status == S.QC_PASSED]),
        (_("Ready / settled"), [o for o in orders if o.status in (S.READY, S.SETTLED)]),
    ]
    return render(request, "reception/desk.html", {
        "arrivals": appointments_on(user=user, day=timezone.localdate()),
        "is_advisor": user.has_role(*ADVISORS) and user.store_id is not None,
        "columns": columns, "now": timezone.now(),
        "tasks": open_tasks_for(user=user),
    })


@require_POST
@role_required(*ADVISORS, store_required=True)
def receive(request: HttpRequest, pk: int) -> HttpResponse:
    appointment = get_scoped_or_404(Appointment.objects.select_related("work_order"), request.user, pk=pk)
    try:
        order = services.appointment_receive(appointment=appointment, actor=request.user)
    except ProcessError as exc:
        messages.error(request, str(exc))
        return redirect("reception:desk")
    return redirect("reception:order", pk=order.pk)


@role_required(*ADVISORS, store_required=True)
def walk_in(request: HttpRequest) -> HttpResponse:
    store = request.user.store
    ticket_id = request.GET.get("ticket") or request.POST.get("ticket") or ""
    ticket = get_scoped_or_404(QueueTicket.objects.filter(work_order__isnull=True, appointment__isnull=True),
                               request.user, pk=ticket_id) if ticket_id.isdigit() else None
    initial = {}
    if ticket:
        initial, _known = lookup_initial(store=store, plate=ticket.plate,
                                         typed={"plate": ticket.plate, "customer_name": ticket.name})
    vehicle_form = CustomerVehicleForm(request.POST or None, store=store, prefix="car", initial=initial)
    form = WalkInForm(request.POST or None, initial={"customer_words": ticket.note} if ticket else None)
    if request.method == "POST" and vehicle_form.is_valid() and form.is_valid():
        car = vehicle_form.cleaned_data
        try:
            with transaction.atomic():
                customer, vehicle, notes = customer_vehicle_get_or_create(
                    store=store, plate=car["plate"], vin=car["vin"], make=car["make"], model=car["model"],
                    customer_name=car["customer_name"], mobile=car["mobile"], title=car["title"],
                    board_display=car["board_display"], consent_to_messages=car["consent_to_messages"],
                    preferred_channel=car["preferred_channel"])
                order = services.walk_in_open(store=store, actor=request.user, customer=customer,
                                              vehicle=vehicle, customer_words=form.cleaned_data["customer_words"],
                                              ticket=ticket)
        except ProcessError as exc:
            form.add_error(None, str(exc))
        else:
            for note in notes:
                messages.info(request, note)
            return redirect("reception:order", pk=order.pk)
    return render(request, "reception/walk_in.html", {
        "vehicle_form": vehicle_form, "form": form, "ticket": ticket,
        **car_lookup_context(store=store, form=vehicle_form)})


SECTIONS = {
    "details": "reception/partials/details.html",
    "walkaround": "reception/partials/walkaround.html",
    "lines": "reception/partials/lines.html",
    "sign": "reception/partials/sign.html",
}


def _context(order: WorkOrder, **forms) -> dict:
    walkaround = WalkAround.objects.filter(work_order=order).first()
    return {
        "order": order,
        "editable": order.status in EDITABLE_STATUSES,
        "walkaround": walkaround,
        "details_form": forms.get("details_form") or DetailsForm.for_order(order),
        "walkaround_form": forms.get("walkaround_form") or WalkAroundForm(instance=walkaround),
        "line_form": forms.get("line_form") or AddLineForm(store=order.store),
        "sign_form": forms.get("sign_form") or SignForm(initial={"version": order.version,
                                                                 "customer_signed_name": order.customer.name}),
        "cancel_form": forms.get("cancel_form") or CancelForm(),
        "missing": services.sign_refusals(order) if order.status == S.DRAFT else [],
        "sign_errors": forms.get("sign_errors", []),
        "saved": forms.get("saved"),
    }


def _workspace(request: HttpRequest, order: WorkOrder, status: int = 200, **forms) -> HttpResponse:
    return render(request, "reception/order.html", _context(order, **forms), status=status)


def _respond(request: HttpRequest, pk: int, section: str, *, ok: bool, **forms) -> HttpResponse:
    """After a section's POST: with htmx, swap just that section (so what is
    typed in the others stays), bump the version fields and tell the page the
    order changed; without JavaScript, redirect or re-render the page."""
    order = _order_for_edit(request, pk)
    if request.htmx:
        context = _context(order, **forms)
        html = render_to_string(SECTIONS[section], context, request=request)
        if ok:
            html += render_to_string("reception/partials/versions_oob.html", context, request=request)
        response = HttpResponse(html)
        if ok:
            response["HX-Trigger"] = "order-changed"
        return response
    if ok:
        return redirect("reception:order", pk=pk)
    return _workspace(request, order, status=400, **forms)


def _order_for_edit(request: HttpRequest, pk: int) -> WorkOrder:
    return work_order_detail(user=request.user, pk=pk)


@role_required(*DESK_ROLES)
def order(request: HttpRequest, pk: int) -> HttpResponse:
    return _workspace(request, _order_for_edit(request, pk))


@role_required(*DESK_ROLES)
def order_missing(request: HttpRequest, pk: int) -> HttpResponse:
    """htmx fragment: what still stands between the order and the signatures."""
    order = _order_for_edit(request, pk)
    return render(request, "reception/partials/missing.html", {
        "order": order, "missing": services.sign_refusals(order) if order.status == S.DRAFT else []})


@require_POST
@role_required(*ADVISORS, store_required=True)
def order_details(request: HttpRequest, pk: int) -> HttpResponse:
    order = _order_for_edit(request, pk)
    form = DetailsForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.work_order_update_details(
                work_order=order, actor=request.user, customer_words=data["customer_words"],
                diagnosis=data["diagnosis"], promised_at=data["promised_at"],
                customer_waits=data["customer_waits"], expected_version=data["version"])
        except ProcessError as exc:
            form.add_error(None, str(exc))
        else:
            return _respond(request, pk, "details", ok=True, saved="details")
    return _respond(request, pk, "details", ok=False, details_form=form)


@require_POST
@role_required(*ADVISORS, store_required=True)
def order_walkaround(request: HttpRequest, pk: int) -> HttpResponse:
    order = _order_for_edit(request, pk)
    form = WalkAroundForm(request.POST, instance=WalkAround.objects.filter(work_order=order).first())
    if form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k not in ("mileage", "mileage_reason")}
        try:
            services.walkaround_record(work_order=order, actor=request.user,
                                       mileage=form.cleaned_data["mileage"],
                                       mileage_reason=form.cleaned_data["mileage_reason"], **data)
        except ProcessError as exc:
            form.add_error("mileage_reason" if exc.rule == "REC-7" else None, str(exc))
        else:
            return _respond(request, pk, "walkaround", ok=True, saved="walkaround")
    return _respond(request, pk, "walkaround", ok=False, walkaround_form=form)


@require_POST
@role_required(*ADVISORS, store_required=True)
def order_add_line(request: HttpRequest, pk: int) -> HttpResponse:
    order = _order_for_edit(request, pk)
    form = AddLineForm(request.POST, store=order.store)
    if form.is_valid():
        try:
            work_order_add_line(work_order=order, actor=request.user, source=WorkOrderLine.Source.RECEPTION,
                                labour_operation=form.cleaned_data["labour_operation"],
                                part=form.cleaned_data["part"], quantity=form.cleaned_data["quantity"])
        except ProcessError as exc:
            form.add_error(None, str(exc))
        else:
            return _respond(request, pk, "lines", ok=True)
    return _respond(request, pk, "lines", ok=False, line_form=form)


@require_POST
@role_required(*ADVISORS, store_required=True)
def order_decline_line(request: HttpRequest, pk: int, line_pk: int) -> HttpResponse:
    order = _order_for_edit(request, pk)
    line = get_scoped_or_404(WorkOrderLine.objects.select_related("work_order"), request.user,
                             pk=line_pk, work_order=order)
    try:
        services.work_order_decline_line(line=line, actor=request.user)
    except ProcessError as exc:
        messages.error(request, str(exc))
    return _respond(request, pk, "lines", ok=True)


@require_POST
@role_required(*ADVISORS, store_required=True)
def order_sign(request: HttpRequest, pk: int) -> HttpResponse:
    order = _order_for_edit(request, pk)
    form = SignForm(request.POST)
    errors: list[str] = []
    if form.is_valid():
        try:
            services.work_order_sign(
                work_order=order, actor=request.user,
                customer_signed_name=form.cleaned_data["customer_signed_name"],
                explained=form.cleaned_data["explained"], expected_version=form.cleaned_data["version"])
        except GuardRefused as exc:
            errors = exc.messages
        except ProcessError as exc:
            errors = [str(exc)]
        else:
            messages.success(request, _("Work order signed. Print the customer's copy."))
            if request.htmx:
                response = HttpResponse(status=204)
                response["HX-Redirect"] = reverse("reception:order", args=[pk])
                return response
            return redirect("reception:order", pk=pk)
    return _respond(request, pk, "sign", ok=False, sign_form=form, sign_errors=errors)


@require_POST
@role_required(*ADVISORS, store_required=True)
def order_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    order = _order_for_edit(request, pk)
    form = CancelForm(request.POST)
    if form.is_valid():
        try:
            services.work_order_cancel(work_order=order, actor=request.user, reason=form.cleaned_data["reason"])
        except ProcessError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("Work order cancelled."))
            return redirect("reception:desk")
    return _workspace(request, order, status=400, cancel_form=form)


@role_required(*STAFF_EXCEPT_GATE)
def order_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    order = work_order_detail(user=request.user, pk=pk)
    copy = request.GET.get("copy", "customer")
    if copy not in COPIES:
        copy = "customer"
    return pdf_response(work_order_pdf(order=order, copy=copy), f"{order.number}-{copy}.pdf")
