"""Reads shared by the stages: work order lists and the order page."""

from django.db.models import Prefetch, Q, QuerySet

from .access import scoped
from .models import User, WorkOrder, WorkOrderEvent, WorkOrderLine
from .validators import normalize_plate


def work_order_list(*, user: User, query: str = "", status: str = "") -> QuerySet[WorkOrder]:
    """Orders of the user's store, newest first; search by number, plate,
    customer name or mobile."""
    qs = scoped(WorkOrder.objects.all(), user).select_related(
        "store", "customer", "vehicle", "advisor")
    query = query.strip()
    if query:
        plate = normalize_plate(query)
        qs = qs.filter(
            Q(number__iexact=query) | Q(vehicle__plate=plate) | Q(vehicle__vin=query.upper())
            | Q(customer__mobile=query) | Q(customer__name__startswith=query)
        )
    if status:
        qs = qs.filter(status=status)
    return qs.order_by("-created_at", "-id")


def work_order_detail(*, user: User, pk: int) -> WorkOrder:
    from django.shortcuts import get_object_or_404

    qs = scoped(WorkOrder.objects.all(), user).select_related(
        "store", "customer", "vehicle", "advisor"
    ).prefetch_related(
        Prefetch("lines", queryset=WorkOrderLine.objects.select_related("labour_operation", "part").order_by("id")),
        Prefetch("events", queryset=WorkOrderEvent.objects.select_related("actor", "override_by").order_by("at", "id")),
    )
    return get_object_or_404(qs, pk=pk)


def work_orders_in_status(*, user: User, statuses: list[str] | tuple[str, ...]) -> QuerySet[WorkOrder]:
    return (
        scoped(WorkOrder.objects.filter(status__in=statuses), user)
        .select_related("customer", "vehicle", "advisor")
        .order_by("promised_at", "id")
    )
