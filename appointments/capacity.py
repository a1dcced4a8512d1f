"""Workshop capacity for appointments (APT-5, APT-X4): technician hours by
trade per day, within the share the store keeps for appointments."""

from collections import defaultdict
from collections.abc import Iterable
from datetime import date, timedelta
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils.translation import gettext as _

from dealership.errors import ProcessError
from dealership.hours import store_hours, store_hours_range
from dealership.messages import N_
from dealership.models import LabourOperation, Role, Store, Trade, User
from dealership.services import money, staff_task_create

from .models import WorkshopDay

HORIZON_DAYS = 21


class CapacityFull(ProcessError):
    def __init__(self, message: str, *, days_with_room: list[date]) -> None:
        super().__init__(message, rule="APT-5")
        self.days_with_room = days_with_room


def hours_by_trade(labour_operations: Iterable[LabourOperation]) -> dict[str, Decimal]:
    hours: dict[str, Decimal] = defaultdict(Decimal)
    for op in labour_operations:
        hours[op.trade] += op.standard_hours
    return {trade: money(h) for trade, h in hours.items() if h > 0}


def capacity_hours(*, store: Store, trade: str, day: date | None = None) -> Decimal:
    """The hours of `trade` kept for appointments on a day; none on a day the store is closed (a holiday, a closed
    weekday: dealership.hours)."""
    if day is not None and store_hours(store, day) is None:
        return Decimal("0.00")
    technicians = User.objects.filter(store=store, is_active=True, trade=trade,
                                      staff_roles__role=Role.TECHNICIAN).count()
    return money(Decimal(technicians) * store.technician_hours_per_day * store.appointment_capacity_percent / 100)


def workshop_day(*, store: Store, day: date, trade: str) -> WorkshopDay:
    existing = WorkshopDay.objects.filter(store=store, day=day, trade=trade).first()
    if existing:
        return existing
    try:
        with transaction.atomic():
            return WorkshopDay.objects.create(store=store, day=day, trade=trade,
                                              capacity_hours=capacity_hours(store=store, trade=trade, day=day))
    except IntegrityError:  # created by someone else a moment ago
        return WorkshopDay.objects.get(store=store, day=day, trade=trade)


def has_room(*, store: Store, day: date, hours: dict[str, Decimal]) -> bool:
    return all(workshop_day(store=store, day=day, trade=t).free_hours >= h for t, h in hours.items())


def has_room_now(*, store: Store, day: date, hours: dict[str, Decimal]) -> bool:
    """has_room for a page anyone may load (the customer's link): reads the
    days, never creates them (a day without a row has nothing booked yet)."""
    rows = {row.trade: row for row in WorkshopDay.objects.filter(store=store, day=day, trade__in=list(hours))}
    return all((rows[t].free_hours if t in rows else capacity_hours(store=store, trade=t, day=day)) >= h
               for t, h in hours.items())


def days_with_room(*, store: Store, hours: dict[str, Decimal], after: date, count: int = 3) -> list[date]:
    found: list[date] = []
    for offset in range(1, HORIZON_DAYS + 1):
        day = after + timedelta(days=offset)
        if has_room(store=store, day=day, hours=hours):
            found.append(day)
            if len(found) == count:
                break
    return found


def capacity_take(*, store: Store, day: date, hours: dict[str, Decimal], beyond: bool = False) -> None:
    """Take the hours, all trades or none (call inside the booking's
    transaction). The conditional UPDATE is the lock: of two bookings of the
    last hours, the second finds the row changed and takes nothing."""
    for trade, needed in hours.items():
        row = workshop_day(store=store, day=day, trade=trade)
        rows = WorkshopDay.objects.filter(pk=row.pk)
        if not beyond:
            rows = rows.filter(booked_hours__lte=F("capacity_hours") - needed)
        if rows.update(booked_hours=F("booked_hours") + needed) != 1:
            row.refresh_from_db()
            if needed > row.capacity_hours:
                raise CapacityFull(
                    _("This job needs %(hours)s h of %(trade)s work, more than the %(capacity)s h a day kept for "
                      "appointments: the after-sales manager can book it beyond capacity, or split it over days.")
                    % {"hours": needed, "trade": Trade(trade).label, "capacity": row.capacity_hours},
                    days_with_room=[])
            raise CapacityFull(
                _("The workshop has no room for %(hours)s h of %(trade)s work on %(day)s "
                  "(%(free)s h of %(capacity)s h kept for appointments are free).")
                % {"hours": needed, "trade": Trade(trade).label, "day": day.strftime("%m-%d"),
                   "free": max(row.free_hours, Decimal("0")), "capacity": row.capacity_hours},
                days_with_room=days_with_room(store=store, hours=hours, after=day))


def capacity_release(*, store: Store, day: date, hours: dict[str, str | Decimal]) -> None:
    for trade, taken in hours.items():
        WorkshopDay.objects.filter(store=store, day=day, trade=trade).update(
            booked_hours=F("booked_hours") - Decimal(taken))


def workshop_day_set(*, store: Store, day: date, trade: str, capacity: Decimal, note: str, actor: User) -> WorkshopDay:
    """The manager changes a day's hours for appointments (a technician ill,
    a course). Bookings already made stay; if the day is now over-booked the
    board shows it, and the advisors move appointments (APT-10)."""
    if not actor.has_role(Role.AFTERSALES_MANAGER, Role.FOREMAN):
        raise ProcessError(_("Only the after-sales manager or the foreman changes the workshop's capacity."))
    row = workshop_day(store=store, day=day, trade=trade)
    WorkshopDay.objects.filter(pk=row.pk).update(capacity_hours=money(capacity), note=note.strip()[:200])
    row.refresh_from_db()
    if row.booked_hours > row.capacity_hours:  # APT-10: tell the customers now, not when they come
        _tell_overbooked(store, day, trade, row.booked_hours, row.capacity_hours)
    return row


def _tell_overbooked(store: Store, day: date, trade: str, booked: Decimal, capacity: Decimal) -> None:
    staff_task_create(store=store, role=Role.SERVICE_ADVISOR, link=f"/appointments/?day={day.isoformat()}",
                      key=f"overbooked-{day.isoformat()}-{trade}-{capacity}",
                      message=N_("%(day)s is over-booked for %(trade)s (%(booked)s of %(capacity)s hours): "
                                 "move appointments and tell the customers"),
                      params={"day": day.strftime("%m-%d"), "trade": Trade(trade).label,
                              "booked": str(booked), "capacity": str(capacity)})


def capacity_overview(*, store: Store, start: date, days: int = 14) -> list[tuple[date, list[WorkshopDay]]]:
    """The coming days by trade, created on first view so they can be edited."""
    rows = {(r.day, r.trade): r for r in WorkshopDay.objects.filter(store=store, day__gte=start,
                                                                     day__lt=start + timedelta(days=days))}
    out = []
    for offset in range(days):
        day = start + timedelta(days=offset)
        out.append((day, [rows.get((day, t)) or workshop_day(store=store, day=day, trade=t) for t in Trade.values]))
    return out


def capacity_follow_hours(store: Store, since: date) -> None:
    """After the store's hours or closed days changed (dealership.hours.hours_changed, inside that transaction):
    the workshop days already counted from `since` on follow. A day now closed has no hours for appointments; one
    open again gets its hours back when it had none. A closed day with bookings already on it is over-booked: the
    advisors are asked to move those appointments and tell the customers (APT-10)."""
    rows = list(WorkshopDay.objects.filter(store=store, day__gte=since).order_by("day", "trade"))
    if not rows:
        return
    open_on = dict(store_hours_range(store, rows[0].day, (rows[-1].day - rows[0].day).days + 1))
    for row in rows:
        if open_on[row.day] is None and row.capacity_hours != 0:
            WorkshopDay.objects.filter(pk=row.pk).update(capacity_hours=Decimal("0.00"))
            if row.booked_hours > 0:
                _tell_overbooked(store, row.day, row.trade, row.booked_hours, Decimal("0.00"))
        elif open_on[row.day] is not None and row.capacity_hours == 0:
            WorkshopDay.objects.filter(pk=row.pk).update(capacity_hours=capacity_hours(store=store, trade=row.trade))
