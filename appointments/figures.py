"""The manager's figures for stage 1 (APT-1, APT-5, APT-9…APT-12, SCH-2):
per store, per advisor and per week. Each figure is computed from the raw
records of the period in a fixed number of queries."""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.db.models import Q
from django.utils import timezone

from dealership.access import scoped
from dealership.models import User, WorkOrder

from .arrivals import wait_known
from .models import Appointment, AppointmentChange, BookingRequest, Confirmation, QueueTicket

A = Appointment.Status
SENT_STATES = (Confirmation.Status.SENT, Confirmation.Status.CALL)


@dataclass
class Row:
    orders: int = 0
    from_appointments: int = 0
    appointments: int = 0
    day_before_due: int = 0
    day_before_on_time: int = 0
    hour_before_due: int = 0
    hour_before_on_time: int = 0
    arrived: int = 0
    no_shows: int = 0
    ready_at_arrival: int = 0
    moved_by_shop: int = 0
    cancelled_by_shop: int = 0
    waits: list = field(default_factory=list)
    waits_over_patience: int = 0
    requests: int = 0
    request_minutes: list = field(default_factory=list)
    receptions: list = field(default_factory=list)  # minutes from the call to the signatures
    receptions_over_target: int = 0

    @staticmethod
    def pct(part: int, whole: int) -> float | None:
        return round(100 * part / whole, 1) if whole else None

    @property
    def appointment_share(self): return self.pct(self.from_appointments, self.orders)
    @property
    def day_before_rate(self): return self.pct(self.day_before_on_time, self.day_before_due)
    @property
    def hour_before_rate(self): return self.pct(self.hour_before_on_time, self.hour_before_due)
    @property
    def no_show_rate(self): return self.pct(self.no_shows, self.arrived + self.no_shows)
    @property
    def readiness_rate(self): return self.pct(self.ready_at_arrival, self.arrived)
    @property
    def average_wait(self): return round(sum(self.waits) / len(self.waits), 1) if self.waits else None
    @property
    def over_patience_rate(self): return self.pct(self.waits_over_patience, len(self.waits))
    @property
    def average_reception(self): return round(sum(self.receptions) / len(self.receptions), 1) if self.receptions else None
    @property
    def reception_over_target_rate(self): return self.pct(self.receptions_over_target, len(self.receptions))

    @property
    def average_request_minutes(self):
        return round(sum(self.request_minutes) / len(self.request_minutes)) if self.request_minutes else None


def week_of(moment: datetime) -> date:
    day = timezone.localtime(moment).date()
    return day - timedelta(days=day.weekday())


def appointment_figures(*, user: User, weeks: int = 8, today: date | None = None) -> dict:
    today = today or timezone.localdate()
    first_week = today - timedelta(days=today.weekday()) - timedelta(weeks=weeks - 1)
    start = datetime.combine(first_week, time.min, tzinfo=timezone.get_current_timezone())
    by_week: dict[date, Row] = defaultdict(Row)
    by_advisor: dict[str, Row] = defaultdict(Row)
    by_store: dict[str, Row] = defaultdict(Row)

    def rows(moment, advisor_name, store_name):
        if advisor_name is None:  # a walk-in nobody called yet: the week and the store, no advisor
            return by_week[week_of(moment)], by_store[store_name]
        return by_week[week_of(moment)], by_advisor[advisor_name], by_store[store_name]

    for signed_at, origin, advisor, store in scoped(WorkOrder.objects.filter(customer_signed_at__gte=start), user) \
            .values_list("customer_signed_at", "origin", "advisor__display_name", "store__name"):
        for row in rows(signed_at, advisor, store):
            row.orders += 1
            row.from_appointments += origin == WorkOrder.Origin.APPOINTMENT

    appointments = list(scoped(Appointment.objects.filter(starts_at__gte=start, starts_at__lt=timezone.now()), user)
                        .values("pk", "starts_at", "created_at", "status", "ready_at_arrival", "closed_by_shop",
                                "advisor__display_name", "store__name"))
    confirmations = defaultdict(dict)
    for appointment_id, kind, status, sent_at in Confirmation.objects.filter(
            appointment_id__in=[a["pk"] for a in appointments]).values_list("appointment_id", "kind", "status",
                                                                            "sent_at"):
        if status in SENT_STATES and sent_at:
            confirmations[appointment_id][kind] = min(sent_at, confirmations[appointment_id].get(kind, sent_at))
    for a in appointments:
        for row in rows(a["starts_at"], a["advisor__display_name"], a["store__name"]):
            row.appointments += 1
            if a["status"] == A.CANCELLED:
                continue
            if a["created_at"] <= a["starts_at"] - timedelta(hours=24):
                row.day_before_due += 1
                sent = confirmations[a["pk"]].get(Confirmation.Kind.DAY_BEFORE)
                row.day_before_on_time += bool(sent and sent <= a["starts_at"] - timedelta(hours=1))
            row.hour_before_due += 1
            sent = confirmations[a["pk"]].get(Confirmation.Kind.HOUR_BEFORE)
            row.hour_before_on_time += bool(sent and sent <= a["starts_at"])
            row.arrived += a["status"] == A.ARRIVED
            row.no_shows += a["status"] == A.NO_SHOW
            row.ready_at_arrival += a["status"] == A.ARRIVED and bool(a["ready_at_arrival"])

    K = AppointmentChange.Kind
    for at, kind, advisor, store in scoped(AppointmentChange.objects.filter(
            at__gte=start, by_shop=True, kind__in=[K.MOVED, K.CANCELLED]), user).values_list(
            "at", "kind", "appointment__advisor__display_name", "store__name"):
        for row in rows(at, advisor, store):
            if kind == K.MOVED:
                row.moved_by_shop += 1
            else:
                row.cancelled_by_shop += 1

    # SCH-2: a wait counts once its outcome is known: called, gone without being called, or still waiting past
    # the limit (on the advisor who called them, or whose appointment customer waits)
    now = timezone.now()
    for arrived_at, called_at, left_at, called_by, booked_with, limit, store, signed_at, target in scoped(
            QueueTicket.objects.filter(Q(called_at__gte=start) | Q(called_at__isnull=True, arrived_at__gte=start)),
            user).values_list("arrived_at", "called_at", "left_at", "called_by__display_name",
                              "appointment__advisor__display_name", "store__queue_patience_minutes", "store__name",
                              "work_order__customer_signed_at", "store__reception_target_minutes"):
        minutes = wait_known(arrived_at=arrived_at, called_at=called_at, left_at=left_at, limit=limit, now=now)
        if minutes is None:
            continue
        for row in rows(called_at or arrived_at, called_by if called_at else booked_with, store):
            row.waits.append(minutes)
            row.waits_over_patience += minutes >= limit
            if called_at and signed_at and signed_at >= called_at:  # SCH-3: the reception against the 12-minute aim
                reception = (signed_at - called_at).total_seconds() / 60
                row.receptions.append(reception)
                row.receptions_over_target += reception > target

    for created_at, handled_at in scoped(BookingRequest.objects.filter(created_at__gte=start), user).values_list(
            "created_at", "handled_at"):
        row = by_week[week_of(created_at)]
        row.requests += 1
        if handled_at:
            row.request_minutes.append((handled_at - created_at).total_seconds() / 60)

    weeks_list = [first_week + timedelta(weeks=i) for i in range(weeks)]
    total = Row()
    for week in weeks_list:
        row = by_week[week]
        for name in ("orders", "from_appointments", "appointments", "day_before_due", "day_before_on_time",
                     "hour_before_due", "hour_before_on_time", "arrived", "no_shows", "ready_at_arrival",
                     "moved_by_shop", "cancelled_by_shop", "waits_over_patience", "requests"):
            setattr(total, name, getattr(total, name) + getattr(row, name))
        total.waits += row.waits
        total.request_minutes += row.request_minutes
        total.receptions += row.receptions
        total.receptions_over_target += row.receptions_over_target
    return {"weeks": [(w, by_week[w]) for w in weeks_list], "advisors": sorted(by_advisor.items()),
            "stores": sorted(by_store.items()),
            "total": total, "since": first_week}
