"""The public booking page on the customer's phone (issue 20): no login; a
one-time code proves the number, signed links open the result. Every answer to
bad input is a message on the page, never a server error."""

from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from dealership.errors import ProcessError
from dealership.models import Store

from .models import Appointment, BookingRequest
from .selfbook_forms import CodeForm, SelfBookForm
from .selfbooking import (
    Kind,
    appointment_from_manage_token,
    appointment_hours,
    code_from_token,
    code_token,
    code_verify,
    manage_token,
    prefill_read,
    request_from_token,
    request_token,
    selfbook_advisors,
    selfbook_ask,
    selfbook_cancel,
    selfbook_days,
    selfbook_finish,
    selfbook_move,
    selfbook_times,
)

DAYS = 14


def _public(response: HttpResponse) -> HttpResponse:
    response["Referrer-Policy"] = "same-origin"  # a token in the address never leaves in a Referer
    response["X-Robots-Tag"] = "noindex"
    return response


def _times(store: Store, form: SelfBookForm, hours: dict | None = None) -> list:
    day = form.chosen_day()
    if day is None:
        return []
    return selfbook_times(store=store, day=day, kind=form.chosen_kind(), advisor=form.chosen_advisor(),
                          advisors=form.advisors, hours=hours)


# after a redirect the phone shows the top of the next page: a "#when" the form was sent from would carry over
# to the new address (browsers keep the fragment when the Location has none) and hide the answer above the screen
TOP = "#main"


@login_not_required
@require_http_methods(["GET", "POST"])
def selfbook(request: HttpRequest, store_code: str) -> HttpResponse:
    store = get_object_or_404(Store, code=store_code[:10])
    days, advisors = selfbook_days(store=store), selfbook_advisors(store=store)
    initial = prefill_read(request.GET["p"], store=store) if request.GET.get("p") else {}
    status = 200
    if request.method == "POST" and "send" in request.POST:
        form = SelfBookForm(request.POST, days=days, advisors=advisors)
        if form.is_valid():
            try:
                row = selfbook_ask(store=store, wish=form.wish(), client=request.META.get("REMOTE_ADDR", ""))
                response = redirect("appointments:selfbook_verify", token=code_token(row))
                response["Location"] += TOP
                return response
            except ProcessError as exc:
                form.add_error(exc.field if exc.field in form.fields else None, exc.message)  # no rule code for customers
        status = 400
    elif request.method == "POST":  # another day, kind or advisor: the page again with what was typed, no errors yet
        form = SelfBookForm(initial={k: v[:500] for k, v in request.POST.items()}, days=days, advisors=advisors)
        if request.POST.get("pick_day"):
            form.initial["day"] = request.POST["pick_day"][:10]
        form.initial["slot"] = ""
    else:
        form = SelfBookForm(initial=initial, days=days, advisors=advisors)
    return _public(render(request, "appointments/selfbook/book.html", {
        "store": store, "form": form, "times": _times(store, form), "day": form.chosen_day(), "days": days[:DAYS],
        "chosen_slot": form._raw("slot"), "needs_words": [Kind.FAULT.value, Kind.BODY.value]}, status=status))


@login_not_required
@require_http_methods(["GET", "POST"])
def selfbook_verify(request: HttpRequest, token: str) -> HttpResponse:
    row = code_from_token(token)
    if row.used_at is not None and (row.appointment_id_done or row.request_id_done):
        return _done_redirect(row.appointment_id_done, row.request_id_done)
    form = CodeForm(request.POST or None)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                code_verify(row=row, code=form.cleaned_data["code"])
            except ProcessError as exc:
                form.add_error("code", exc.message)
            else:
                outcome = selfbook_finish(row=row)
                return _done_redirect(outcome.appointment.pk if outcome.appointment else None,
                                      outcome.request.pk if outcome.request else None, new=True)
    masked = f"{row.mobile[:3]}****{row.mobile[-4:]}"
    return _public(render(request, "appointments/selfbook/verify.html", {
        "store": row.store, "form": form, "masked": masked, "expired": row.expires_at <= timezone.now()},
        status=status))


def _done_redirect(appointment_id: int | None, request_id: int | None, new: bool = False) -> HttpResponse:
    if appointment_id:
        appointment = Appointment.objects.get(pk=appointment_id)
        response = redirect("appointments:selfbook_manage", token=manage_token(appointment))
    else:
        response = redirect("appointments:selfbook_request", token=request_token(
            BookingRequest.objects.get(pk=request_id)))
    if new:
        response["Location"] += "?new=1"
    response["Location"] += TOP
    return response


@login_not_required
@require_http_methods(["GET", "POST"])
def selfbook_manage(request: HttpRequest, token: str) -> HttpResponse:
    """The customer's link: see the booking, pick another time, or cancel it."""
    appointment = appointment_from_manage_token(token)
    store = appointment.store
    days, advisors = selfbook_days(store=store), selfbook_advisors(store=store)
    form = SelfBookForm(initial={"advisor": str(appointment.advisor_id),
                                 "day": timezone.localtime(appointment.starts_at).date().isoformat()},
                        days=days, advisors=advisors)
    error, status = "", 200
    if request.method == "POST":
        form.initial.update({k: request.POST.get(k, "")[:40] for k in ("advisor", "day")})
        if request.POST.get("pick_day"):
            form.initial["day"] = request.POST["pick_day"][:10]
        try:
            if "cancel" in request.POST:
                selfbook_cancel(appointment=appointment)
                response = redirect("appointments:selfbook_manage", token=token)
                response["Location"] += TOP
                return response
            if "move" in request.POST:
                moved = selfbook_move(appointment=appointment, slot=request.POST.get("slot", "")[:40])
                response = redirect("appointments:selfbook_manage", token=manage_token(moved))
                response["Location"] += "?moved=1" + TOP
                return response
        except ProcessError as exc:
            error, status = exc.message, 400
        appointment.refresh_from_db()
    is_open = appointment.status == Appointment.Status.BOOKED and appointment.starts_at > timezone.now()
    return _public(render(request, "appointments/selfbook/manage.html", {
        "store": store, "appointment": appointment, "open": is_open, "form": form, "error": error,
        "times": _times(store, form, appointment_hours(appointment)) if is_open else [], "day": form.chosen_day(),
        "days": days[:DAYS], "new": request.GET.get("new") == "1",
        "moved": request.GET.get("moved") == "1", "lines": list(appointment.work_order.lines.order_by("id")[:10])}, status=status))


@login_not_required
@require_http_methods(["GET"])
def selfbook_request(request: HttpRequest, token: str) -> HttpResponse:
    """A request made online: when the desk will call, and the booking once made."""
    booking_request = request_from_token(token)
    appointment = booking_request.appointment
    return _public(render(request, "appointments/selfbook/request.html", {
        "store": booking_request.store, "booking_request": booking_request,
        "manage": manage_token(appointment) if appointment else "", "new": request.GET.get("new") == "1"}))
