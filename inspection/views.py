from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from dealership.access import ADVISORS, MANAGERS, role_required, scoped
from dealership.errors import GuardRefused, ProcessError
from dealership.models import Role, User, WorkOrder
from dealership.printing import pdf_response
from dealership.replicas import reads_replica
from dealership.selectors import PeriodFilter, open_tasks_for, work_order_detail
from dealership.views import run_form

from . import figures, printing, selectors, services
from .forms import InspectionForm, ParkForm, QcFindingForm, WashForm
from .models import ParkingSpot
from .standards import parking_spots

S = WorkOrder.Status
QUEUE_LIMIT = 100
AFTER_QC = (Role.QC_INSPECTOR, Role.FOREMAN, *ADVISORS)


@role_required(Role.QC_INSPECTOR, *MANAGERS)
def queue(request: HttpRequest) -> HttpResponse:
    """Cars whose work is all self-checked, oldest promise first; below them
    the passed cars still to wash and park."""
    return render(request, "inspection/queue.html", {
        # only what the rows show (issue 9)
        "orders": scoped(WorkOrder.objects.filter(status=S.REPAIR_DONE), request.user).select_related("vehicle").only(
            "store_id", "number", "status", "promised_at", "vehicle__plate", "vehicle__make", "vehicle__model",
        ).order_by("promised_at", "id")[:QUEUE_LIMIT],
        "after": selectors.passed_not_handed_over(user=request.user).only(
            "store_id", "number", "status", "promised_at", "vehicle__plate", *(f"advisor__{f}" for f in User.NAME_FIELDS),
            "handover__cleaned_at", "handover__spot__name")[:QUEUE_LIMIT],
        "tasks": open_tasks_for(user=request.user),
        "now": timezone.now(),
    })


def _technicians(order: WorkOrder):
    return User.objects.filter(store=order.store_id, is_active=True, staff_roles__role=Role.TECHNICIAN).order_by(
        "display_name")


def _inspect_page(request: HttpRequest, order: WorkOrder, form: InspectionForm | None = None,
                  finding_form: QcFindingForm | None = None, errors: list[str] = (), status: int = 200):
    checks = services.inspection_checklist(order)
    form = form or InspectionForm(checks=checks, technicians=_technicians(order))
    return render(request, "inspection/inspect.html", {
        "order": order, "form": form, "finding_form": finding_form or QcFindingForm(), "errors": errors,
        "review": selectors.inspection_review(order), "road_test_required": services.road_test_required(order),
        "now": timezone.now(),
    }, status=status)


@role_required(Role.QC_INSPECTOR, *MANAGERS)
def inspect(request: HttpRequest, pk: int) -> HttpResponse:
    return _inspect_page(request, work_order_detail(user=request.user, pk=pk))


@require_POST
@role_required(Role.QC_INSPECTOR, store_required=True)
def inspect_record(request: HttpRequest, pk: int) -> HttpResponse:
    order = work_order_detail(user=request.user, pk=pk)
    form = InspectionForm(request.POST, checks=services.inspection_checklist(order), technicians=_technicians(order))
    if not form.is_valid():
        return _inspect_page(request, order, form, errors=[_("Check the fields marked below.")], status=400)
    passed = form.cleaned_data["result"] == "pass"
    try:
        services.inspection_record(work_order=order, inspector=request.user, passed=passed, data=form.to_input())
    except GuardRefused as exc:
        return _inspect_page(request, order, form, errors=exc.messages, status=400)
    except ProcessError as exc:
        return _inspect_page(request, order, form, errors=[str(exc)], status=400)
    if passed:
        messages.success(request, _("QC passed; the advisor is told. Now wash and park the car."))
        return redirect("inspection:handover", pk=pk)
    messages.success(request, _("Sent back to rework; the technician and the advisor are told."))
    return redirect("inspection:queue")


@require_POST
@role_required(Role.QC_INSPECTOR, store_required=True)
def qc_finding(request: HttpRequest, pk: int) -> HttpResponse:
    order = work_order_detail(user=request.user, pk=pk)
    form = QcFindingForm(request.POST, request.FILES)
    if run_form(form, lambda data: services.qc_finding_report(work_order=order, inspector=request.user,
                                                              description=data["description"], photo=data.get("photo"))):
        messages.success(request, _("The advisor is told; the car passes once the customer has decided."))
        return redirect("inspection:inspect", pk=pk)
    return _inspect_page(request, order, finding_form=form, status=400)


# --- after the pass: the wash, the completed-vehicle area, the handover (QC-8…QC-10, QC-13) ---

def _handover_page(request: HttpRequest, order: WorkOrder, status: int = 200, **forms) -> HttpResponse:
    spots = parking_spots(store=order.store)
    taken = services.spots_taken(store_id=order.store_id, exclude_order=order.pk)
    return render(request, "inspection/handover.html", {
        "order": order, "review": selectors.inspection_review(order),
        "wash_form": forms.get("wash_form") or WashForm(), "park_form": forms.get("park_form") or ParkForm(),
        "spots": [(s, taken.get(s.pk)) for s in spots],
        "can_prepare": request.user.has_role(*AFTER_QC) and request.user.store_id == order.store_id,
        "can_acknowledge": request.user.has_role(Role.SERVICE_ADVISOR, Role.SERVICE_ASSISTANT)
        and request.user.store_id == order.store_id,
        "errors": forms.get("errors", []),
    }, status=status)


@role_required(*AFTER_QC, *MANAGERS)
def handover(request: HttpRequest, pk: int) -> HttpResponse:
    return _handover_page(request, work_order_detail(user=request.user, pk=pk))


@require_POST
@role_required(*AFTER_QC, store_required=True)
def wash(request: HttpRequest, pk: int) -> HttpResponse:
    order = work_order_detail(user=request.user, pk=pk)
    form = WashForm(request.POST)
    if run_form(form, lambda data: services.car_cleaned(work_order=order, actor=request.user,
                                                        cleaned_by=data["cleaned_by"]), field="cleaned_by"):
        messages.success(request, _("Wash recorded."))
        return redirect("inspection:handover", pk=pk)
    return _handover_page(request, order, status=400, wash_form=form)


@require_POST
@role_required(*AFTER_QC, store_required=True)
def park(request: HttpRequest, pk: int) -> HttpResponse:
    order = work_order_detail(user=request.user, pk=pk)
    form = ParkForm(request.POST)
    if form.is_valid():
        spot = ParkingSpot.objects.filter(store=order.store_id, pk=form.cleaned_data["spot"]).first()
        try:
            if spot is None:
                raise ProcessError(_("Choose a spot of this store's completed-vehicle area."))
            services.car_parked(work_order=order, actor=request.user, spot=spot)
        except ProcessError as exc:
            form.add_error("spot", str(exc))
        else:
            messages.success(request, _("Parked at %(spot)s.") % {"spot": spot.name})
            return redirect("inspection:handover", pk=pk)
    return _handover_page(request, order, status=400, park_form=form)


@require_POST
@role_required(*ADVISORS, store_required=True)
def acknowledge(request: HttpRequest, pk: int) -> HttpResponse:
    order = work_order_detail(user=request.user, pk=pk)
    try:
        services.handover_acknowledge(work_order=order, advisor=request.user)
    except GuardRefused as exc:
        return _handover_page(request, order, status=400, errors=exc.messages)
    except ProcessError as exc:
        return _handover_page(request, order, status=400, errors=[str(exc)])
    messages.success(request, _("Handover acknowledged: %(number)s is ready for the customer, who is told.")
                     % {"number": order.number})
    return redirect("reception:desk")


@role_required(Role.QC_INSPECTOR, *ADVISORS, *MANAGERS, Role.CASHIER)
def guarantee_card(request: HttpRequest, pk: int) -> HttpResponse:
    """QC-7: the quality guarantee card, once the car has passed QC."""
    order = work_order_detail(user=request.user, pk=pk)
    if not order.inspections.filter(passed=True).exists():
        messages.error(request, _("The guarantee card is printed once the car has passed QC."))
        return redirect("inspection:inspect", pk=pk)
    return pdf_response(printing.guarantee_card_pdf(order=order), f"guarantee_{order.number}.pdf")


@role_required(Role.QC_INSPECTOR, *MANAGERS)
@reads_replica
def figures_page(request: HttpRequest) -> HttpResponse:
    """QC-4 KPI: the first-time-pass rate of the store, per technician and per kind of job."""
    month = PeriodFilter(request.GET).values().get("month")  # YYYY-MM; not valid: this month
    period = figures.period_from(month.strftime("%Y-%m") if month else "")
    return render(request, "inspection/figures.html", {
        "period": period, "figures": figures.first_time_pass(user=request.user, period=period)})
