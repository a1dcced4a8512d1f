from django.contrib import messages
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from appointments.models import Appointment
from appointments.selectors import appointments_on
from dealership.access import ADVISORS, MANAGERS, STAFF_EXCEPT_GATE, get_scoped_or_404, role_required
from dealership.errors import GuardRefused, ProcessError
from dealership.forms import CustomerVehicleForm
from dealership.models import Role, WorkOrder, WorkOrderLine
from dealership.printing import pdf_response
from dealership.selectors import work_order_detail, work_orders_in_status
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
        S.DRAFT, S.SIGNED, S.IN_REPAIR, S.REPAIR_DONE, S.QC_FAILED, S.QC_PASSED, S.READY, S.SETTLED])
    if request.GET.get("mine") != "0" and user.has_role(Role.SERVICE_ADVISOR):
        orders = orders.filter(advisor=user)
    orders = list(orders[:200])
    columns = [
        (_("At reception"), [o for o in orders if o.status == S.DRAFT]),
        (_("In the workshop"), [o for o in orders if o.status in (S.SIGNED, S.IN_REPAIR, S.REPAIR_DONE, S.QC_FAILED)]),
        (_("QC passed: hand over"), [o for o in orders if o.status == S.QC_PASSED]),
        (_("Ready / settled"), [o for o in orders if o.status in (S.READY, S.SETTLED)]),
    ]
    return render(request, "reception/desk.html", {
        "arrivals": appointments_on(user=user, day=timezone.localdate()),
        "columns": columns, "now": timezone.now(),
        "tasks": user.staff_tasks.filter(done_at__isnull=True).select_related("work_order")[:20],
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
    vehicle_form = CustomerVehicleForm(request.POST or None, store=store, prefix="car")
    form = WalkInForm(request.POST or None)
    if request.method == "POST" and vehicle_form.is_valid() and form.is_valid():
        car = vehicle_form.cleaned_data
        with transaction.atomic():
            customer, vehicle = customer_vehicle_get_or_create(
                store=store, plate=car["plate"], vin=car["vin"], make=car["make"], model=car["model"],
                customer_name=car["customer_name"], mobile=car["mobile"], title=car["title"],
                board_display=car["board_display"], consent_to_messages=car["consent_to_messages"])
            order = services.walk_in_open(store=store, actor=request.user, customer=customer,
                                          vehicle=vehicle, customer_words=form.cleaned_data["customer_words"])
        return redirect("reception:order", pk=order.pk)
    return render(request, "reception/walk_in.html", {"vehicle_form": vehicle_form, "form": form})


def _workspace(request: HttpRequest, order: WorkOrder, status: int = 200, **forms) -> HttpResponse:
    walkaround = WalkAround.objects.filter(work_order=order).first()
    store = order.store
    context = {
        "order": order,
        "editable": order.status in EDITABLE_STATUSES,
        "walkaround": walkaround,
        "details_form": forms.get("details_form") or DetailsForm.for_order(order),
        "walkaround_form": forms.get("walkaround_form") or WalkAroundForm(
            instance=walkaround, initial={"mileage": order.mileage_in or order.vehicle.mileage}),
        "line_form": forms.get("line_form") or AddLineForm(store=store),
        "sign_form": forms.get("sign_form") or SignForm(initial={"version": order.version,
                                                                 "customer_signed_name": order.customer.name}),
        "missing": services.sign_refusals(order) if order.status == S.DRAFT else [],
        "sign_errors": forms.get("sign_errors", []),
        "cancel_form": forms.get("cancel_form") or CancelForm(),
    }
    return render(request, "reception/order.html", context, status=status)


def _order_for_edit(request: HttpRequest, pk: int) -> WorkOrder:
    return work_order_detail(user=request.user, pk=pk)


@role_required(*DESK_ROLES)
def order(request: HttpRequest, pk: int) -> HttpResponse:
    return _workspace(request, _order_for_edit(request, pk))


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
            messages.success(request, _("Saved."))
            return redirect("reception:order", pk=pk)
    return _workspace(request, order, status=400, details_form=form)


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
            messages.success(request, _("Walk-around saved."))
            return redirect("reception:order", pk=pk)
    return _workspace(request, order, status=400, walkaround_form=form)


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
            return redirect("reception:order", pk=pk)
    return _workspace(request, order, status=400, line_form=form)


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
    return redirect("reception:order", pk=pk)


@require_POST
@role_required(*ADVISORS, store_required=True)
def order_sign(request: HttpRequest, pk: int) -> HttpResponse:
    order = _order_for_edit(request, pk)
    form = SignForm(request.POST)
    if form.is_valid():
        try:
            services.work_order_sign(
                work_order=order, actor=request.user,
                customer_signed_name=form.cleaned_data["customer_signed_name"],
                explained=form.cleaned_data["explained"], expected_version=form.cleaned_data["version"])
        except GuardRefused as exc:
            return _workspace(request, order, status=400, sign_form=form, sign_errors=exc.messages)
        except ProcessError as exc:
            return _workspace(request, order, status=400, sign_form=form, sign_errors=[str(exc)])
        messages.success(request, _("Work order signed. Print the customer's copy."))
        return redirect("reception:order", pk=pk)
    return _workspace(request, order, status=400, sign_form=form)


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
    return pdf_response(work_order_pdf(order=order, copy=copy), f"{order.number}.pdf")
