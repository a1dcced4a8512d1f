from datetime import date, timedelta
from decimal import Decimal, InvalidOperation

from django.contrib import messages
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from dealership.access import ADVISORS, MANAGERS, get_scoped_or_404, role_required
from dealership.errors import ProcessError
from dealership.forms import CustomerVehicleForm
from dealership.models import LabourOperation, Part, Role, Trade, User
from dealership.selectors import car_lookup_context, open_tasks_for
from dealership.services import OVERRIDE_ROLES, Override, customer_vehicle_get_or_create

from .capacity import CapacityFull, hours_by_trade

from .forms import BookingForm
from .models import Appointment
from .selectors import appointments_on
from .services import BUFFER_ROLES, appointment_book
from .timetable import advisor_day

BOOKERS = (Role.APPOINTMENT_AGENT, *ADVISORS, Role.AFTERSALES_MANAGER)


def _day_param(request: HttpRequest) -> date:
    try:
        return date.fromisoformat(request.GET.get("day", ""))
    except ValueError:
        return timezone.localdate()


@role_required(*BOOKERS, Role.GROUP_MANAGER)
def appointment_list(request: HttpRequest) -> HttpResponse:
    day = _day_param(request)
    return render(request, "appointments/list.html", {
        "day": day, "prev_day": day - timedelta(days=1), "next_day": day + timedelta(days=1),
        "appointments": appointments_on(user=request.user, day=day),
        "can_book": request.user.has_role(*BOOKERS) and request.user.store_id is not None,
        "tasks": open_tasks_for(user=request.user),
    })


@role_required(*BOOKERS, store_required=True)
def appointment_new(request: HttpRequest) -> HttpResponse:
    store = request.user.store
    vehicle_form = CustomerVehicleForm(request.POST or None, store=store, prefix="car")
    form = BookingForm(request.POST or None, store=store,
                       initial={"day": timezone.localdate() + timedelta(days=1)})
    days_with_room = []
    if request.method == "POST" and vehicle_form.is_valid() and form.is_valid():
        car, data = vehicle_form.cleaned_data, form.cleaned_data
        try:
            with transaction.atomic():
                customer, vehicle, notes = customer_vehicle_get_or_create(
                    store=store, plate=car["plate"], vin=car["vin"], make=car["make"],
                    model=car["model"], customer_name=car["customer_name"], mobile=car["mobile"],
                    title=car["title"], board_display=car["board_display"],
                    consent_to_messages=car["consent_to_messages"])
                appointment = appointment_book(
                    store=store, actor=request.user, customer=customer, vehicle=vehicle,
                    advisor=data["advisor"], starts_at=data["starts_at"],
                    customer_words=data["customer_words"], pre_diagnosis=data["pre_diagnosis"],
                    labour_operations=list(data["labour_operations"]), parts=list(data["parts"]),
                    use_buffer=data["use_buffer"], buffer_reason=data["buffer_reason"],
                    capacity_override=Override(request.user, data["capacity_reason"]) if data["beyond_capacity"]
                    else None,
                    extra_items=[(data["extra_description"].strip(), data["extra_price"])]
                    if data["extra_description"].strip() else [])
        except CapacityFull as exc:
            form.add_error(None, str(exc))
            days_with_room = exc.days_with_room
        except ProcessError as exc:
            form.add_error(None, str(exc))
        else:
            for note in notes:
                messages.info(request, note)
            messages.success(request, _("Booked. Tell the customer what is shown below."))
            return redirect("appointments:detail", pk=appointment.pk)
    return render(request, "appointments/new.html", {
        "form": form, "vehicle_form": vehicle_form,
        "may_use_buffer": request.user.has_role(*BUFFER_ROLES),
        "may_override": request.user.has_role(*OVERRIDE_ROLES), "days_with_room": days_with_room,
        **car_lookup_context(store=store, form=vehicle_form),
    })


@role_required(*BOOKERS, store_required=True)
def slot_overview(request: HttpRequest) -> HttpResponse:
    """htmx fragment: the advisor's day, slot by slot."""
    advisor_id = request.GET.get("advisor") or ""
    advisor = User.objects.filter(store=request.user.store, staff_roles__role=Role.SERVICE_ADVISOR,
                                  pk=advisor_id).first() if advisor_id.isdigit() else None
    day = _day_param(request)
    slots = advisor_day(store=request.user.store, advisor=advisor, day=day) if advisor else []
    may_use_buffer = request.user.has_role(*BUFFER_ROLES)
    offered = [s for s in slots if not (s.taken or s.past) and (may_use_buffer or not s.is_buffer)]
    return render(request, "appointments/partials/slots.html", {
        "slots": slots, "advisor": advisor, "day": day, "offered": offered,
        "selected": request.GET.get("slot", ""), "may_use_buffer": may_use_buffer})


@role_required(*BOOKERS, store_required=True)
def estimate(request: HttpRequest) -> HttpResponse:
    """htmx fragment: the estimate in yuan and hours for what is selected (APT-4)."""
    ids = [i for i in request.GET.getlist("labour_operations") if i.isdigit()][:50]
    part_ids = [i for i in request.GET.getlist("parts") if i.isdigit()][:50]
    ops = list(LabourOperation.objects.filter(store=request.user.store, pk__in=ids))
    parts = list(Part.objects.filter(store=request.user.store, pk__in=part_ids))
    try:
        extra = max(Decimal(request.GET.get("extra_price") or 0), Decimal(0))
    except (InvalidOperation, ValueError):
        extra = Decimal(0)
    by_trade = hours_by_trade(ops)
    return render(request, "appointments/partials/estimate.html", {
        "amount": sum((o.price for o in ops), Decimal(0)) + sum((p.price for p in parts), Decimal(0)) + extra,
        "hours": sum(by_trade.values(), Decimal(0)),
        "by_trade": [(Trade(t).label, h) for t, h in by_trade.items()],
    })


@role_required(*BOOKERS, Role.GROUP_MANAGER, *MANAGERS)
def appointment_detail(request: HttpRequest, pk: int) -> HttpResponse:
    appointment = get_scoped_or_404(
        Appointment.objects.select_related("customer", "vehicle", "advisor", "work_order", "created_by"),
        request.user, pk=pk)
    lines = list(appointment.work_order.lines.select_related("labour_operation", "part").order_by("id"))
    hours = sum((line.hours for line in lines), start=0)
    return render(request, "appointments/detail.html", {
        "appointment": appointment, "lines": lines, "hours": hours,
    })
