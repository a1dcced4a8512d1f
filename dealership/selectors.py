"""Reads shared by the stages: work order lists and the order page."""

from datetime import date, datetime, time, timedelta

import django_filters
from django import forms
from django.db import connection
from django.db.models import F, Prefetch, Q, QuerySet, prefetch_related_objects
from django.shortcuts import get_object_or_404
from django.utils import timezone

from .access import scoped
from .forms import lookup_initial
from .models import Customer, Part, StaffTask, User, Vehicle, WorkOrder, WorkOrderEvent, WorkOrderLine
from .validators import normalize_plate

SEARCH_LIMIT = 500  # customers whose name starts with what was typed
SEARCH_LENGTH = 50  # what a search reads of what was typed


class WorkOrderFilter(django_filters.FilterSet):
    """The work order list: orders of the user's store, newest first; search
    by number, plate, VIN, customer name or mobile, and a status. A value that
    does not fit (an unknown status) is ignored, as if it were not given."""

    q = django_filters.CharFilter(method="search")
    status = django_filters.ChoiceFilter(choices=WorkOrder.Status.choices)

    def __init__(self, data, *, user: User) -> None:
        self.user = user
        super().__init__(data if data is not None else {}, queryset=scoped(WorkOrder.objects.all(), user)
                         .select_related("store", "customer", "vehicle", "advisor"))

    def search(self, qs: QuerySet[WorkOrder], name: str, value: str) -> QuerySet[WorkOrder]:
        query = value[:SEARCH_LENGTH].strip()
        if not query:
            return qs
        # each branch is an indexed lookup (number, plate, VIN, mobile, name prefix), so the search
        # stays fast at a dealer group's size instead of scanning the joined orders
        plate = normalize_plate(query)
        # the ids first (two small indexed queries), so the orders are found through their own indexes
        # (number, vehicle, customer) rather than by filtering every order of the store
        vehicles = list(scoped(Vehicle.objects.filter(Q(plate=plate) | Q(vin=query.upper())), self.user)
                        .values_list("id", flat=True)[:SEARCH_LIMIT])
        customers = list(scoped(Customer.objects.filter(Q(mobile=query) | Q(name__startswith=query)), self.user)
                         .values_list("id", flat=True)[:SEARCH_LIMIT])
        return qs.filter(Q(number=query.upper()) | Q(vehicle_id__in=vehicles) | Q(customer_id__in=customers))

    def filter_queryset(self, queryset: QuerySet[WorkOrder]) -> QuerySet[WorkOrder]:
        return super().filter_queryset(queryset).order_by("-created_at", "-id")


class PartFilter(django_filters.FilterSet):
    """The parts list: active parts with what is free, by store and number;
    search by the start of the number or a word of the name."""

    q = django_filters.CharFilter(method="search")

    def __init__(self, data, *, user: User) -> None:
        super().__init__(data if data is not None else {}, queryset=scoped(Part.objects.filter(active=True), user)
                         .select_related("store").annotate(free=F("on_hand") - F("reserved"))
                         .order_by("store__code", "number"))

    def search(self, qs: QuerySet[Part], name: str, value: str) -> QuerySet[Part]:
        query = value[:SEARCH_LENGTH].strip()
        return (qs.filter(number__istartswith=query) | qs.filter(name__icontains=query)) if query else qs


class IdField(forms.IntegerField):
    """Plain ASCII digits only (int() would also read other scripts' digits)."""

    def to_python(self, value):
        if value not in self.empty_values and not str(value).strip().isascii():
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        return super().to_python(value)


class IdFilter(django_filters.Filter):
    """A record id: a whole number that fits the database's id column."""

    field_class = IdField

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, min_value=1, max_value=2**63 - 1, **kwargs)


class PeriodFilter(django_filters.FilterSet):
    """A calendar month, as YYYY-MM (not valid: as if not given). The figures
    pages read many tables, each along its own path to the period, so they
    take the cleaned values (`values`) rather than one filtered queryset."""

    month = django_filters.DateFilter(field_name="created_at", input_formats=["%Y-%m"], method="in_month")

    class Meta:
        model = WorkOrder  # the orders created in the month, when it filters a queryset of its own
        fields: list[str] = []

    def in_month(self, qs: QuerySet, name: str, value: date) -> QuerySet:
        zone = timezone.get_current_timezone()
        first = value.replace(day=1)
        following = (first + timedelta(days=32)).replace(day=1)
        return qs.filter(**{f"{name}__gte": datetime.combine(first, time.min, zone),
                            f"{name}__lt": datetime.combine(following, time.min, zone)})

    def values(self) -> dict:
        """What was asked for and fits; a value that does not fit is left out."""
        self.form.is_valid()
        return self.form.cleaned_data


def work_order_detail(*, user: User, pk: int) -> WorkOrder:
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


HEADER_TASKS = 10  # the most urgent few on each home page; the rest one click away (dealership:tasks)

# The ranking (docs/decisions.md, "Tasks"): someone waiting now, then overdue, then by due time, then the
# oldest. One definition for the header, the all-tasks page and the order page, and part of the query:
# the database sorts the open rows it found and returns only the page asked for.
URGENCY = "CASE WHEN t.urgent THEN 0 WHEN t.due_at <= %s THEN 1 ELSE 2 END"
RANKED = "urgency, t.due_at IS NULL, t.due_at, t.created_at, t.id"


class TaskList(list):
    """A page of open tasks and how many there are in all."""

    total = 0


def _ranked(rows: str, params: list, *, now: datetime, limit: int, offset: int) -> tuple[str, list]:
    sql = (f"SELECT t.*, {URGENCY} AS urgency, COUNT(*) OVER () AS total FROM ({rows}) AS t "
           f"ORDER BY {RANKED} LIMIT %s OFFSET %s")
    return sql, [connection.ops.adapt_datetimefield_value(now), *params, limit, offset]


def open_tasks_query(*, user: User, limit: int, offset: int, now: datetime) -> tuple[str, list]:
    # Two indexed lookups (the open tasks by assignee and by role) instead of one OR over every open
    # task. Written out: this runs on every staff page, and building the union through the ORM cost
    # more than running it (issue 9). The two halves cannot overlap (assignee set / not set).
    table = connection.ops.quote_name(StaffTask._meta.db_table)
    roles = sorted(user.roles)
    role_in = ", ".join(["%s"] * len(roles)) or "NULL"
    rows = (f"SELECT * FROM {table} WHERE store_id = %s AND done_at IS NULL AND assignee_id = %s "
            f"UNION ALL SELECT * FROM {table} WHERE store_id = %s AND done_at IS NULL AND assignee_id IS NULL "
            f"AND role IN ({role_in})")
    return _ranked(rows, [user.store_id, user.pk, user.store_id, *roles], now=now, limit=limit, offset=offset)


def _fetch(sql: str, params: list) -> TaskList:
    tasks = TaskList(StaffTask.objects.raw(sql, params))
    tasks.total = tasks[0].total if tasks else 0
    return tasks


def open_tasks_for(*, user: User, limit: int = HEADER_TASKS, offset: int = 0) -> TaskList:
    """The user's open tasks, most urgent first: assigned to them, or to one
    of their roles in their store (PROMPT rules). One query, bounded by
    `limit`; `.total` counts them all (window count, no second query)."""
    if user.store_id is None:
        return TaskList()
    return _fetch(*open_tasks_query(user=user, limit=limit, offset=offset, now=timezone.now()))


class OpenTasks:
    """The user's open tasks for a Paginator: counted once, then only the
    page shown is read, in the header's order."""

    def __init__(self, user: User):
        self.user = user

    def count(self) -> int:
        return self[0:1].total  # the window count of the first row

    def __getitem__(self, page: slice) -> TaskList:
        return open_tasks_for(user=self.user, limit=page.stop - page.start, offset=page.start)


def work_order_open_tasks(*, work_order: WorkOrder, limit: int = 20) -> TaskList:
    """The order's open tasks, whoever they are for, in the same order (the
    order page links them). Few per order; the work order index finds them."""
    table = connection.ops.quote_name(StaffTask._meta.db_table)
    rows = f"SELECT * FROM {table} WHERE work_order_id = %s AND store_id = %s AND done_at IS NULL"
    tasks = _fetch(*_ranked(rows, [work_order.pk, work_order.store_id], now=timezone.now(), limit=limit, offset=0))
    prefetch_related_objects(tasks, "assignee")
    return tasks


def car_lookup_context(*, store, form) -> dict:
    """The record behind the car fields of a booking or walk-in form (SCH-5:
    the customer file and earlier visits)."""
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
