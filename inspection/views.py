from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from dealership.access import ADVISORS, MANAGERS, get_scoped_or_404, role_required
from dealership.errors import ProcessError
from dealership.models import Role, WorkOrder
from dealership.selectors import open_tasks_for, work_order_detail, work_orders_in_status
from workshop.models import Job

from . import services
from .forms import InspectionForm

S = WorkOrder.Status
QUEUE_LIMIT = 100


@role_required(Role.QC_INSPECTOR, *MANAGERS)
def queue(request: HttpRequest) -> HttpResponse:
    return render(request, "inspection/queue.html", {
        "orders": work_orders_in_status(user=request.user, statuses=[S.REPAIR_DONE])[:QUEUE_LIMIT],
        "tasks": open_tasks_for(user=request.user),
        "now": timezone.now(),
    })


def _inspect_page(request: HttpRequest, order: WorkOrder, form: InspectionForm, status: int = 200):
    jobs = Job.objects.filter(work_order=order).select_related("technician").order_by("started_at")
    return render(request, "inspection/inspect.html", {"order": order, "form": form, "jobs": jobs},
                  status=status)


@role_required(Role.QC_INSPECTOR, *MANAGERS)
def inspect(request: HttpRequest, pk: int) -> HttpResponse:
    return _inspect_page(request, work_order_detail(user=request.user, pk=pk), InspectionForm())


@require_POST
@role_required(Role.QC_INSPECTOR, store_required=True)
def inspect_record(request: HttpRequest, pk: int) -> HttpResponse:
    order = work_order_detail(user=request.user, pk=pk)
    form = InspectionForm(request.POST)
    if form.is_valid():
        passed = form.cleaned_data["result"] == "pass"
        try:
            services.inspection_record(work_order=order, inspector=request.user, passed=passed,
                                       notes=form.cleaned_data["notes"])
        except ProcessError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("QC passed; the advisor is told.") if passed
                             else _("Sent back to rework; the technician and the advisor are told."))
            return redirect("inspection:queue")
    return _inspect_page(request, order, form, status=400)


@require_POST
@role_required(*ADVISORS, store_required=True)
def handover(request: HttpRequest, pk: int) -> HttpResponse:
    order = get_scoped_or_404(WorkOrder.objects.all(), request.user, pk=pk)
    try:
        services.handover_acknowledge(work_order=order, advisor=request.user)
    except ProcessError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Handover acknowledged: %(number)s is ready for the customer.")
                         % {"number": order.number})
    return redirect("reception:desk")
