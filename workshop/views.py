from decimal import Decimal

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.db.models import Prefetch
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from dealership.access import ADVISORS, MANAGERS, WORKSHOP, get_scoped_or_404, role_required, scoped
from dealership.errors import GuardRefused, ProcessError
from dealership.hours import hours_share
from dealership.links import pk_url
from dealership.models import Role, User, WorkOrder, WorkOrderLine
from dealership.periods import period_from
from dealership.replicas import reads_replica
from dealership.selectors import PeriodFilter, open_tasks_for
from dealership.templatetags.dealership_tags import label, status_badge
from dealership.textlimits import REASON
from dealership.views import run_form
from reception.experts import expert_request_create
from reception.models import ExpertRequest, WalkAround

from . import changes, delays, jobs, parts
from .forms import (
    AssignForm,
    DelayForm,
    ExpertForm,
    FindingForm,
    FinishForm,
    FreeFixForm,
    LinkNoteForm,
    OldPartForm,
    PartRequestForm,
    PauseForm,
    PhoneDecisionForm,
    PriceForm,
    ReturnForm,
)
from .models import ClockEntry, Finding, Job, Requisition
from .parts_figures import SLOW_DAYS, parts_figures

S = WorkOrder.Status
J = Job.Status
BOARD_LIMIT = 100
PERSON = User.NAME_FIELDS
IN_WORKSHOP = [S.SIGNED, S.IN_REPAIR, S.QC_FAILED, S.REPAIR_DONE]


# --- the technician's tablet ------------------------------------------------------------

def _my_jobs(user: User, **filters) -> list[Job]:
    qs = (scoped(Job.objects.filter(technician=user, **filters), user).exclude(status=J.DONE)
          .select_related("work_order__vehicle", "work_order__customer", "work_order__advisor",
                          "work_order__walkaround", "line__labour_operation")
          .prefetch_related("clock", Prefetch("work_order__lines", queryset=WorkOrderLine.objects.order_by("id")),
                            "work_order__findings", "work_order__requisitions", "work_order__free_fixes",
                            "work_order__old_parts")
          .order_by("work_order__promised_at", "id"))
    out = list(qs[:50])
    order_ids = [j.work_order_id for j in out]
    questions = {}
    for q in ExpertRequest.objects.filter(work_order_id__in=order_ids).order_by("asked_at"):
        questions.setdefault(q.work_order_id, []).append(q)
    issued = parts.issued_by_line(work_order_ids=order_ids)
    now = timezone.now()
    for job in out:
        try:
            job.walkaround = job.work_order.walkaround
        except WalkAround.DoesNotExist:
            job.walkaround = None
        job.questions = questions.get(job.work_order_id, [])
        job.clocked = jobs.clocked_hours(job)
        job.free_fixes = list(job.work_order.free_fixes.all())
        job.old_parts = list(job.work_order.old_parts.all())
        job.extras_count = len(job.free_fixes) + len(job.old_parts)
        job.overdue = bool(job.work_order.promised_at and job.work_order.promised_at < now)
        job.pending_findings = [f for f in job.work_order.findings.all() if f.status in (Finding.Status.REPORTED,
                                                                                           Finding.Status.PRICED)]
        asked = {}
        for r in job.work_order.requisitions.all():
            if r.status == Requisition.Status.OPEN:
                asked[r.line_id] = asked.get(r.line_id, 0) + r.quantity
        for line in job.work_order.lines.all():
            line.still_to_request = max(line.quantity - issued.get(line.pk, 0) - asked.get(line.pk, 0), 0)
    return out


def _card_context(job: Job, catalogue: dict | None = None, *, acted: str = "", **forms) -> dict:
    """A job card on the tablet. `acted` names the section the technician just
    used: it is drawn afresh (with its errors or its confirmation); the other
    sections are kept as they are in the browser (hx-preserve), so a half
    written report survives a part request."""
    catalogue = catalogue or jobs.self_check_catalogue(store=job.work_order.store)
    items = catalogue[job.job_type]
    return {
        "job": job, "now": timezone.now(), "acted": acted,
        "finish_form": forms.get("finish_form") or FinishForm(items=items, prefix=f"job{job.pk}"),
        "pause_form": PauseForm(prefix=f"pause{job.pk}"),
        "finding_form": forms.get("finding_form") or FindingForm(prefix=f"finding{job.pk}"),
        "fix_form": forms.get("fix_form") or FreeFixForm(prefix=f"fix{job.pk}"),
        "expert_form": forms.get("expert_form") or ExpertForm(prefix=f"expert{job.pk}"),
        "old_part_form": forms.get("old_part_form") or OldPartForm(prefix=f"old{job.pk}"),
        "errors": forms.get("errors", []), "notice": forms.get("notice", ""),
    }


@role_required(Role.TECHNICIAN)
def mine(request: HttpRequest) -> HttpResponse:
    my_jobs = _my_jobs(request.user)
    catalogue = jobs.self_check_catalogue(store=request.user.store) if my_jobs else {}
    cards = [_card_context(job, catalogue) for job in my_jobs]
    return render(request, "workshop/mine.html", {"cards": cards, "tasks": open_tasks_for(user=request.user),
                                                  "now": timezone.now(), "ids": ",".join(str(j.pk) for j in my_jobs)})


def _my_job_ids(user: User) -> str:
    return ",".join(str(pk) for pk in scoped(Job.objects.filter(technician=user), user).exclude(status=J.DONE)
                    .order_by("work_order__promised_at", "id").values_list("pk", flat=True)[:50])


@role_required(Role.TECHNICIAN)
def mine_watch(request: HttpRequest) -> HttpResponse:
    """Polled by the tablet. When the technician's jobs are no longer the ones
    on the page (one dispatched to them, one moved away), offer a refresh
    rather than redraw the page under a half-typed report."""
    shown = request.GET.get("ids", "")
    return render(request, "workshop/partials/mine_watch.html",
                  {"ids": shown, "changed": shown != _my_job_ids(request.user)})


def _card(request: HttpRequest, job: Job, *, acted: str, **forms) -> HttpResponse:
    """After an action on the tablet: with htmx, the job's card alone is
    re-rendered (422 when something was refused, which htmx is configured to
    swap in); otherwise back to the page with a message."""
    if request.htmx:
        refreshed = _my_jobs(request.user, pk=job.pk)
        if not refreshed:
            return render(request, "workshop/partials/job_done.html", {"job": job})
        refused = bool(forms.get("errors")) or any(
            getattr(form, "errors", None) for key, form in forms.items() if key.endswith("_form"))
        return render(request, "workshop/partials/job_card.html", _card_context(refreshed[0], acted=acted, **forms),
                      status=422 if refused else 200)
    if forms.get("errors"):
        for error in forms["errors"]:
            messages.error(request, error)
    elif forms.get("notice"):
        messages.success(request, forms["notice"])
    return redirect("workshop:mine")


def _job(request: HttpRequest, pk: int) -> Job:
    return get_scoped_or_404(Job.objects.select_related("work_order__vehicle", "work_order__store", "line"),
                             request.user, pk=pk, technician=request.user)


@role_required(Role.TECHNICIAN)
def job_status(request: HttpRequest, pk: int) -> HttpResponse:
    """htmx fragment polled by the tablet: the clock and the approvals, not the forms."""
    job = _my_jobs(request.user, pk=pk)
    if not job:
        raise Http404
    return render(request, "workshop/partials/job_status.html", {"job": job[0], "now": timezone.now()})


def _act(request: HttpRequest, pk: int, action, notice: str, *, acted: str, **forms) -> HttpResponse:
    job = _job(request, pk)
    try:
        action(job)
    except GuardRefused as exc:
        return _card(request, job, acted=acted, errors=exc.messages, **forms)
    except ProcessError as exc:
        return _card(request, job, acted=acted, errors=[str(exc)], **forms)
    return _card(request, job, acted=acted, notice=notice)


def _form_errors(form) -> list[str]:
    """A small form's errors as sentences: "Quantity: ...". """
    out = []
    for name, errors in form.errors.items():
        label = form.fields[name].label if name in form.fields else ""
        first = str(errors[0])  # one reason per field is enough to fix it
        out.append(f"{label}: {first}" if label else first)
    return out


@require_POST
@role_required(Role.TECHNICIAN, store_required=True)
def clock_on(request: HttpRequest, pk: int) -> HttpResponse:
    job = _job(request, pk)
    notice = _("Work resumed.") if job.status == J.PAUSED else _("Clocked on.")
    return _act(request, pk, lambda job: jobs.job_clock_on(job=job, technician=request.user), notice, acted="clock")


@require_POST
@role_required(Role.TECHNICIAN, store_required=True)
def pause(request: HttpRequest, pk: int) -> HttpResponse:
    reason = request.POST.get(f"pause{pk}-reason", "")
    return _act(request, pk, lambda job: jobs.job_pause(job=job, technician=request.user, reason=reason),
                _("Paused."), acted="clock")


@require_POST
@role_required(Role.TECHNICIAN, store_required=True)
def finish(request: HttpRequest, pk: int) -> HttpResponse:
    job = _job(request, pk)
    items = jobs.self_check_items(store=job.work_order.store, job_type=job.job_type)
    form = FinishForm(request.POST, items=items, prefix=f"job{pk}")
    if not form.is_valid() and {"report", "signature"} & set(form.errors):
        # a report too long is not a missing one: say so under the box, keep what was typed
        return _card(request, job, acted="finish", finish_form=form,
                     errors=[_("Not finished yet: see below what is missing.")])
    data = form.cleaned_data
    try:
        jobs.job_finish(job=job, technician=request.user, checks=data.get("checks", []),
                        report=data.get("report", ""), signature=data.get("signature", ""))
    except GuardRefused as exc:
        for refusal in exc.refusals:
            if refusal.field in form.fields:
                form.add_error(refusal.field, str(refusal))
        return _card(request, job, acted="finish", finish_form=form,
                     errors=[str(r) for r in exc.refusals if r.field not in form.fields] or [
                         _("Not finished yet: see below what is missing.")])
    except ProcessError as exc:
        return _card(request, job, acted="finish", finish_form=form, errors=[str(exc)])
    if request.htmx:
        return render(request, "workshop/partials/job_done.html", {"job": job})
    messages.success(request, _("Job finished and the report signed."))
    return redirect("workshop:mine")


@require_POST
@role_required(Role.TECHNICIAN, Role.FOREMAN, store_required=True)
def request_part(request: HttpRequest, pk: int) -> HttpResponse:
    job = _job(request, pk)
    form = PartRequestForm(request.POST, prefix=f"part{pk}")
    if not form.is_valid():
        return _card(request, job, acted="parts", errors=_form_errors(form))
    line = get_scoped_or_404(WorkOrderLine.objects.select_related("work_order__vehicle"), request.user,
                             pk=form.cleaned_data["line"], work_order=job.work_order)
    try:
        parts.part_request(line=line, quantity=form.cleaned_data["quantity"], technician=request.user)
    except ProcessError as exc:
        return _card(request, job, acted="parts", errors=[str(exc)])
    return _card(request, job, acted="parts", notice=_("Requested at the parts counter."))


@require_POST
@role_required(Role.TECHNICIAN, store_required=True)
def report_finding(request: HttpRequest, pk: int) -> HttpResponse:
    job = _job(request, pk)
    form = FindingForm(request.POST, request.FILES, prefix=f"finding{pk}")
    again = [_("Choose the photo again.")] if request.FILES else []
    if not form.is_valid():
        return _card(request, job, acted="finding", finding_form=form, errors=again)
    try:
        changes.finding_report(work_order=job.work_order, actor=request.user, job=job,
                               description=form.cleaned_data["description"], photo=form.cleaned_data.get("photo"))
    except ProcessError as exc:
        return _card(request, job, acted="finding", finding_form=form, errors=[str(exc), *again])
    return _card(request, job, acted="finding",
                 notice=_("The advisor is told; wait for the customer's decision before doing it."))


@require_POST
@role_required(Role.TECHNICIAN, store_required=True)
def free_fix(request: HttpRequest, pk: int) -> HttpResponse:
    job = _job(request, pk)
    form = FreeFixForm(request.POST, prefix=f"fix{pk}")
    if not form.is_valid():
        return _card(request, job, acted="extras", fix_form=form)
    return _act(request, pk, lambda job: changes.free_fix_record(
        work_order=job.work_order, job=job, technician=request.user, description=form.cleaned_data["description"]),
        _("Recorded."), acted="extras", fix_form=form)


@require_POST
@role_required(Role.TECHNICIAN, store_required=True)
def ask_expert(request: HttpRequest, pk: int) -> HttpResponse:
    job = _job(request, pk)
    form = ExpertForm(request.POST, prefix=f"expert{pk}")
    if not form.is_valid():
        return _card(request, job, acted="expert", expert_form=form)
    return _act(request, pk, lambda job: expert_request_create(
        work_order=job.work_order, actor=request.user, kind=ExpertRequest.Kind.EXPERT,
        question=form.cleaned_data["question"]),
        _("The technical expert is asked; the answer appears here."), acted="expert", expert_form=form)


@require_POST
@role_required(Role.TECHNICIAN, store_required=True)
def old_part(request: HttpRequest, pk: int) -> HttpResponse:
    job = _job(request, pk)
    form = OldPartForm(request.POST, prefix=f"old{pk}")
    if not form.is_valid():
        return _card(request, job, acted="extras", old_part_form=form)
    return _act(request, pk, lambda job: parts.old_part_record(
        work_order=job.work_order, actor=request.user, description=form.cleaned_data["description"],
        wish=form.cleaned_data["wish"]), _("Old part recorded."), acted="extras", old_part_form=form)


# --- the workshop board and dispatch (REP-8) ----------------------------------------------

def _workshop_orders(user: User) -> list[WorkOrder]:
    """The cars in the workshop with their jobs, hours and open findings. Read
    narrowly and without the prefetch machinery, which cost more per row than
    the rows themselves on a board polled all day (issue 9)."""
    orders = list(scoped(WorkOrder.objects.filter(status__in=IN_WORKSHOP), user)
                  .select_related("vehicle", "advisor", "store")
                  .only("store__opens_at", "store__closes_at", "number", "status", "promised_at", "vehicle__plate",
                        *(f"advisor__{f}" for f in PERSON))
                  .order_by("promised_at", "id")[:BOARD_LIMIT])
    hours_share(o.store for o in orders)  # the opening hours of the forecasts: read once per store
    ids = [o.pk for o in orders]
    by_order: dict[int, list[Job]] = {pk: [] for pk in ids}
    for job in Job.objects.filter(work_order_id__in=ids).select_related("technician").order_by("id").only(
            "work_order_id", "description", "status", "standard_hours", *(f"technician__{f}" for f in PERSON)):
        by_order[job.work_order_id].append(job)
    spans: dict[int, list] = {}
    job_ids = [j.pk for order_jobs in by_order.values() for j in order_jobs]
    for job_id, started, ended in ClockEntry.objects.filter(job_id__in=job_ids, kind=ClockEntry.Kind.WORK).values_list(
            "job_id", "started_at", "ended_at") if job_ids else ():
        spans.setdefault(job_id, []).append((started, ended))
    findings: dict[int, list[Finding]] = {}
    for finding in Finding.objects.filter(work_order_id__in=ids, status__in=[
            Finding.Status.REPORTED, Finding.Status.PRICED]).only("work_order_id", "status").order_by("id"):
        findings.setdefault(finding.work_order_id, []).append(finding)
    now = timezone.now()
    for order in orders:
        order.job_list = order_jobs = by_order[order.pk]
        clocked = {j.pk: jobs.worked_hours(spans.get(j.pk, ()), now) for j in order_jobs}
        order.clocked = sum(clocked.values(), Decimal(0))
        order.standard = sum((j.standard_hours for j in order_jobs), Decimal(0))
        order.forecast = (jobs.forecast_finish(jobs=order_jobs, now=now, clocked=clocked, store=order.store)
                          if order.status != S.REPAIR_DONE else None)
        order.at_risk = bool(order.promised_at and order.forecast and order.forecast > order.promised_at)
        order.overdue = bool(order.promised_at and order.promised_at < now)
        order.open_findings = findings.get(order.pk, [])
    return orders


JOB_STATE_CSS = {J.RUNNING: "text-success fw-bold", J.PAUSED: "text-warning-emphasis fw-bold"}


def _board_rows(orders: list[WorkOrder], *, tell_delays: bool = False) -> list[WorkOrder]:
    """What the board's rows print that the template language would work out
    row by row (a hundred rows): links reversed once per page, times in the
    shop's zone (numbers only, the same in every language), labels and badges.
    The board is polled all day (issue 17)."""
    order_url, finding_url = pk_url("dealership:order"), pk_url("workshop:finding")
    delay_url = pk_url("workshop:delay")
    for order in orders:
        order.url = order_url(order.pk)
        # a car that will be late or is late: the advisor tells the customer the new time from here (REP-8)
        order.delay_url = delay_url(order.pk) if tell_delays and (order.overdue or order.at_risk) else ""
        order.badge = status_badge(order)
        order.promised_text = _minute(order.promised_at)
        order.forecast_text = _minute(order.forecast)
        for finding in order.open_findings:
            finding.url = finding_url(finding.pk)
            finding.state = label(finding, "status")
        for job in order.job_list:
            job.state = label(job, "status")
            job.state_css = JOB_STATE_CSS.get(job.status, "")
            job.short = job.description if len(job.description) <= 24 else job.description[:23] + "…"  # |truncatechars:24
    return orders


def _minute(value) -> str:
    """`|date:"m-d H:i"` without the format lookup."""
    return timezone.localtime(value).strftime("%m-%d %H:%M") if value else ""


@role_required(*WORKSHOP, *ADVISORS, *MANAGERS)
def board(request: HttpRequest) -> HttpResponse:
    if request.user.has_role(Role.TECHNICIAN) and not request.user.has_role(Role.FOREMAN):
        return redirect("workshop:mine")
    return render(request, "workshop/board.html", {
        "orders": _board_rows(_workshop_orders(request.user), tell_delays=request.user.store_id is not None
                              and request.user.has_role(*ADVISORS, *MANAGERS)),
        "now": timezone.now(),
        "tasks": open_tasks_for(user=request.user),
        "can_dispatch": request.user.store_id is not None and jobs.may_dispatch(request.user, request.user.store)})


@role_required(Role.FOREMAN, *ADVISORS, *MANAGERS, store_required=True)
def dispatch(request: HttpRequest) -> HttpResponse:
    store = request.user.store
    jobs.jobs_sync_store(store=store)
    waiting = list(scoped(Job.objects.filter(status__in=[J.WAITING, J.ASSIGNED, J.PAUSED]), request.user)
                   .select_related("work_order__vehicle", "technician").order_by("work_order__promised_at", "id")[:200])
    bays, in_use = jobs.store_bays(store), jobs.bays_in_use(store)
    for job in waiting:  # a job not yet in a bay is offered the car's own bay, else the first free one
        own = [b for b, plates in in_use.items() if job.work_order.vehicle.plate in plates]
        job.default_bay = job.bay or (own[0] if own else next((b for b in bays if b not in in_use), bays[0]))
    loads = jobs.technician_loads(store=store)
    return render(request, "workshop/dispatch.html", {
        "waiting": waiting, "loads": loads, "can_dispatch": jobs.may_dispatch(request.user, store), "now": timezone.now(),
        "bays": bays, "in_use": in_use})


@require_POST
@role_required(Role.FOREMAN, *ADVISORS, store_required=True)
def assign(request: HttpRequest, pk: int) -> HttpResponse:
    job = get_scoped_or_404(Job.objects.select_related("work_order__store", "work_order__vehicle"), request.user, pk=pk)
    form = AssignForm(request.POST)
    if form.is_valid():
        technician = User.objects.filter(store=request.user.store, pk=form.cleaned_data["technician"]).first()
        try:
            if technician is None:
                raise ProcessError(_("Choose a technician of this store."))
            jobs.job_assign(job=job, technician=technician, bay=form.cleaned_data["bay"], actor=request.user)
        except ProcessError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, _("%(job)s → %(tech)s") % {"job": job.description, "tech": technician})
    else:
        messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
    return redirect("workshop:dispatch")


# --- the parts counter (REP-9) ---------------------------------------------------------------

@role_required(Role.PARTS_CLERK, Role.PARTS_MANAGER, *MANAGERS)
def parts_counter(request: HttpRequest) -> HttpResponse:
    open_requests = (scoped(Requisition.objects.filter(status=Requisition.Status.OPEN), request.user)
                     .select_related("work_order__vehicle", "part", "line", "requested_by").order_by("requested_at")[:100])
    issued = list(scoped(Requisition.objects.filter(status=Requisition.Status.ISSUED), request.user)
                  .select_related("work_order__vehicle", "part", "line").order_by("-issued_at")[:30])
    net = parts.issued_by_line(work_order_ids=list({r.work_order_id for r in issued}))
    for r in issued:
        r.still_out = net.get(r.line_id, Decimal(0))  # issued for the line less what came back
    return render(request, "workshop/parts_counter.html", {
        "open": open_requests, "issued": issued, "tasks": open_tasks_for(user=request.user),
        "is_clerk": request.user.has_role(Role.PARTS_CLERK)})


@require_POST
@role_required(Role.PARTS_CLERK, store_required=True)
def issue(request: HttpRequest, pk: int) -> HttpResponse:
    requisition = get_scoped_or_404(Requisition.objects.all(), request.user, pk=pk)
    try:
        done = parts.requisition_issue(requisition=requisition, clerk=request.user)
    except ProcessError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Issued%(shelf)s.") % {"shelf": _(" from the appointment shelf") if done.from_shelf else ""})
    return redirect("workshop:parts_counter")


@require_POST
@role_required(Role.PARTS_CLERK, store_required=True)
def return_part(request: HttpRequest, pk: int) -> HttpResponse:
    requisition = get_scoped_or_404(Requisition.objects.select_related("line__part"), request.user, pk=pk)
    form = ReturnForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(_form_errors(form)))
        return redirect("workshop:parts_counter")
    try:
        parts.part_return(line=requisition.line, quantity=form.cleaned_data["quantity"], actor=request.user,
                          note=form.cleaned_data["note"])
    except ProcessError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Back in stock: %(part)s × %(qty)s.") % {
            "part": requisition.line.description, "qty": format(form.cleaned_data["quantity"].normalize(), "f")})
    return redirect("workshop:parts_counter")


# --- findings: the advisor prices, the customer decides (REP-2…REP-4) ----------------------------

def _finding(request: HttpRequest, pk: int) -> Finding:
    return get_scoped_or_404(Finding.objects.select_related("work_order__store", "work_order__vehicle",
                                                            "work_order__customer", "reported_by", "job"),
                             request.user, pk=pk)


def _finding_page(request: HttpRequest, finding: Finding, status: int = 200, **forms) -> HttpResponse:
    return render(request, "workshop/finding.html", {
        "finding": finding, "order": finding.work_order, "lines": changes.finding_lines(finding),
        "price_form": forms.get("price_form") or PriceForm(
            store=finding.work_order.store,
            initial={"new_promised_at": timezone.localtime(finding.new_promised_at or finding.work_order.promised_at)
                     if (finding.new_promised_at or finding.work_order.promised_at) else None}),
        "phone_form": forms.get("phone_form") or PhoneDecisionForm(),
        "chosen": {line_pk: request.POST.get(f"decision-{line_pk}") for line_pk in
                   WorkOrderLine.objects.filter(finding_id=finding.pk).values_list("pk", flat=True)}
        if request.method == "POST" else {},
        "errors": forms.get("errors", []),
        "link": changes.public_url("workshop:approve", changes.approval_token(finding))
        if finding.status == Finding.Status.PRICED else "",
        "can_act": request.user.has_role(*ADVISORS, Role.AFTERSALES_MANAGER) and request.user.store_id == finding.store_id,
    }, status=status)


@role_required(*ADVISORS, *WORKSHOP, *MANAGERS)
def finding(request: HttpRequest, pk: int) -> HttpResponse:
    return _finding_page(request, _finding(request, pk))


@require_POST
@role_required(Role.SERVICE_ADVISOR, Role.AFTERSALES_MANAGER, store_required=True)
def finding_add_item(request: HttpRequest, pk: int) -> HttpResponse:
    item = _finding(request, pk)
    form = PriceForm(request.POST, store=item.work_order.store)
    if run_form(form, lambda data: changes.finding_price(
            finding=item, actor=request.user, new_promised_at=data["new_promised_at"],
            labour=[(data["labour_operation"], Decimal(1))] if data["labour_operation"] else [],
            parts=[(data["part"], data["part_quantity"] or Decimal(1))] if data["part"] else [],
            free=[(data["description"].strip(), data["price"], data["description_kind"] or WorkOrderLine.Kind.PART)]
            if data["description"].strip() else [])):
        return redirect("workshop:finding", pk=pk)
    return _finding_page(request, item, status=400, price_form=form)


@require_POST
@role_required(Role.SERVICE_ADVISOR, Role.AFTERSALES_MANAGER, store_required=True)
def finding_remove_item(request: HttpRequest, pk: int, line_pk: int) -> HttpResponse:
    item = _finding(request, pk)
    line = get_scoped_or_404(WorkOrderLine.objects.all(), request.user, pk=line_pk, finding_id=item.pk)
    try:
        changes.finding_remove_item(finding=item, line=line, actor=request.user)
    except ProcessError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("%(item)s taken off the offer.") % {"item": line.description})
    return redirect("workshop:finding", pk=pk)


@require_POST
@role_required(Role.SERVICE_ADVISOR, Role.AFTERSALES_MANAGER, store_required=True)
def finding_phone(request: HttpRequest, pk: int) -> HttpResponse:
    item = _finding(request, pk)
    form = PhoneDecisionForm(request.POST)
    decisions = {line.pk: request.POST.get(f"decision-{line.pk}") == "approve" for line in changes.finding_lines(item)}
    undecided = [line for line in changes.finding_lines(item) if request.POST.get(f"decision-{line.pk}") not in
                 ("approve", "decline")]
    if undecided:
        return _finding_page(request, item, status=400, phone_form=form, errors=[_("Decide every item.")])
    if form.is_valid():
        try:
            changes.finding_decide(finding=item, decisions=decisions, via=form.cleaned_data["via"],
                                   note=form.cleaned_data["note"], actor=request.user)
        except ProcessError as exc:
            return _finding_page(request, item, status=400, phone_form=form, errors=[str(exc)])
        messages.success(request, _("The customer's decision is on the order; the technician is told."))
        return redirect("workshop:finding", pk=pk)
    return _finding_page(request, item, status=400, phone_form=form)


@require_POST
@role_required(Role.SERVICE_ADVISOR, Role.AFTERSALES_MANAGER, store_required=True)
def finding_send(request: HttpRequest, pk: int) -> HttpResponse:
    item = _finding(request, pk)
    try:
        record = changes.finding_send_link(finding=item, actor=request.user)
    except ProcessError as exc:
        messages.error(request, str(exc))
    else:
        if record is None:
            messages.warning(request, _("The customer has not agreed to messages: call and record the decision."))
        elif record.status == record.Status.SENT:
            messages.success(request, _("The link was sent to the customer."))
        elif record.status in record.WAITING:  # issue 20: the outbox sends it after this request
            messages.success(request, _("The link is queued and will be sent to the customer in a moment; the order "
                                        "page shows when it has gone."))
        else:
            messages.error(request, _("Sending failed: %(result)s") % {"result": record.result})
    return redirect("workshop:finding", pk=pk)


def _photo_response(item: Finding) -> HttpResponse:
    if not item.photo:
        raise Http404
    response = FileResponse(item.photo.open("rb"), content_type=item.photo_type)
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


@role_required(*ADVISORS, *WORKSHOP, *MANAGERS)
def finding_photo(request: HttpRequest, pk: int) -> HttpResponse:
    return _photo_response(_finding(request, pk))


@login_not_required
def approve(request: HttpRequest, token: str) -> HttpResponse:
    """The customer decides each item of a finding through the signed link."""
    item = changes.finding_from_token(token)
    lines = changes.finding_lines(item)
    errors = []
    choices: dict[int, str | None] = {}
    if request.method == "POST" and item.status == Finding.Status.PRICED:
        note_form = LinkNoteForm(request.POST)
        choices = {line.pk: request.POST.get(f"decision-{line.pk}") for line in lines}
        if any(c not in ("approve", "decline") for c in choices.values()):
            errors = [_("Choose yes or no for every item.")]
        if not note_form.is_valid():
            errors += note_form.errors["note"]
        if not errors:
            try:
                changes.finding_decide(finding=item, decisions={k: v == "approve" for k, v in choices.items()},
                                       via=Finding.Via.LINK, note=note_form.cleaned_data["note"])
            except ProcessError as exc:
                errors = [str(exc)]
            else:
                return redirect("workshop:approve", token=token)
    response = render(request, "workshop/approve.html", {
        "finding": item, "order": item.work_order, "lines": lines, "errors": errors, "token": token,
        "chosen": choices, "note": request.POST.get("note", "") if errors else "", "note_limit": REASON,
        "total": sum((line.customer_amount for line in lines), Decimal(0))}, status=400 if errors else 200)
    response["Referrer-Policy"] = "same-origin"
    response["X-Robots-Tag"] = "noindex"
    return response


@login_not_required
def approve_photo(request: HttpRequest, token: str) -> HttpResponse:
    return _photo_response(changes.finding_from_token(token))


# --- a car that will be late: the customer hears the new time (REP-8) ----------------------------

@role_required(*ADVISORS, *MANAGERS, store_required=True)
def delay(request: HttpRequest, pk: int) -> HttpResponse:
    order = get_scoped_or_404(WorkOrder.objects.select_related("vehicle", "customer", "advisor", "store"),
                              request.user, pk=pk)
    form = DelayForm(request.POST or None)
    if request.method == "POST" and run_form(
            form, lambda data: delays.work_order_delay_tell(work_order=order, actor=request.user, **data)):
        messages.success(request, _("The new delivery time is on the order and the customer is told.")
                         if order.customer.consent_to_messages
                         else _("The new delivery time is on the order: call the customer (it is on your task list)."))
        return redirect("dealership:order", pk=pk)
    return render(request, "workshop/delay.html", {"order": order, "form": form,
                                                   "can_delay": order.status in delays.DELAYABLE},
                  status=400 if form.errors else 200)


@role_required(Role.PARTS_MANAGER, *MANAGERS)
@reads_replica
def parts_figures_page(request: HttpRequest) -> HttpResponse:
    """Issue 19: the fill rate, the shortages that held up a car or moved an appointment, the stock's value and its
    slow movers, per store and month."""
    month = PeriodFilter(request.GET).values().get("month")  # YYYY-MM; not valid: this month
    period = period_from(month.strftime("%Y-%m") if month else "")
    return render(request, "workshop/parts_figures.html", {
        "period": period, "figures": parts_figures(user=request.user, period=period),
        "slow_days": SLOW_DAYS})
