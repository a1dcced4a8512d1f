"""The parts clerk's home page (issue 19): what to order today, deliveries due
and overdue, what arrived and where it went, requisitions and appointments
waiting for a part, counts waiting for approval. Each list is one bounded
query (the stages' needs through supply.demand)."""

from datetime import timedelta

from django.db.models import F
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from dealership.access import role_required
from dealership.models import Part, Role
from dealership.selectors import open_tasks_for

from . import demand
from .models import PurchaseOrder, ReceiptLine, StockCount
from .purchasing import suggestions

SUPPLY_ROLES = (Role.PARTS_CLERK, Role.PARTS_MANAGER, Role.AFTERSALES_MANAGER)
SHOWN = 20
ARRIVED_DAYS = 2
AHEAD_DAYS = 3  # appointments this close with a part still short are shown


@role_required(*SUPPLY_ROLES, store_required=True)
def home(request: HttpRequest) -> HttpResponse:
    store = request.user.store
    today = timezone.localdate()
    needs = demand.needs_for(store.pk)  # read once: the suggestions and the waiting lists share them
    to_order = suggestions(store, needs)
    lines = [line for group in to_order for line in group.lines]
    # every open order, the overdue first: a partly received order stays here until the rest comes
    deliveries = list(PurchaseOrder.objects.filter(store=store, status__in=PurchaseOrder.OPEN)
                      .select_related("supplier").order_by(F("expected_on").asc(nulls_last=True), "id")[:SHOWN])
    arrived = list(ReceiptLine.objects.filter(store=store, receipt__received_at__gte=timezone.now()
                                              - timedelta(days=ARRIVED_DAYS))
                   .select_related("receipt__order", "part").order_by("-receipt__received_at", "-id")[:SHOWN])
    requisitions = [n for n in needs if n.source == "requisition"][:SHOWN]
    appointments = [n for n in needs if n.source == "appointment"
                    and n.needed_on and n.needed_on <= today + timedelta(days=AHEAD_DAYS)][:SHOWN]
    waiting = requisitions + appointments
    parts = Part.objects.in_bulk({n.part_id for n in waiting})
    return render(request, "supply/home.html", {
        "today": today, "to_order": lines[:SHOWN], "to_order_count": len(lines),
        "too_late": sum(1 for line in lines if line.too_late), "deliveries": deliveries,
        "arrived": arrived,
        "waiting": [{"need": n, "part": parts.get(n.part_id)} for n in waiting],
        "counts": StockCount.objects.filter(store=store, status=StockCount.Status.SUBMITTED).order_by("id")[:SHOWN],
        "may_approve": request.user.has_role(Role.PARTS_MANAGER, Role.AFTERSALES_MANAGER),
        "tasks": open_tasks_for(user=request.user)})
