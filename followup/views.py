"""Stage 6 screens: the call queue and the call, the survey and reminder
links, complaints, corrective actions, the dashboard, compliance and the
monthly report."""

import csv

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.cache import cache
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import get_language, pgettext
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from dealership.access import MANAGERS, get_scoped_or_404, role_required, scoped
from dealership.errors import ProcessError
from dealership.models import DealerGroup, Role, Store, User
from dealership.printing import pdf_response
from dealership.replicas import reads_replica
from dealership.selectors import open_tasks_for
from dealership.views import run_form
from settlement.services import amount_paid

from . import services
from .compliance_views import compliance_csv_rows
from .figures import dashboard, filters_from
from .forms import (
    ActionDoneForm,
    ActionForm,
    CallForm,
    ComplaintAssignForm,
    ComplaintCloseForm,
    ComplaintHandleForm,
    ReminderBookForm,
    SurveyForm,
)
from .models import Complaint, CorrectiveAction, FollowUpTask, MonthlyReport
from .report import report_pdf
from .selectors import ComplaintFilter, FollowUpQueueFilter, figure_filter_choices, overview_figures
from .standard import BY_CODE

PAGE_SIZE = 25
COMPLAINT_ROLES = (Role.FOLLOWUP_AGENT, *MANAGERS, Role.SERVICE_ADVISOR, Role.FOREMAN, Role.PARTS_CLERK,
                   Role.QC_INSPECTOR, Role.CASHIER)


@role_required(Role.FOLLOWUP_AGENT, *MANAGERS)
def queue(request: HttpRequest) -> HttpResponse:
    """FU-1: due today, overdue, to try again; the customers waiting for the survey answer apart."""
    tasks = FollowUpQueueFilter(request.GET, user=request.user)
    page = Paginator(tasks.qs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "followup/queue.html", {"page": page, "now": tasks.now, "section": tasks.section,
                                                   "counts": tasks.counts(),
                                                   "sections": list(FollowUpQueueFilter.SECTIONS.items()),
                                                   "tasks": open_tasks_for(user=request.user)})


def _task_page(request: HttpRequest, task: FollowUpTask, form: CallForm, status: int = 200):
    order = task.work_order
    return render(request, "followup/task.html", {
        "task": task, "form": form, "order": order,
        "lines": order.lines.order_by("id"),
        "paid": amount_paid(work_order=order),
        "calls": task.calls.select_related("agent"),
        "kind": "complaint" if order.complaints.exists() else (
            "repair" if order.lines.filter(labour_operation__job_type__in=["brakes", "engine", "electrical",
                                                                            "body_paint"]).exists()
            else "maintenance"),
    }, status=status)


def _task(request: HttpRequest, pk: int) -> FollowUpTask:
    return get_scoped_or_404(
        FollowUpTask.objects.select_related("work_order__customer", "work_order__vehicle", "work_order__advisor",
                                            "work_order__store", "store"),
        request.user, pk=pk)


@role_required(Role.FOLLOWUP_AGENT, *MANAGERS)
def task(request: HttpRequest, pk: int) -> HttpResponse:
    return _task_page(request, _task(request, pk), CallForm())


@require_POST
@role_required(Role.FOLLOWUP_AGENT, store_required=True)
def record_call(request: HttpRequest, pk: int) -> HttpResponse:
    followup = _task(request, pk)
    form = CallForm(request.POST)
    if run_form(form, lambda data: services.followup_call_record(
            task=followup, agent=request.user, reached=data["reached"], channel=data["channel"],
            scores=form.scores(), customer_words=data["customer_words"], complaint=data["complaint"])):
        followup.refresh_from_db()
        if form.cleaned_data["reached"]:
            messages.success(request, _("Call recorded."))
        elif followup.survey_sent_at:
            messages.info(request, _("Not reached %(n)s times: the survey link was sent by SMS; the answer "
                                     "closes the call.") % {"n": followup.attempts})
        elif followup.attempts >= followup.store.followup_max_attempts:
            messages.warning(request, _("Not reached %(n)s times, and the customer does not take messages: "
                                        "keep calling at another time of day.") % {"n": followup.attempts})
        else:
            messages.success(request, _("Not reached: the call is back in the queue at %(at)s.")
                             % {"at": timezone.localtime(followup.next_try_at).strftime("%m-%d %H:%M")})
        return redirect("followup:queue")
    return _task_page(request, followup, form, status=400)


# --- the customer's links ----------------------------------------------------------------

@login_not_required
def survey(request: HttpRequest, token: str) -> HttpResponse:
    followup = services.task_from_survey_token(token)
    form = SurveyForm(request.POST or None)
    done = followup.status == FollowUpTask.Status.DONE
    if request.method == "POST" and not done and run_form(form, lambda data: services.survey_answer(
            task=followup, scores=form.scores(), customer_words=data["customer_words"], complaint=data["complaint"])):
        done = True
        form = None
    response = render(request, "followup/survey.html", {"task": followup, "order": followup.work_order,
                                                        "form": form, "done": done},
                      status=400 if form is not None and form.errors else 200)
    response["X-Robots-Tag"] = "noindex"
    return response


@login_not_required
def reminder_book(request: HttpRequest, token: str) -> HttpResponse:
    reminder = services.reminder_from_token(token)
    if request.method == "GET":  # FU-9, SET-10: the self-booking page, with the car and the work filled in
        return redirect(services.reminder_booking_url(reminder))
    form = ReminderBookForm(request.POST or None)
    booked = None
    if request.method == "POST" and form.is_valid():
        booked = services.reminder_book(reminder=reminder, wish=form.cleaned_data["wish"])
    response = render(request, "followup/reminder_book.html", {"reminder": reminder, "form": form, "booked": booked})
    response["X-Robots-Tag"] = "noindex"
    return response


# --- complaints (FU-7) -------------------------------------------------------------------

@role_required(*COMPLAINT_ROLES)
def complaints(request: HttpRequest) -> HttpResponse:
    found = ComplaintFilter(request.GET, user=request.user)
    page = Paginator(found.qs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "followup/complaints.html", {"page": page, "status": found.form.cleaned_data.get("status"),
                                                        "now": timezone.now(),
                                                        "statuses": Complaint.Status.choices})


def _complaint(request, pk) -> Complaint:
    return get_scoped_or_404(Complaint.objects.select_related("work_order__vehicle", "work_order__customer",
                                                              "work_order__advisor", "owner", "store"),
                             request.user, pk=pk)


def _complaint_page(request, complaint: Complaint, status: int = 200, **forms) -> HttpResponse:
    user = request.user
    return render(request, "followup/complaint.html", {
        "complaint": complaint, "order": complaint.work_order, "now": timezone.now(),
        "events": complaint.events.select_related("actor"), "actions": complaint.actions.select_related("owner"),
        "assign_form": forms.get("assign_form") or (ComplaintAssignForm(store_id=complaint.store_id, initial={
            "stage": complaint.stage, "category": complaint.category, "department": complaint.department,
            "owner": complaint.owner_id}) if user.has_role(*MANAGERS) else None),
        "handle_form": forms.get("handle_form") or ComplaintHandleForm(initial={"handling": complaint.handling}),
        "close_form": forms.get("close_form") or ComplaintCloseForm(),
        "can_assign": user.has_role(*MANAGERS) and complaint.status != Complaint.Status.CLOSED,
        "can_handle": complaint.status in (Complaint.Status.ASSIGNED, Complaint.Status.HANDLED)
        and (user.pk == complaint.owner_id or user.has_role(*MANAGERS)),
        "can_close": complaint.status == Complaint.Status.HANDLED and user.has_role(Role.FOLLOWUP_AGENT, *MANAGERS),
    }, status=status)


@role_required(*COMPLAINT_ROLES)
def complaint(request: HttpRequest, pk: int) -> HttpResponse:
    found = _complaint(request, pk)
    if not request.user.has_role(Role.FOLLOWUP_AGENT, *MANAGERS) and found.owner_id != request.user.pk:
        raise Http404
    return _complaint_page(request, found)


@require_POST
@role_required(*MANAGERS)
def complaint_assign(request: HttpRequest, pk: int) -> HttpResponse:
    found = _complaint(request, pk)
    form = ComplaintAssignForm(request.POST, store_id=found.store_id)
    if run_form(form, lambda data: services.complaint_assign(complaint=found, manager=request.user, **data)):
        messages.success(request, _("Complaint assigned."))
        return redirect("followup:complaint", pk=pk)
    return _complaint_page(request, found, status=400, assign_form=form)


@require_POST
@role_required(*COMPLAINT_ROLES, store_required=True)
def complaint_handle(request: HttpRequest, pk: int) -> HttpResponse:
    found = _complaint(request, pk)
    form = ComplaintHandleForm(request.POST)
    if run_form(form, lambda data: services.complaint_handle(complaint=found, actor=request.user,
                                                             handling=data["handling"])):
        messages.success(request, _("Recorded: the follow-up agent calls the customer back."))
        return redirect("followup:complaint", pk=pk)
    return _complaint_page(request, found, status=400, handle_form=form)


@require_POST
@role_required(Role.FOLLOWUP_AGENT, *MANAGERS)
def complaint_close(request: HttpRequest, pk: int) -> HttpResponse:
    found = _complaint(request, pk)
    form = ComplaintCloseForm(request.POST)
    if run_form(form, lambda data: services.complaint_close(complaint=found, actor=request.user, **data)):
        messages.success(request, _("Complaint closed."))
        return redirect("followup:complaint", pk=pk)
    return _complaint_page(request, found, status=400, close_form=form)


# --- corrective and preventive measures (FU-6) -------------------------------------------------

@role_required(*MANAGERS, *COMPLAINT_ROLES)
def actions(request: HttpRequest) -> HttpResponse:
    form = None
    if request.user.has_role(*MANAGERS) and request.user.store_id:
        initial = {"complaints": request.GET.getlist("complaint")}
        item = BY_CODE.get(request.GET.get("item", ""))
        month = request.GET.get("month", "")
        if item and len(month) == 7:  # issue 21: from the task of an item above its threshold
            initial.update(item=item.code, item_month=f"{month}-01",
                           trend=f"{item.code} {item.label} ({month})"[:200])
        form = ActionForm(store_id=request.user.store_id, initial=initial)
        if item and len(month) == 7:
            return _actions_page(request, form, answering={"item": item, "month": month})
    return _actions_page(request, form)


def _actions_page(request: HttpRequest, form: ActionForm | None, status: int = 200,
                  answering: dict | None = None) -> HttpResponse:
    qs = scoped(CorrectiveAction.objects.all(), request.user).select_related("owner", "store").prefetch_related(
        "complaints__work_order__vehicle")
    if not request.user.has_role(*MANAGERS):
        qs = qs.filter(owner=request.user)
    page = Paginator(qs.order_by("done_at", "due_on", "id"), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "followup/actions.html", {"page": page, "form": form, "done_form": ActionDoneForm(),
                                                     "today": timezone.localdate(), "answering": answering},
                  status=status)


@require_POST
@role_required(*MANAGERS, store_required=True)
def action_new(request: HttpRequest) -> HttpResponse:
    form = ActionForm(request.POST, store_id=request.user.store_id)
    if run_form(form, lambda data: services.action_create(manager=request.user,
                                                          complaints=list(data.pop("complaints")), **data)):
        messages.success(request, _("Measure set."))
        return redirect("followup:actions")
    return _actions_page(request, form, status=400)


@require_POST
@role_required(*MANAGERS, *COMPLAINT_ROLES, store_required=True)
def action_done(request: HttpRequest, pk: int) -> HttpResponse:
    action = get_scoped_or_404(CorrectiveAction.objects.all(), request.user, pk=pk)
    form = ActionDoneForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Say what shows the measure was carried out."))
        return redirect("followup:actions")
    try:
        services.action_done(action=action, actor=request.user, evidence=form.cleaned_data["evidence"])
    except ProcessError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Measure checked off."))
    return redirect("followup:actions")


# --- the numbers (FU-4, FU-5, FU-8) -------------------------------------------------------------

def _filter_choices(user: User) -> dict:
    return figure_filter_choices(user)


@role_required(*MANAGERS)
@reads_replica
def overview(request: HttpRequest) -> HttpResponse:
    f = filters_from(request.GET, user=request.user)
    user = request.user
    key = f"dashboard:v2:{user.group_id if user.is_group_manager else user.store_id}:{user.is_group_manager}:" \
          f"{f.month}:{f.store_id}:{f.advisor_id}:{get_language()}"
    figures = None if request.GET.get("fresh") else cache.get(key)
    if figures is None:
        # The figures are grouped queries over the month: computed at most every few minutes, and drawn
        # once with them (tables and charts took most of a cached request's time, issue 9).
        board = dashboard(user, f)
        html = render_to_string("followup/partials/overview_figures.html", {
            **overview_figures(user=user), "board": board, "f": f,
            "people_tables": [(_("Stores"), board.people["stores"]), (_("Advisors"), board.people["advisors"]),
                              (_("Technicians"), board.people["technicians"])]})
        figures = {"html": html, "at": timezone.now()}
        cache.set(key, figures, settings.DASHBOARD_CACHE_SECONDS)
    return render(request, "followup/overview.html", {
        "figures_html": mark_safe(figures["html"]), "f": f, "computed_at": figures["at"],  # noqa: S308 - our template
        "tasks": open_tasks_for(user=request.user), **_filter_choices(request.user)})


@role_required(*MANAGERS)
@reads_replica
def export(request: HttpRequest, table: str) -> HttpResponse:
    """The dashboard's tables as CSV (opens in Excel: UTF-8 with a byte-order mark)."""
    f = filters_from(request.GET, user=request.user)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{table}_{f.month}.csv"'
    response.write("\ufeff")
    writer = csv.writer(response)
    if table == "process":
        board = dashboard(request.user, f)
        writer.writerow([_("Figure"), _("Rule"), _("Value"), _("Unit"), _("Count"), _("Of")])
        for fig in board.process:
            writer.writerow([fig.label, fig.rule, fig.value if fig.value is not None else "", fig.unit or _("cases"),
                             fig.part if fig.part is not None else "", fig.whole or ""])
        waits = board.waits
        writer.writerow([_("Waits over the patience limit"), "SCH-2", waits["over_rate"] if waits["over_rate"]
                         is not None else "", "%", waits["over"], waits["waits"]])
        writer.writerow([_("Average reception (minutes)"), "SCH-3", waits["reception_minutes"] or "", _("minutes"),
                         "", ""])
    elif table == "people":
        board = dashboard(request.user, f)
        writer.writerow([_("Group"), _("Name"), _("Calls"), _("Average satisfaction"), _("Complaints")])
        for group, rows in ((_("Store"), board.people["stores"]), (_("Advisor"), board.people["advisors"]),
                            (_("Technician"), board.people["technicians"])):
            for name, row in rows:
                writer.writerow([group, name, row["calls"], row["avg"] if row["avg"] is not None else "",
                                 row["complaints"]])
    elif table == "compliance":
        writer.writerow([_("Item"), _("What should not happen"), pgettext("must-avoid item", "Home"), _("Cases"), _("Of"), _("Overrides"),
                         _("Figure"), _("Threshold")])
        for row in compliance_csv_rows(request.user, f):
            writer.writerow(row)
    else:
        raise Http404
    return response


@role_required(*MANAGERS)
@reads_replica
def reports(request: HttpRequest) -> HttpResponse:
    kept = MonthlyReport.objects.select_related("store", "group")
    kept = kept.filter(group_id=request.user.group_id) if request.user.is_group_manager else kept.filter(
        store_id=request.user.store_id)
    return render(request, "followup/reports.html", {"reports": kept.order_by("-month", "store_id")[:60],
                                                     "month": filters_from(request.GET).month})


@role_required(*MANAGERS)
@reads_replica
def report_download(request: HttpRequest, pk: int) -> HttpResponse:
    kept = MonthlyReport.objects.filter(pk=pk)
    kept = kept.filter(group_id=request.user.group_id) if request.user.is_group_manager else kept.filter(
        store_id=request.user.store_id)
    report = kept.first()
    if report is None:
        raise Http404
    return FileResponse(report.pdf.open("rb"), content_type="application/pdf", filename=f"report_{report.month:%Y-%m}.pdf")


@role_required(*MANAGERS)
@reads_replica
def report_now(request: HttpRequest) -> HttpResponse:
    """The report of a month as it stands now (the kept ones are generated on the first of the month)."""
    f = filters_from(request.GET)
    user = request.user
    if user.is_group_manager:
        group = DealerGroup.objects.get(pk=user.group_id)
        store = Store.objects.filter(group_id=user.group_id, pk=f.store_id).first() if f.store_id else None
    else:
        store = Store.objects.select_related("group").get(pk=user.store_id)
        group = store.group
    pdf = report_pdf(group=group, store=store, month=f.month)
    return pdf_response(pdf, f"report_{(store.code if store else 'group')}_{f.month}.pdf")
