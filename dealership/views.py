from collections.abc import Callable, Collection
from dataclasses import dataclass
from typing import Any

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_not_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from .access import ADVISORS, ALL_STAFF, MANAGERS, STAFF_EXCEPT_GATE, WORKSHOP, home_url_name, role_required
from .archive import CLOSED, archived_rows
from .errors import ProcessError
from .forms import CustomerVehicleForm, lookup_initial
from .models import Customer, OutboundMessage, Role, WorkOrder, WorkOrderEvent
from .selectors import (
    SEARCH_LENGTH,
    OpenTasks,
    PartFilter,
    WorkOrderFilter,
    car_lookup_context,
    open_tasks_for,
    work_order_detail,
    work_order_open_tasks,
)
from .services import sessions_end_everywhere
from .validators import normalize_mobile

PAGE_SIZE = 25
TASKS_PAGE_SIZE = 20


@dataclass(frozen=True)
class Ran:
    """What `run_form` did: true when the service ran; `value` is what it returned."""

    ok: bool
    value: Any = None

    def __bool__(self) -> bool:
        return self.ok


def run_form(form: forms.Form, action: Callable[[dict], Any], *, shown: Collection[str] | None = None,
             field: str | None = None) -> Ran:
    """Forms validate, services save: when the form is valid, call the service
    with its cleaned data. A refusal (ProcessError) goes on the form, next to
    the field it names when the page shows that field (`shown`: by default
    every field not hidden), else on `field` (default: at the top); the view then renders the form
    again with status 400, or redirects when it ran."""
    if not form.is_valid():
        return Ran(False)
    try:
        return Ran(True, action(form.cleaned_data))
    except ProcessError as exc:
        if shown is None:
            shown = {name for name, field in form.fields.items() if not field.widget.is_hidden}
        form.add_error(exc.field if exc.field in shown else field, str(exc))
        return Ran(False)


@role_required(*ALL_STAFF)
def home(request: HttpRequest) -> HttpResponse:
    user = request.user
    if user.store_id and user.store.setup_pending and user.has_role(Role.AFTERSALES_MANAGER):
        return redirect("dealership:setup")  # a store being set up: its manager starts on the checklist (issue 18)
    name = home_url_name(user)
    if name:
        return redirect(name)
    return render(request, "dealership/no_role.html", status=403)


@login_not_required
def healthz(request: HttpRequest) -> HttpResponse:
    return HttpResponse("ok", content_type="text/plain")


ORDER_MESSAGES = 20  # the order page lists the latest messages; the admin has them all

@role_required(*STAFF_EXCEPT_GATE)
def order_list(request: HttpRequest) -> HttpResponse:
    orders = WorkOrderFilter(request.GET, user=request.user)
    page = Paginator(orders.qs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "dealership/order_list.html", {
        "page": page, "q": orders.form.cleaned_data.get("q", "")[:SEARCH_LENGTH],
        "status": orders.form.cleaned_data.get("status", ""), "statuses": WorkOrder.Status.choices,
        "show_store": request.user.is_group_manager, "tasks": open_tasks_for(user=request.user),
    })


@role_required(*STAFF_EXCEPT_GATE)
def order_detail(request: HttpRequest, pk: int) -> HttpResponse:
    order = work_order_detail(user=request.user, pk=pk)
    # the messages to the customer about this order and how their delivery stands (issue 20), newest first
    order_messages = list(order.messages.order_by("-created_at", "-pk")[:ORDER_MESSAGES])
    timeline = list(order.events.all())
    if not timeline and order.status in CLOSED:  # an order of an archived year (issue 23): read from the archive
        timeline = archived_rows(WorkOrderEvent, order_by="at, id", store_id=order.store_id, work_order_id=order.pk)
        order_messages = order_messages or archived_rows(
            OutboundMessage, order_by="created_at DESC, id DESC", store_id=order.store_id,
            work_order_id=order.pk)[:ORDER_MESSAGES]
    # a manager's spot checks of this order (issue 21; recorded on followup's page, read through the relation)
    spot_checks = list(order.spot_checks.select_related("created_by").prefetch_related("answers")[:10]) \
        if request.user.has_role(*MANAGERS) else None
    return render(request, "dealership/order_detail.html", {
        "order": order, "order_tasks": work_order_open_tasks(work_order=order), "order_messages": order_messages,
        "timeline": timeline, "spot_checks": spot_checks})


@role_required(*ALL_STAFF)
def task_list(request: HttpRequest) -> HttpResponse:
    """All of the user's open tasks, most urgent first (PROMPT): the home
    pages show the first few and link here."""
    page = Paginator(OpenTasks(request.user), TASKS_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "dealership/task_list.html", {"page": page})


@role_required(Role.PARTS_CLERK, *ADVISORS, *WORKSHOP, *MANAGERS)
def part_list(request: HttpRequest) -> HttpResponse:
    parts = PartFilter(request.GET, user=request.user)
    page = Paginator(parts.qs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "dealership/part_list.html", {"page": page,
                                                         "q": parts.form.cleaned_data.get("q", "")[:SEARCH_LENGTH],
                                                         "show_store": request.user.is_group_manager,
                                                         "tasks": open_tasks_for(user=request.user)})


@role_required(Role.APPOINTMENT_AGENT, *ADVISORS, Role.AFTERSALES_MANAGER, store_required=True)
def car_lookup(request: HttpRequest) -> HttpResponse:
    """htmx fragment: the booking / walk-in car fields, filled in from the
    record when the plate or VIN typed is known (204, no change, otherwise)."""
    typed = {k.removeprefix("car-"): v for k, v in request.GET.items() if k.startswith("car-")}
    store = request.user.store
    initial, known = lookup_initial(store=store, plate=typed.get("plate", "")[:12],
                                    vin=typed.get("vin", "")[:20], mobile=typed.get("mobile", "")[:20], typed=typed)
    customer = known.customer if known else Customer.objects.filter(
        store=store, mobile=normalize_mobile(typed.get("mobile", ""))).prefetch_related("vehicles").first()
    if known is None and customer is None:
        # Nothing on record: leave the fields alone, so nothing being typed is lost.
        return HttpResponse(status=204)
    form = CustomerVehicleForm(store=request.user.store, prefix="car", initial=initial)
    context = {"vehicle_form": form, **car_lookup_context(store=store, form=form), "customer_on_record": customer,
               "col": "col-lg-3 col-md-6" if request.GET.get("col") == "col-lg-3 col-md-6" else ""}
    return render(request, "dealership/partials/customer_vehicle.html", context)


def locked_out(request: HttpRequest, credentials: dict | None = None, *args, **kwargs) -> HttpResponse:
    """What django-axes answers to a login while the name is locked (AXES_LOCKOUT_CALLABLE)."""
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    return render(request, "registration/locked_out.html", {"cooloff_minutes": minutes}, status=429)


@require_POST
@role_required(*ALL_STAFF)
def logout_everywhere(request: HttpRequest) -> HttpResponse:
    """End this person's sessions on every computer and tablet, this one included."""
    sessions_end_everywhere(user=request.user)
    logout(request)
    messages.success(request, _("You are logged out on every computer and tablet."))
    return redirect("login")
