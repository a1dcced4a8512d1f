from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from dealership.access import MANAGERS, get_scoped_or_404, role_required
from dealership.errors import ProcessError
from dealership.models import Role
from dealership.selectors import open_tasks_for
from settlement.services import amount_paid

from . import services
from .forms import CallForm
from .models import FollowUpTask
from .selectors import open_followups, overview_figures

PAGE_SIZE = 25


@role_required(Role.FOLLOWUP_AGENT, *MANAGERS)
def queue(request: HttpRequest) -> HttpResponse:
    page = Paginator(open_followups(user=request.user), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "followup/queue.html", {"page": page, "now": timezone.now(),
                                                   "tasks": open_tasks_for(user=request.user)})


def _task_page(request: HttpRequest, task: FollowUpTask, form: CallForm, status: int = 200):
    return render(request, "followup/task.html", {
        "task": task, "form": form, "order": task.work_order,
        "lines": task.work_order.lines.order_by("id"),
        "paid": amount_paid(work_order=task.work_order),
        "calls": task.calls.select_related("agent"),
    }, status=status)


def _task(request: HttpRequest, pk: int) -> FollowUpTask:
    return get_scoped_or_404(
        FollowUpTask.objects.select_related("work_order__customer", "work_order__vehicle", "work_order__advisor"),
        request.user, pk=pk)


@role_required(Role.FOLLOWUP_AGENT, *MANAGERS)
def task(request: HttpRequest, pk: int) -> HttpResponse:
    return _task_page(request, _task(request, pk), CallForm())


@require_POST
@role_required(Role.FOLLOWUP_AGENT, store_required=True)
def record_call(request: HttpRequest, pk: int) -> HttpResponse:
    followup = _task(request, pk)
    form = CallForm(request.POST)
    if form.is_valid():
        try:
            services.followup_call_record(task=followup, agent=request.user, **form.cleaned_data)
        except ProcessError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("Call recorded."))
            return redirect("followup:queue")
    return _task_page(request, followup, form, status=400)


@role_required(*MANAGERS)
def overview(request: HttpRequest) -> HttpResponse:
    return render(request, "followup/overview.html", {**overview_figures(user=request.user),
                                                      "tasks": open_tasks_for(user=request.user)})
