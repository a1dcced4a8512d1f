from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.db import transaction
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from appointments.models import Appointment, QueueTicket
from appointments.selectors import appointment_for_page, appointments_on, first_shown
from dealership.access import ADVISORS, MANAGERS, STAFF_EXCEPT_GATE, get_scoped_or_404, role_required, scoped
from dealership.errors import GuardRefused, MileageJump, ProcessError
from dealership.forms import CustomerVehicleForm, lookup_initial
from dealership.links import pk_url
from dealership.models import Role, User, WorkOrder, WorkOrderLine
from dealership.printing import pdf_response
from dealership.replicas import reads_replica
from dealership.selectors import car_lookup_context, open_tasks_for, work_order_detail, work_orders_in_status
from dealership.services import customer_vehicle_get_or_create
from dealership.templatetags.dealership_tags import late_class
from dealership.views import run_form
from dealership.workflow import EDITABLE_STATUSES

from . import services
from .experts import expert_answer, expert_request_create
from .figures import reception_figures
from .forms import (
    AddLineForm,
    CancelForm,
    DamageForm,
    DetailsForm,
    ExpertAnswerForm,
    ExpertRequestForm,
    PhotoForm,
    SignForm,
    WalkAroundForm,
    WalkInForm,
)
from .links import order_from_copy_token, send_copy
from .models import DamageMark, ExpertRequest, Reception, WalkAround, WalkAroundPhoto
from .printing import COPIES, work_order_pdf, work_order_print
from .scheduling import suggest_promised_at
from .walkaround import checklist_items, completeness, damage_mark_add, damage_mark_remove, photo_add, walkaround_for

S = WorkOrder.Status
DESK_ROLES = (*ADVISORS, *MANAGERS)
# what the desk shows: a narrower SELECT is compiled, planned and read in a fraction of the time (issue 9)
PERSON = User.NAME_FIELDS
DESK_ORDER_FIELDS = ("store_id", "number", "status", "origin", "promised_at", "customer_waits", "customer__name",
                     "vehicle__plate", *(f"advisor__{f}" for f in PERSON), "appointment__status",
                     "appointment__work_order_id", "handover__cleaned_at", "handover__spot__name")
DESK_ARRIVAL_FIELDS = ("store_id", "starts_at", "status", "work_order__status", "vehicle__plate", "customer__name",
                       *(f"advisor__{f}" for f in PERSON))


@role_required(*DESK_ROLES)
def desk(request: HttpRequest) -> HttpResponse:
    """The advisor's desk: today's arrivals and every open order by stage."""
    user = request.user
    orders = work_orders_in_status(user=user, statuses=[
        S.DRAFT, S.SIGNED, S.IN_REPAIR, S.REPAIR_DONE, S.QC_FAILED, S.QC_PASSED, S.READY, S.SETTLED]
    ).select_related("appointment", "handover__spot").only(*DESK_ORDER_FIELDS)
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
    now = timezone.now()
    arrivals, more = first_shown(appointments_on(user=user, day=timezone.localdate(), prepared=False)
                                 .only(*DESK_ARRIVAL_FIELDS))
    return render(request, "reception/desk.html", {
        "arrivals": arrivals, "arrivals_more": more,
        "is_advisor": user.has_role(*ADVISORS) and user.store_id is not None,
        "columns": _desk_rows(columns, now),
        "now": now,
        "tasks": open_tasks_for(user=user),
    })


def _desk_rows(columns: list[tuple[str, list[WorkOrder]]], now) -> list[tuple[str, list[WorkOrder]]]:
    """What the desk's rows print that the template language would work out
    row by row: links reversed once per page, the promised time in the shop's
    zone (numbers only, the same in every language; the hour alone for today),
    the parking spot. The desk is the advisor's home page, reloaded all day (issue 17)."""
    today = timezone.localdate(now)
    draft_url, order_url = pk_url("reception:order"), pk_url("dealership:order")
    handover_url, statement_url = pk_url("inspection:handover"), pk_url("settlement:order")
    for _title, orders in columns:
        for order in orders:
            order.url = (draft_url if order.status == S.DRAFT else order_url)(order.pk)
            order.late = late_class(order, now)
            if order.promised_at:
                promised = timezone.localtime(order.promised_at)
                order.promised_text = promised.strftime("%H:%M" if promised.date() == today else "%m-%d %H:%M")
            handover = getattr(order, "handover", None)
            order.spot = handover.spot if handover else None
            order.to_wash = not (handover and handover.cleaned_at)
            if order.status == S.QC_PASSED:
                order.next_url = handover_url(order.pk)
            elif order.status in (S.READY, S.SETTLED):
                order.next_url = statement_url(order.pk)
    return columns


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
    "checklist": "reception/partials/checklist.html",
    "details": "reception/partials/details.html",
    "walkaround": "reception/partials/walkaround.html",
    "damage": "reception/partials/damage.html",
    "experts": "reception/partials/experts.html",
    "lines": "reception/partials/lines.html",
    "sign": "reception/partials/sign.html",
}


def _context(order: WorkOrder, **forms) -> dict:
    walkaround = walkaround_for(order)
    items = checklist_items(store=order.store)
    reception = Reception.objects.filter(work_order=order).first()
    ticket = QueueTicket.objects.filter(work_order=order).order_by("-id").first()
    editable = order.status in EDITABLE_STATUSES
    appointment = Appointment.objects.filter(work_order=order).first()
    preparation_missing = None
    if appointment is not None:
        preparation_missing = [i for i in appointment_for_page(user=order.advisor, pk=appointment.pk).missing_items] \
            if editable else []
    return {
        "preparation_missing": preparation_missing,
        "order": order,
        "editable": editable,
        "walkaround": walkaround,
        "reception": reception,
        "ticket": ticket,
        "completeness": completeness(walkaround, items),
        "suggested_promise": suggest_promised_at(order=order) if editable else None,
        "signatures": {s.signer: s for s in order.signatures.all()},
        "expert_requests": order.expert_requests.select_related("asked_by", "answered_by"),
        "expert_form": forms.get("expert_form") or ExpertRequestForm(),
        "damage_form": forms.get("damage_form") or DamageForm(),
        "photo_form": forms.get("photo_form") or PhotoForm(),
        "damage_errors": forms.get("damage_errors", []),
        "details_form": forms.get("details_form") or DetailsForm.for_order(order),
        "walkaround_form": forms.get("walkaround_form") or WalkAroundForm(instance=walkaround, items=items),
        "line_form": forms.get("line_form") or AddLineForm(store=order.store),
        "sign_form": forms.get("sign_form") or SignForm(initial={"version": order.version,
                                                                 "customer_signed_name": order.customer.name}),
        "cancel_form": forms.get("cancel_form") or CancelForm(),
        "missing": services.sign_refusals(order) if order.status == S.DRAFT else [],
        "sign_errors": forms.get("sign_errors", []),
        "saved": forms.get("saved"),
        "line_warning": forms.get("line_warning", ""),
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
            html += render_to_string("reception/partials/versions_oob.html", {**context, "section": section},
                                     request=request)
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
    if run_form(form, lambda data: services.work_order_update_details(
            work_order=order, actor=request.user, customer_words=data["customer_words"],
            diagnosis=data["diagnosis"], promised_at=data["promised_at"],
            customer_waits=data["customer_waits"], expected_version=data["version"],
            beyond_complaint=data["beyond_complaint"])):
        return _respond(request, pk, "details", ok=True, saved="details")
    return _respond(request, pk, "details", ok=False, details_form=form)


@require_POST
@role_required(*ADVISORS, store_required=True)
def order_walkaround(request: HttpRequest, pk: int) -> HttpResponse:
    order = _order_for_edit(request, pk)
    form = WalkAroundForm(request.POST, instance=WalkAround.objects.filter(work_order=order).first(),
                          items=checklist_items(store=order.store))
    if form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k not in ("mileage", "mileage_reason", "mileage_confirm")}
        try:
            services.walkaround_record(work_order=order, actor=request.user,
                                       mileage=form.cleaned_data["mileage"],
                                       mileage_reason=form.cleaned_data["mileage_reason"],
                                       mileage_confirm=form.cleaned_data["mileage_confirm"], **data)
        except ProcessError as exc:
            field = "mileage_confirm" if isinstance(exc, MileageJump) else "mileage_reason"
            form.add_error(field if exc.rule == "REC-7" else None, str(exc))
        else:
            return _respond(request, pk, "walkaround", ok=True, saved="walkaround")
    return _respond(request, pk, "walkaround", ok=False, walkaround_form=form)


@require_POST
@role_required(*ADVISORS, store_required=True)
def order_add_line(request: HttpRequest, pk: int) -> HttpResponse:
    order = _order_for_edit(request, pk)
    form = AddLineForm(request.POST, store=order.store)
    if run_form(form, lambda data: services.reception_line_add(
            work_order=order, actor=request.user, labour_operation=data["labour_operation"], part=data["part"],
            quantity=data["quantity"], description=data["description"], unit_price=data["unit_price"],
            warranty=data["warranty"], kind=data["kind"] or "")):
        data = form.cleaned_data
        part = data["part"]
        warning = ""
        if part is not None and data["quantity"] > part.available:
            warning = _("Only %(free)s of %(part)s are free in stock: the parts department will have to order the rest.") % {
                "free": format(part.available.normalize(), "f"), "part": part.name}
        return _respond(request, pk, "lines", ok=True, line_warning=warning)
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
                explained=form.cleaned_data["explained"], expected_version=form.cleaned_data["version"],
                customer_signature=form.cleaned_data["customer_signature"],
                advisor_signature=form.cleaned_data["advisor_signature"],
                device=request.headers.get("User-Agent", "")[:200])
        except GuardRefused as exc:  # each said once: by its field, or in the list of what is missing
            for refusal in exc.refusals:
                if refusal.field in form.fields:
                    form.add_error(refusal.field, str(refusal))
            errors = [str(r) for r in exc.refusals if r.field not in form.fields and r.field != services.MISSING]
            if any(r.field == services.MISSING for r in exc.refusals):
                errors.append(_("Not signed yet: see above what is still missing."))
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
    if run_form(form, lambda data: services.work_order_cancel(work_order=order, actor=request.user,
                                                              reason=data["reason"])):
        messages.success(request, _("Work order cancelled."))
        return redirect("reception:desk")
    return _workspace(request, order, status=400, cancel_form=form)


@role_required(*STAFF_EXCEPT_GATE)
def order_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    copy = request.GET.get("copy", "customer")
    if copy not in COPIES:
        copy = "customer"
    number, pdf = work_order_print(user=request.user, pk=pk, copy=copy)
    return pdf_response(pdf, f"{number}-{copy}.pdf")


@require_POST
@role_required(*ADVISORS, store_required=True)
def order_greet(request: HttpRequest, pk: int) -> HttpResponse:
    services.reception_greet(work_order=_order_for_edit(request, pk), actor=request.user)
    return _respond(request, pk, "checklist", ok=True)


@require_POST
@role_required(*ADVISORS, store_required=True)
def order_damage(request: HttpRequest, pk: int) -> HttpResponse:
    order = _order_for_edit(request, pk)
    walkaround = walkaround_for(order)
    form = DamageForm(request.POST)
    errors = []
    if walkaround is None:
        errors = [_("Save the walk-around first, then mark the damage.")]
    elif form.is_valid():
        try:
            damage_mark_add(walkaround=walkaround, actor=request.user, **form.cleaned_data)
        except ProcessError as exc:
            errors = [str(exc)]
        else:
            return _respond(request, pk, "damage", ok=True)
    else:
        errors = [_("Tap the drawing where the damage is, and choose what it is.")]
    return _respond(request, pk, "damage", ok=False, damage_form=form, damage_errors=errors)


@require_POST
@role_required(*ADVISORS, store_required=True)
def order_damage_remove(request: HttpRequest, pk: int, mark_pk: int) -> HttpResponse:
    order = _order_for_edit(request, pk)
    mark = get_scoped_or_404(DamageMark.objects.select_related("walkaround__work_order"), request.user,
                             pk=mark_pk, walkaround__work_order=order)
    try:
        damage_mark_remove(mark=mark, actor=request.user)
    except ProcessError as exc:
        return _respond(request, pk, "damage", ok=False, damage_errors=[str(exc)])
    return _respond(request, pk, "damage", ok=True)


@require_POST
@role_required(*ADVISORS, store_required=True)
def order_photo(request: HttpRequest, pk: int) -> HttpResponse:
    order = _order_for_edit(request, pk)
    walkaround = walkaround_for(order)
    form = PhotoForm(request.POST, request.FILES)
    errors = []
    if walkaround is None:
        errors = [_("Save the walk-around first, then add photos.")]
    elif form.is_valid():
        mark = None
        if form.cleaned_data.get("mark"):
            mark = DamageMark.objects.filter(pk=form.cleaned_data["mark"], walkaround=walkaround).first()
        try:
            photo_add(walkaround=walkaround, upload=form.cleaned_data["image"], actor=request.user, mark=mark)
        except ProcessError as exc:
            errors = [str(exc)]
        else:
            return _respond(request, pk, "damage", ok=True)
    else:
        errors = [e for errs in form.errors.values() for e in errs]
    return _respond(request, pk, "damage", ok=False, photo_form=form, damage_errors=errors)


@role_required(*STAFF_EXCEPT_GATE)
def photo(request: HttpRequest, pk: int) -> HttpResponse:
    """A walk-around photo, to staff of its store only, always as an image."""
    picture = get_scoped_or_404(WalkAroundPhoto.objects.all(), request.user, pk=pk)
    response = FileResponse(picture.image.open("rb"), content_type=picture.content_type)
    response["Content-Disposition"] = "inline"
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "private, max-age=3600"
    return response


@require_POST
@role_required(*ADVISORS, store_required=True)
def order_expert(request: HttpRequest, pk: int) -> HttpResponse:
    order = _order_for_edit(request, pk)
    form = ExpertRequestForm(request.POST)
    if run_form(form, lambda data: expert_request_create(work_order=order, actor=request.user, **data)):
        return _respond(request, pk, "experts", ok=True)
    return _respond(request, pk, "experts", ok=False, expert_form=form)


@role_required(Role.TECHNICAL_EXPERT, Role.FOREMAN, *MANAGERS)
def expert_queue(request: HttpRequest) -> HttpResponse:
    requests = scoped(ExpertRequest.objects.all(), request.user).select_related(
        "work_order__vehicle", "work_order__customer", "asked_by", "answered_by").order_by("-asked_at")
    return render(request, "reception/expert_queue.html", {
        "open": [r for r in requests.filter(answered_at__isnull=True)[:100]],
        "answered": list(requests.filter(answered_at__isnull=False)[:20]),
        "form": ExpertAnswerForm(), "tasks": open_tasks_for(user=request.user),
        "can_answer": request.user.has_role(Role.TECHNICAL_EXPERT, Role.FOREMAN),
    })


@require_POST
@role_required(Role.TECHNICAL_EXPERT, Role.FOREMAN, store_required=True)
def expert_reply(request: HttpRequest, pk: int) -> HttpResponse:
    question = get_scoped_or_404(ExpertRequest.objects.select_related("work_order__vehicle"), request.user, pk=pk)
    form = ExpertAnswerForm(request.POST)
    if form.is_valid():
        try:
            expert_answer(request=question, actor=request.user, answer=form.cleaned_data["answer"])
        except ProcessError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, _("Answer sent to the advisor."))
    else:  # the box keeps to the limit in the browser: only a forged post gets here
        messages.error(request, " ".join(form.errors["answer"]))
    return redirect("reception:expert_queue")


@require_POST
@role_required(*ADVISORS, store_required=True)
def order_send_copy(request: HttpRequest, pk: int) -> HttpResponse:
    order = _order_for_edit(request, pk)
    try:
        record = send_copy(order=order, actor=request.user)
    except ProcessError as exc:
        messages.error(request, str(exc))
    else:
        if record is None:
            messages.warning(request, _("The customer has not agreed to messages: hand over the printed copy."))
        elif record.status == record.Status.SENT:
            messages.success(request, _("The customer's copy was sent."))
        elif record.status in record.WAITING:  # issue 20: the outbox sends it after this request
            messages.success(request, _("The customer's copy is queued and will be sent in a moment; the order page "
                                        "shows when it has gone."))
        else:
            messages.error(request, _("Sending failed: %(result)s") % {"result": record.result})
    return redirect("reception:order", pk=pk)


@login_not_required
def customer_copy(request: HttpRequest, token: str) -> HttpResponse:
    """The customer's copy of the signed order, through the signed link."""
    order = order_from_copy_token(token)
    response = pdf_response(work_order_pdf(order=order, copy="customer"), f"{order.number}.pdf")
    response["Referrer-Policy"] = "same-origin"
    response["X-Robots-Tag"] = "noindex"
    return response


@role_required(*MANAGERS)
@reads_replica
def figures(request: HttpRequest) -> HttpResponse:
    return render(request, "reception/figures.html", reception_figures(user=request.user))


@role_required(*DESK_ROLES)
def order_section(request: HttpRequest, pk: int, name: str) -> HttpResponse:
    """htmx fragment: one section of the reception page, re-read."""
    if name not in SECTIONS:
        return HttpResponse(status=404)
    return render(request, SECTIONS[name], _context(_order_for_edit(request, pk)))
