"""Reads shared by the stages: work order lists and the order page."""

from django.db import connection
from django.db.models import Prefetch, Q, QuerySet

from .access import scoped
from .models import Customer, StaffTask, User, Vehicle, WorkOrder, WorkOrderEvent, WorkOrderLine
from .validators import normalize_plate

SEARCH_LIMIT = 500  # customers whose name starts with what was typed


def work_order_list(*, user: User, query: str = "", status: str = "") -> QuerySet[WorkOrder]:
    """Orders of the user's store, newest first; search by number, plate,
    customer name or mobile."""
    qs = scoped(WorkOrder.objects.all(), user).select_related(
        "store", "customer", "vehicle", "advisor")
    query = query.strip()
    if query:
        # each branch is an indexed lookup (number, plate, VIN, mobile, name prefix), so the search
        # stays fast at a dealer group's size instead of scanning the joined orders
        plate = normalize_plate(query)
        # the ids first (two small indexed queries), so the orders are found through their own indexes
        # (number, vehicle, customer) rather than by filtering every order of the store
        vehicles = list(scoped(Vehicle.objects.filter(Q(plate=plate) | Q(vin=query.upper())), user)
                        .values_list("id", flat=True)[:SEARCH_LIMIT])
        customers = list(scoped(Customer.objects.filter(Q(mobile=query) | Q(name__startswith=query)), user)
                         .values_list("id", flat=True)[:SEARCH_LIMIT])
        qs = qs.filter(Q(number=query.upper()) | Q(vehicle_id__in=vehicles) | Q(customer_id__in=customers))
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


def open_tasks_for(*, user: User, limit: int = 20) -> list[StaffTask]:
    """The user's open tasks: assigned to them, or to one of their roles in
    their store (PROMPT rules)."""
    if user.store_id is None:
        return []
    # Two indexed lookups (the open tasks by assignee and by role) instead of one OR over every open
    # task. Written out: this runs on every staff page, and building the union through the ORM cost
    # more than running it (issue 9). The two halves cannot overlap (assignee set / not set).
    table = connection.ops.quote_name(StaffTask._meta.db_table)
    roles = sorted(user.roles)
    role_in = ", ".join(["%s"] * len(roles)) or "NULL"
    sql = (f"SELECT * FROM (SELECT * FROM {table} WHERE store_id = %s AND done_at IS NULL AND assignee_id = %s "
           f"UNION ALL SELECT * FROM {table} WHERE store_id = %s AND done_at IS NULL AND assignee_id IS NULL "
           f"AND role IN ({role_in})) AS t ORDER BY created_at, id LIMIT %s")
    return list(StaffTask.objects.raw(sql, [user.store_id, user.pk, user.store_id, *roles, limit]))


def car_lookup_context(*, store, form) -> dict:
    """The record behind the car fields of a booking or walk-in form (SCH-5:
    the customer file and earlier visits)."""
    from .forms import lookup_initial  # noqa: PLC0415

    known = None
    if form.is_bound:
        known = getattr(form, "known", None)
    else:
        plate = form.initial.get("plate", "")
        if plate:
            _, known = lookup_initial(store=store, plate=plate)
    history = list(known.work_orders.order_by("-created_at")[:3]) if known else []
    upcoming = list(known.work_orders.filter(origin=WorkOrder.Origin.APPOINTMENT, status=WorkOrder.Status.DRAFT)
                    .order_by("-created_at")[:1]) if known else []
    visits = known.work_orders.exclude(status=WorkOrder.Status.CANCELLED).count() if known else 0
    return {"known": known, "history": history, "visits": visits, "upcoming": upcoming}
