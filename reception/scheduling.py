"""A promised delivery time suggested from the workshop's load (REC-11):
the hours already waiting in the workshop by trade, shared among the
technicians of that trade, then this order's hours and half an hour for QC
and washing, counted in the store's opening hours."""

import math
from collections import defaultdict
from datetime import date, datetime, timedelta
from decimal import Decimal

from django.db.models import Count, Sum
from django.utils import timezone

from dealership.hours import store_hours_range
from dealership.models import Role, Store, Trade, User, WorkOrder, WorkOrderLine

S = WorkOrder.Status
IN_WORKSHOP = [S.SIGNED, S.IN_REPAIR, S.QC_FAILED]
QC_AND_WASH = Decimal("0.5")
RECEPTION_LEFT = timedelta(minutes=15)


def add_working_hours(store: Store, start: datetime, hours: Decimal) -> datetime:
    """`hours` of work from `start`, counted only while the store is open (closed weekdays and holidays skipped)."""
    tz = timezone.get_current_timezone()
    moment = timezone.localtime(start)
    remaining = timedelta(hours=float(hours))
    day = moment.date()
    for day, open_hours in _open_days(store, moment.date(), 60):
        if open_hours is None:
            continue
        opens = datetime.combine(day, open_hours[0], tzinfo=tz)
        closes = datetime.combine(day, open_hours[1], tzinfo=tz)
        moment = max(moment, opens)
        if moment < closes:
            available = closes - moment
            if remaining <= available:
                return moment + remaining
            remaining -= available
    return max(moment, datetime.combine(day + timedelta(days=1), store.opens_at, tzinfo=tz))


def _open_days(store: Store, first: date, days: int):
    """The days from `first` with their hours, a week first: most work ends within it, and the workshop
    board asks this for every car it shows (issue 22: building 60 days each time was 8% of the board)."""
    week = min(7, days)
    yield from store_hours_range(store, first, week)
    yield from store_hours_range(store, first + timedelta(days=week), days - week)


def round_up_half_hour(moment: datetime) -> datetime:
    minutes = math.ceil((moment.minute + moment.second / 60) / 30) * 30
    return moment.replace(minute=0, second=0, microsecond=0) + timedelta(minutes=minutes)


def suggest_promised_at(*, order: WorkOrder, now: datetime | None = None) -> datetime:
    now = now or timezone.now()
    own: dict[str, Decimal] = defaultdict(Decimal)
    for line in order.lines.all():
        if line.kind == WorkOrderLine.Kind.LABOUR and line.approval == WorkOrderLine.Approval.APPROVED:
            trade = line.labour_operation.trade if line.labour_operation_id else Trade.MECHANICAL
            own[trade] += line.hours
    if not own:
        own[Trade.MECHANICAL] = Decimal("0.5")
    backlog = {row["labour_operation__trade"] or Trade.MECHANICAL: row["hours"] or Decimal(0) for row in (
        WorkOrderLine.objects.filter(store_id=order.store_id, work_order__status__in=IN_WORKSHOP,
                                     kind=WorkOrderLine.Kind.LABOUR, approval=WorkOrderLine.Approval.APPROVED)
        .values("labour_operation__trade").annotate(hours=Sum("hours")))}
    technicians = {row["trade"]: row["n"] for row in (
        User.objects.filter(store_id=order.store_id, is_active=True, staff_roles__role=Role.TECHNICIAN)
        .values("trade").annotate(n=Count("id")))}
    needed = max(backlog.get(t, Decimal(0)) / max(technicians.get(t, 0), 1) + h for t, h in own.items())
    finish = add_working_hours(order.store, now + RECEPTION_LEFT, needed + QC_AND_WASH)
    return round_up_half_hour(finish)
