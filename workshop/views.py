from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from dealership.access import ADVISORS, MANAGERS, WORKSHOP, get_scoped_or_404, role_required, scoped
from dealership.errors import GuardRefused, ProcessError
from dealership.models import Role, WorkOrder, WorkOrderEvent
from dealership.selectors import open_tasks_for, work_orders_in_status

from . import services
from .forms import FinishForm
from .models import Job

S = WorkOrder.Status
BOARD_LIMIT = 100


def _prepare_jobs(jobs: list[Job], forms: dict | None = None, errors: dict | None = None) -> list[Job]:
    """Give each card its own form (prefixed, so labels and ids never point at
    another job's fields) and, for rework, what QC found (QC-4)."""
    failed_notes = dict(
        WorkOrderEvent.objects.filter(work_order__in=[j.work_order_id for j in jobs], to_status=S.QC_FAILED)
        .order_by("at", "id").values_list("work_order_id", "note"))
    for job in jobs:
        job.form = (forms or {}).get(job.pk) or FinishForm(prefix=f"job{job.pk}")
        job.errors = (errors or {}).get(job.pk, [])
        job.qc_findings = failed_notes.get(job.work_order_id, "") if job.kind == Job.Kind.REWORK else ""
    return jobs


def _my_jobs(user, **filters) -> list[Job]:
    return list(
        scoped(Job.objects.filter(technician=user, finished_at__isnull=True, **filters), user)
        .select_related("work_order__vehicle", "work_order__customer", "work_order__advisor")
        .prefetch_related("work_order__lines").order_by("started_at")
    )


def _board(request: HttpRequest, status: int = 200, forms: dict | None = None, errors: dict | None = None):
    user = request.user
    my_jobs = _prepare_jobs(_my_jobs(user), forms, errors)
    return render(request, "workshop/board.html", {
        "waiting": work_orders_in_status(user=user, statuses=[S.SIGNED, S.QC_FAILED])
        .prefetch_related("lines")[:BOARD_LIMIT],
        "my_jobs": my_jobs,
        "in_workshop": scoped(Job.objects.filter(finished_at__isnull=True), user)
        .select_related("work_order__vehicle", "technician").order_by("work_order__promised_at")[:BOARD_LIMIT],
        "now": timezone.now(),
        "is_technician": user.has_role(Role.TECHNICIAN),
        "tasks": open_tasks_for(user=user),
    }, status=status)


@role_required(*WORKSHOP, *ADVISORS, *MANAGERS)
def board(request: HttpRequest) -> HttpResponse:
    return _board(request)


@require_POST
@role_required(Role.TECHNICIAN, store_required=True)
def start(request: HttpRequest, pk: int) -> HttpResponse:
    order = get_scoped_or_404(WorkOrder.objects.select_related("vehicle"), request.user, pk=pk)
    try:
        services.job_start(work_order=order, technician=request.user)
    except ProcessError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Clocked on to %(plate)s.") % {"plate": order.vehicle.plate})
    return redirect("workshop:board")


@require_POST
@role_required(Role.TECHNICIAN, store_required=True)
def finish(request: HttpRequest, pk: int) -> HttpResponse:
    job = get_scoped_or_404(Job.objects.select_related("work_order__vehicle"), request.user,
                            pk=pk, technician=request.user)
    form = FinishForm(request.POST, prefix=f"job{job.pk}")
    form.is_valid()  # both fields optional; the service's guards give the messages
    try:
        services.job_finish(job=job, technician=request.user,
                            self_checked=form.cleaned_data.get("self_checked", False),
                            report=form.cleaned_data.get("report", ""))
    except ProcessError as exc:
        errors = exc.messages if isinstance(exc, GuardRefused) else [str(exc)]
        if request.htmx:  # re-render just this card, errors in view, the other cards untouched
            card = _prepare_jobs(_my_jobs(request.user, pk=job.pk), {job.pk: form}, {job.pk: errors})
            return render(request, "workshop/partials/job_card.html", {"job": card[0], "now": timezone.now()})
        return _board(request, status=400, forms={job.pk: form}, errors={job.pk: errors})
    if request.htmx:
        return render(request, "workshop/partials/job_done.html", {"job": job})
    messages.success(request, _("Job finished; the car goes to QC."))
    return redirect("workshop:board")
