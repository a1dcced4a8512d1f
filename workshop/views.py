from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from dealership.access import ADVISORS, MANAGERS, WORKSHOP, get_scoped_or_404, role_required, scoped
from dealership.errors import GuardRefused, ProcessError
from dealership.models import Role, WorkOrder
from dealership.selectors import work_orders_in_status

from . import services
from .forms import FinishForm
from .models import Job

S = WorkOrder.Status
BOARD_LIMIT = 100


def _board(request: HttpRequest, status: int = 200, forms: dict | None = None, errors: dict | None = None):
    user = request.user
    my_jobs = list(
        scoped(Job.objects.filter(technician=user, finished_at__isnull=True), user)
        .select_related("work_order__vehicle", "work_order__customer", "work_order__advisor")
        .prefetch_related("work_order__lines").order_by("started_at")
    )
    for job in my_jobs:
        job.form = (forms or {}).get(job.pk) or FinishForm()
        job.errors = (errors or {}).get(job.pk, [])
    return render(request, "workshop/board.html", {
        "waiting": work_orders_in_status(user=user, statuses=[S.SIGNED, S.QC_FAILED])
        .prefetch_related("lines")[:BOARD_LIMIT],
        "my_jobs": my_jobs,
        "in_workshop": scoped(Job.objects.filter(finished_at__isnull=True), user)
        .select_related("work_order__vehicle", "technician").order_by("work_order__promised_at")[:BOARD_LIMIT],
        "now": timezone.now(),
        "is_technician": user.has_role(Role.TECHNICIAN),
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
    form = FinishForm(request.POST)
    form.is_valid()  # both fields optional; the service's guards give the messages
    try:
        services.job_finish(job=job, technician=request.user,
                            self_checked=form.cleaned_data.get("self_checked", False),
                            report=form.cleaned_data.get("report", ""))
    except GuardRefused as exc:
        return _board(request, status=400, forms={job.pk: form}, errors={job.pk: exc.messages})
    except ProcessError as exc:
        return _board(request, status=400, forms={job.pk: form}, errors={job.pk: [str(exc)]})
    messages.success(request, _("Job finished; the car goes to QC."))
    return redirect("workshop:board")
