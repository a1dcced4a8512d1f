from datetime import date, timedelta
from decimal import Decimal, InvalidOperation

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.db import transaction
from django.db.models import F
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from dealership.access import ADVISORS, MANAGERS, get_scoped_or_404, role_required, scoped
from dealership.errors import ProcessError
from dealership.forms import CustomerVehicleForm, lookup_initial
from dealership.hours import store_closed_reason
from dealership.models import LabourOperation, Part, Role, Trade, User, WorkOrder
from dealership.printing import pdf_response
from dealership.replicas import reads_replica
from dealership.selectors import car_lookup_context, open_tasks_for
from dealership.services import OVERRIDE_ROLES, Override, customer_vehicle_get_or_create
from dealership.views import run_form

from .arrivals import (
    advisors_in_buffer,
    free_advisors,
    ticket_arrive,
    ticket_call,
    ticket_left,
    ticket_walk_in,
    waiting_list,
)
from .capacity import CapacityFull, capacity_overview, hours_by_trade, workshop_day_set
from .figures import appointment_figures
from .forms import (
    AnswerForm,
    BookingForm,
    BookingRequestForm,
    CancelAppointmentForm,
    CapacityForm,
    ExpectedForm,
    OfferDeclineForm,
    PreparationForm,
    RescheduleForm,
    TicketForm,
)
from .links import answer_url, appointment_from_token
from .models import Appointment, BookingRequest, PartReservation, QueueTicket, RebookingOffer, WorkshopDay
from .offers import offer_times_live, offer_times_sent
from .preparation import parts_reserve, preparation_update, reservation_expect, reservation_retry
from .printing import welcome_boards_pdf
from .selectors import (
    AppointmentDayFilter,
    appointment_for_page,
    appointments_on,
    expected_with_readiness,
    open_requests,
    upcoming_with_parts,
    with_readiness,
)
from .services import (
    BUFFER_ROLES,
    appointment_answer,
    appointment_book,
    appointment_cancel,
    appointment_no_show,
    appointment_reschedule,
    booking_request_handled,
    offer_decline,
    offer_take,
)
from .timetable import advisor_day

BOOKERS = (Role.APPOINTMENT_AGENT, *ADVISORS, Role.AFTERSALES_MANAGER)


def _day_param(request: HttpRequest) -> date:
    return AppointmentDayFilter(request.GET, user=request.user).shown_day


@role_required(*BOOKERS, Role.GROUP_MANAGER)
def appointment_list(request: HttpRequest) -> HttpResponse:
    on_day = AppointmentDayFilter(request.GET, user=request.user)
    day = on_day.shown_day
    return render(request, "appointments/list.html", {
        "day": day, "prev_day": day - timedelta(days=1), "next_day": day + timedelta(days=1),
        "appointments": with_readiness(on_day.qs),
        "requests": open_requests(user=request.user), "request_form": BookingRequestForm(), "now": timezone.now(),
        "overbooked": scoped(WorkshopDay.objects.filter(day=day, booked_hours__gt=F("capacity_hours")), request.user),
        "can_book": request.user.has_role(*BOOKERS) and request.user.store_id is not None,
        "tasks": open_tasks_for(user=request.user),
    })


def _booking_fields_shown(request: HttpRequest, form: BookingForm) -> set[str]:
    hidden = set()
    if not request.user.has_role(*BUFFER_ROLES):
        hidden |= {"use_buffer", "buffer_reason"}
    if not request.user.has_role(*OVERRIDE_ROLES):
        hidden |= {"beyond_capacity", "capacity_reason"}
    return set(form.fields) - hidden


def request_wanted(booking_request: BookingRequest) -> dict:
    """The day, time and advisor a customer chose online, for the booking form (issue 20): the agent confirms them
    rather than typing them again; a time gone by meanwhile is left for the agent to choose."""
    wanted = booking_request.wanted_at
    if wanted is None or wanted <= timezone.now():
        return {}
    local = timezone.localtime(wanted)
    return {"day": local.date(), "slot": local.strftime("%H:%M"),
            **({"advisor": booking_request.wanted_advisor_id} if booking_request.wanted_advisor_id else {})}


@role_required(*BOOKERS, store_required=True)
def appointment_new(request: HttpRequest) -> HttpResponse:
    store = request.user.store
    booking_request = None
    if (request.GET.get("request") or request.POST.get("request") or "").isdigit():
        booking_request = get_scoped_or_404(BookingRequest.objects.filter(handled_at__isnull=True), request.user,
                                            pk=request.GET.get("request") or request.POST.get("request"))
    car_initial = {}
    if booking_request:
        car_initial, _known = lookup_initial(store=store, plate=booking_request.plate, mobile=booking_request.mobile,
                                             typed={"plate": booking_request.plate, "mobile": booking_request.mobile,
                                                    "customer_name": booking_request.name,
                                                    **({"vin": booking_request.vin} if booking_request.vin else {}),
                                                    # the number was proved by a code and messages asked for
                                                    **({"consent_to_messages": True, "preferred_channel": "sms"}
                                                       if booking_request.consent else {})})
    vehicle_form = CustomerVehicleForm(request.POST or None, store=store, prefix="car", initial=car_initial)
    form = BookingForm(request.POST or None, store=store, initial={
        "day": timezone.localdate() + timedelta(days=1),
        "customer_words": booking_request.wish if booking_request else "",
        **(request_wanted(booking_request) if booking_request else {})})
    days_with_room = []
    if request.method == "POST" and vehicle_form.is_valid() and form.is_valid():
        car, data = vehicle_form.cleaned_data, form.cleaned_data
        try:
            with transaction.atomic():
                customer, vehicle, notes = customer_vehicle_get_or_create(
                    store=store, plate=car["plate"], vin=car["vin"], make=car["make"],
                    model=car["model"], customer_name=car["customer_name"], mobile=car["mobile"],
                    title=car["title"], board_display=car["board_display"],
                    consent_to_messages=car["consent_to_messages"],
                    preferred_channel=car["preferred_channel"])
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
        except ProcessError as exc:  # next to the field it is about, when the page shows that field
            form.add_error(exc.field if exc.field in _booking_fields_shown(request, form) else None, str(exc))
        else:
            for note in notes:
                messages.info(request, note)
            if booking_request:
                booking_request_handled(request_=booking_request, actor=request.user, appointment=appointment)
            messages.success(request, _("Booked. Tell the customer what is shown below."))
            return redirect("appointments:detail", pk=appointment.pk)
    return render(request, "appointments/new.html", {
        "form": form, "vehicle_form": vehicle_form,
        "may_use_buffer": request.user.has_role(*BUFFER_ROLES),
        "may_override": request.user.has_role(*OVERRIDE_ROLES), "days_with_room": days_with_room,
        "booking_request": booking_request,
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
        "closed": store_closed_reason(request.user.store, day) if advisor else None,
        "selected": request.GET.get("slot", ""), "may_use_buffer": may_use_buffer,
        "slot_refused": request.GET.get("slot_refused") == "1",
        "selected_offered": request.GET.get("slot", "") in {s.hhmm for s in offered},
        "room": [(Trade(r.trade).label, r) for r in capacity_overview(store=request.user.store, start=day, days=1)[0][1]]
        if advisor else []})


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


def _detail(request: HttpRequest, pk: int, status: int = 200, **forms) -> HttpResponse:
    appointment = appointment_for_page(user=request.user, pk=pk)
    lines = list(appointment.work_order.lines.all())
    history = list(appointment.vehicle.work_orders.exclude(pk=appointment.work_order_id)
                   .exclude(status=WorkOrder.Status.CANCELLED).order_by("-created_at")[:5])
    local = timezone.localtime(appointment.starts_at)
    offer = _offer_of(appointment)
    may_book = request.user.has_role(*BOOKERS) and request.user.store_id == appointment.store_id
    return render(request, "appointments/detail.html", {
        "offer": offer, "offer_times": offer_times_live(offer=offer) if offer and may_book else [],
        "offer_sent": offer_times_sent(offer=offer) if offer else [],
        "from_offers": appointment.booked_from_offers.select_related("appointment"),
        "may_book": may_book,
        "appointment": appointment, "lines": lines,
        "hours": sum((line.hours for line in lines if line.approval == "approved"), Decimal(0)),
        "history": history,
        "confirmations": appointment.confirmations.order_by("round", "kind"),
        "changes": appointment.changes.select_related("actor"),
        "prep_form": forms.get("prep_form") or PreparationForm.for_appointment(appointment),
        "reschedule_form": forms.get("reschedule_form") or RescheduleForm(initial={"day": local.date(), "slot": local.time()}),
        "cancel_form": forms.get("cancel_form") or CancelAppointmentForm(),
        "answer_url": answer_url(appointment),
        "can_change": request.user.has_role(*BOOKERS) and request.user.store_id == appointment.store_id
        and appointment.status == Appointment.Status.BOOKED,
        "can_prepare": request.user.has_role(*ADVISORS, Role.AFTERSALES_MANAGER)
        and request.user.store_id == appointment.store_id and appointment.status in Appointment.ACTIVE,
        "is_active": appointment.status in Appointment.ACTIVE,
    }, status=status)


@role_required(*BOOKERS, Role.GROUP_MANAGER, *MANAGERS)
def appointment_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _detail(request, pk)


def _appointment(request: HttpRequest, pk: int) -> Appointment:
    return get_scoped_or_404(Appointment.objects.select_related("store", "customer", "vehicle", "advisor",
                                                                "work_order"), request.user, pk=pk)


@require_POST
@role_required(*ADVISORS, Role.AFTERSALES_MANAGER, store_required=True)
def prepare(request: HttpRequest, pk: int) -> HttpResponse:
    appointment = _appointment(request, pk)
    form = PreparationForm(request.POST, store=appointment.store)
    if run_form(form, lambda data: preparation_update(appointment=appointment, actor=request.user, **data)):
        messages.success(request, _("Preparation saved."))
        return redirect("appointments:detail", pk=pk)
    return _detail(request, pk, status=400, prep_form=form)


@require_POST
@role_required(*BOOKERS, store_required=True)
def reschedule(request: HttpRequest, pk: int) -> HttpResponse:
    appointment = _appointment(request, pk)
    form = RescheduleForm(request.POST)
    if form.is_valid():
        try:
            appointment_reschedule(appointment=appointment, actor=request.user, starts_at=form.cleaned_data["starts_at"],
                                   reason=form.cleaned_data["reason"], by_shop=form.cleaned_data["by_shop"])
        except CapacityFull as exc:
            days = ", ".join(d.strftime("%m-%d") for d in exc.days_with_room)
            form.add_error(None, f"{exc} {_('Days with room:')} {days}")
        except ProcessError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("Appointment moved; the customer is told."))
            return redirect("appointments:detail", pk=pk)
    return _detail(request, pk, status=400, reschedule_form=form)


@require_POST
@role_required(*BOOKERS, store_required=True)
def cancel(request: HttpRequest, pk: int) -> HttpResponse:
    appointment = _appointment(request, pk)
    form = CancelAppointmentForm(request.POST)
    if run_form(form, lambda data: appointment_cancel(appointment=appointment, actor=request.user,
                                                      reason=data["reason"], by_shop=data["by_shop"])):
        if form.cleaned_data["by_shop"]:
            messages.success(request, _("Appointment cancelled; the customer is offered new times."))
            return redirect("appointments:detail", pk=pk)
        messages.success(request, _("Appointment cancelled."))
        return redirect("appointments:list")
    return _detail(request, pk, status=400, cancel_form=form)


def _offer_of(appointment: Appointment) -> RebookingOffer | None:
    offer = RebookingOffer.objects.filter(appointment=appointment).select_related(
        "new_appointment__advisor").first()
    if offer:
        offer.appointment = appointment
    return offer


@require_POST
@role_required(*BOOKERS, store_required=True)
def offer_book(request: HttpRequest, pk: int) -> HttpResponse:
    """APT-10: the agent on the phone books one of the new times for the customer."""
    offer = get_scoped_or_404(RebookingOffer.objects.all(), request.user, appointment_id=pk)
    try:
        new = offer_take(offer=offer, choice=request.POST.get("time", "")[:40], actor=request.user)
    except ProcessError as exc:
        messages.error(request, str(exc))
        return redirect("appointments:detail", pk=pk)
    messages.success(request, _("Booked for %(when)s.") % {
        "when": timezone.localtime(new.starts_at).strftime("%m-%d %H:%M")})
    return redirect("appointments:detail", pk=new.pk)


@require_POST
@role_required(*BOOKERS, store_required=True)
def offer_refused(request: HttpRequest, pk: int) -> HttpResponse:
    """APT-10: the customer told the agent none of the new times suits."""
    offer = get_scoped_or_404(RebookingOffer.objects.all(), request.user, appointment_id=pk)
    form = OfferDeclineForm(request.POST)
    try:
        if not form.is_valid():
            raise ProcessError(_("Write at most 200 characters."))
        offer_decline(offer=offer, note=form.cleaned_data["note"], actor=request.user)
    except ProcessError as exc:
        messages.error(request, str(exc))
    else:
        messages.info(request, _("Recorded; the request is in the booking queue."))
    return redirect("appointments:detail", pk=pk)


@require_POST
@role_required(*BOOKERS, store_required=True)
def no_show(request: HttpRequest, pk: int) -> HttpResponse:
    appointment = _appointment(request, pk)
    try:
        appointment_no_show(appointment=appointment, actor=request.user)
    except ProcessError as exc:
        messages.error(request, str(exc))
    else:
        messages.info(request, _("Marked as a no-show."))
    return redirect("appointments:list")


# --- arrivals (APT-12, SCH-2) -------------------------------------------------------

DESK = (Role.APPOINTMENT_AGENT, *ADVISORS, *MANAGERS)


def _board_context(request: HttpRequest) -> dict:
    store = request.user.store
    now = timezone.now()
    expected, more = expected_with_readiness(user=request.user, day=timezone.localdate())
    return {"waiting": waiting_list(store=store, now=now) if store else [], "expected": expected, "now": now,
            "expected_more": more,
            "free_advisors": free_advisors(store=store, now=now) if store else [],
            "buffers": advisors_in_buffer(store=store, now=now) if store else [],
            "ticket_form": TicketForm(), "patience": store.queue_patience_minutes if store else 8,
            "can_call": request.user.has_role(*ADVISORS) and request.user.store_id is not None}


@role_required(*DESK)
def arrivals(request: HttpRequest) -> HttpResponse:
    template = "appointments/partials/arrivals_board.html" if request.htmx else "appointments/arrivals.html"
    return render(request, template, _board_context(request))


@require_POST
@role_required(*DESK, store_required=True)
def arrive(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        ticket_arrive(appointment=_appointment(request, pk), actor=request.user)
    except ProcessError as exc:
        messages.error(request, str(exc))
    return redirect("appointments:arrivals")


@require_POST
@role_required(*DESK, store_required=True)
def walk_in_ticket(request: HttpRequest) -> HttpResponse:
    form = TicketForm(request.POST)
    if form.is_valid():
        ticket_walk_in(store=request.user.store, actor=request.user, **form.cleaned_data)
        return redirect("appointments:arrivals")
    return render(request, "appointments/arrivals.html", {**_board_context(request), "ticket_form": form}, status=400)


@require_POST
@role_required(*ADVISORS, store_required=True)
def call(request: HttpRequest, pk: int) -> HttpResponse:
    ticket = get_scoped_or_404(QueueTicket.objects.select_related("appointment"), request.user, pk=pk)
    try:
        if ticket.appointment_id:  # appointment customers are received through reception:receive
            raise ProcessError(_("Receive this customer from the expected list."))
        ticket_call(ticket=ticket, advisor=request.user)
    except ProcessError as exc:
        messages.error(request, str(exc))
        return redirect("appointments:arrivals")
    return redirect(f"{reverse('reception:walk_in')}?ticket={ticket.pk}")


@require_POST
@role_required(*DESK, store_required=True)
def left(request: HttpRequest, pk: int) -> HttpResponse:
    ticket_left(ticket=get_scoped_or_404(QueueTicket.objects.all(), request.user, pk=pk), actor=request.user)
    return redirect("appointments:arrivals")


# --- parts on the appointment shelf (APT-8) -------------------------------------------

@role_required(Role.PARTS_CLERK, Role.PARTS_MANAGER, *ADVISORS, *MANAGERS)
def parts_queue(request: HttpRequest) -> HttpResponse:
    return render(request, "appointments/parts_queue.html", {
        "appointments": upcoming_with_parts(user=request.user), "expected_form": ExpectedForm(),
        "tasks": open_tasks_for(user=request.user), "is_clerk": request.user.has_role(Role.PARTS_CLERK)})


@require_POST
@role_required(Role.PARTS_CLERK, store_required=True)
def reserve(request: HttpRequest, pk: int) -> HttpResponse:
    appointment = get_scoped_or_404(Appointment.objects.select_related("work_order").prefetch_related(
        "work_order__lines"), request.user, pk=pk)
    shelf = request.POST.get("shelf", "").strip()[:20]
    if not shelf:
        messages.error(request, _("Write the shelf place, so the part is found when the customer comes."))
        return redirect("appointments:parts")
    try:
        made = parts_reserve(appointment=appointment, actor=request.user, shelf=shelf)
    except ProcessError as exc:
        messages.error(request, str(exc))
    else:
        short = [r for r in made if r.status == PartReservation.Status.SHORT]
        if short:
            messages.warning(request, _("Some parts are out of stock: enter when they are expected."))
        else:
            messages.success(request, _("Parts reserved on the appointment shelf."))
    return redirect("appointments:parts")


@require_POST
@role_required(Role.PARTS_CLERK, store_required=True)
def reservation_retry_view(request: HttpRequest, pk: int) -> HttpResponse:
    reservation = get_scoped_or_404(PartReservation.objects.all(), request.user, pk=pk)
    if reservation_retry(reservation=reservation, actor=request.user):
        messages.success(request, _("Reserved."))
    else:
        messages.warning(request, _("Still not in stock."))
    return redirect("appointments:parts")


@require_POST
@role_required(Role.PARTS_CLERK, store_required=True)
def reservation_expected(request: HttpRequest, pk: int) -> HttpResponse:
    reservation = get_scoped_or_404(PartReservation.objects.all(), request.user, pk=pk)
    form = ExpectedForm(request.POST)
    if form.is_valid():
        try:
            reservation_expect(reservation=reservation, expected_on=form.cleaned_data["expected_on"],
                               actor=request.user)
        except ProcessError as exc:
            messages.error(request, str(exc))
    else:
        messages.error(request, _("Enter a valid date."))
    return redirect("appointments:parts")


# --- welcome boards (SCH-6) -------------------------------------------------------------

@role_required(*DESK, store_required=True)
def welcome_boards(request: HttpRequest) -> HttpResponse:
    day = _day_param(request) if request.GET.get("day") else timezone.localdate() + timedelta(days=1)
    todays = [a for a in appointments_on(user=request.user, day=day) if a.status in Appointment.ACTIVE]
    pdf = welcome_boards_pdf(store=request.user.store, day=day, appointments=todays)
    return pdf_response(pdf, f"welcome-{day:%Y%m%d}.pdf")


# --- the customer's answer (APT-11), no login -------------------------------------------

@login_not_required
def answer(request: HttpRequest, token: str) -> HttpResponse:
    appointment = appointment_from_token(token)
    form = AnswerForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if run_form(form, lambda data: appointment_answer(appointment=appointment, answer=data["answer"],
                                                          note=data["note"])):
            return redirect("appointments:answer", token=token)
        status = 400
    return _answer_page(request, appointment, form=form, status=status)


def _answer_page(request: HttpRequest, appointment: Appointment, *, form: AnswerForm | None = None, status: int = 200,
                 offer_error: str = "", decline_form: OfferDeclineForm | None = None) -> HttpResponse:
    offer = _offer_of(appointment)
    response = render(request, "appointments/answer.html", {
        "appointment": appointment, "form": form or AnswerForm(),
        "open": appointment.status == Appointment.Status.BOOKED and not appointment.customer_answer
        and appointment.starts_at > timezone.now(),
        "offer": offer, "times": offer_times_live(offer=offer) if offer else [], "offer_error": offer_error,
        "decline_form": decline_form or OfferDeclineForm(),
        "new_url": answer_url(offer.new_appointment) if offer and offer.new_appointment else ""}, status=status)
    response["Referrer-Policy"] = "same-origin"  # the token never leaves in a Referer; no-referrer would make POSTs "Origin: null"
    response["X-Robots-Tag"] = "noindex"
    return response


@login_not_required
@require_POST
def answer_new_time(request: HttpRequest, token: str) -> HttpResponse:
    """APT-10: the customer picks one of the new times offered after the shop cancelled."""
    appointment = appointment_from_token(token)
    offer = get_object_or_404(RebookingOffer, appointment=appointment)
    try:
        offer_take(offer=offer, choice=request.POST.get("time", "")[:40], actor=None)
    except ProcessError as exc:
        return _answer_page(request, appointment, status=400, offer_error=str(exc))
    return redirect("appointments:answer", token=token)


@login_not_required
@require_POST
def answer_no_new_time(request: HttpRequest, token: str) -> HttpResponse:
    """APT-10: none of the new times suits the customer."""
    appointment = appointment_from_token(token)
    offer = get_object_or_404(RebookingOffer, appointment=appointment)
    form = OfferDeclineForm(request.POST)
    if run_form(form, lambda data: offer_decline(offer=offer, note=data["note"], actor=None)):
        return redirect("appointments:answer", token=token)
    return _answer_page(request, appointment, status=400, decline_form=form)


# --- booking requests (APT-1) --------------------------------------------------------------

@require_POST
@role_required(*BOOKERS, store_required=True)
def request_new(request: HttpRequest) -> HttpResponse:
    form = BookingRequestForm(request.POST)
    if form.is_valid():
        BookingRequest.objects.create(store=request.user.store, source=BookingRequest.Source.PHONE,
                                      **form.cleaned_data)
        messages.success(request, _("Request recorded; it stays in the queue until someone books it."))
    else:
        messages.error(request, "; ".join(str(e) for errs in form.errors.values() for e in errs))
    return redirect("appointments:list")


@require_POST
@role_required(*BOOKERS, store_required=True)
def request_close(request: HttpRequest, pk: int) -> HttpResponse:
    booking_request = get_scoped_or_404(BookingRequest.objects.filter(handled_at__isnull=True), request.user, pk=pk)
    outcome = request.POST.get("outcome", "").strip()[:200]
    if not outcome:
        messages.error(request, _("Say what came of the request."))
    else:
        booking_request_handled(request_=booking_request, actor=request.user, outcome=outcome)
        messages.success(request, _("Request closed: %(outcome)s") % {"outcome": outcome})
    return redirect("appointments:list")


# --- the manager's figures and the workshop's capacity ------------------------------------

@role_required(*MANAGERS)
@reads_replica
def figures(request: HttpRequest) -> HttpResponse:
    return render(request, "appointments/figures.html", appointment_figures(user=request.user))


@role_required(Role.AFTERSALES_MANAGER, Role.FOREMAN, *ADVISORS, store_required=True)
def capacity(request: HttpRequest) -> HttpResponse:
    store = request.user.store
    return render(request, "appointments/capacity.html", {
        "days": capacity_overview(store=store, start=timezone.localdate()),
        "trades": Trade.choices, "can_edit": request.user.has_role(Role.AFTERSALES_MANAGER, Role.FOREMAN)})


@require_POST
@role_required(Role.AFTERSALES_MANAGER, Role.FOREMAN, store_required=True)
def capacity_set(request: HttpRequest, pk: int) -> HttpResponse:
    row = get_scoped_or_404(WorkshopDay.objects.all(), request.user, pk=pk)
    form = CapacityForm(request.POST)
    if form.is_valid():
        workshop_day_set(store=request.user.store, day=row.day, trade=row.trade, actor=request.user,
                         capacity=form.cleaned_data["capacity_hours"], note=form.cleaned_data["note"])
        messages.success(request, _("Capacity changed."))
    else:
        messages.error(request, _("Enter the hours as a number of 0 or more."))
    return redirect("appointments:capacity")
