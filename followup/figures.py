"""The manager's numbers (FU-4, FU-5): follow-up, satisfaction, complaints,
the process figures the earlier stages record, and the must-avoid items of
process-rules.md that the system can count. Every figure is a grouped query:
the number of queries does not grow with the data."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.db.models import Avg, Count, Exists, F, OuterRef, Q, QuerySet, Sum
from django.db.models.functions import TruncMonth
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from appointments.arrivals import wait_known
from appointments.models import Appointment, Confirmation, QueueTicket
from dealership.access import scoped
from dealership.models import User, WorkOrder, WorkOrderEvent, WorkOrderLine
from inspection.models import Inspection
from settlement.models import GatePass, Payment, Statement
from workshop.models import Job

from .models import Complaint, Dimension, FollowUpCall, FollowUpTask
from .selectors import FiguresFilter

S = WorkOrder.Status
L = WorkOrderLine


@dataclass(frozen=True)
class Filters:
    start: datetime
    end: datetime
    month: str
    store_id: int | None = None
    advisor_id: int | None = None


def filters_from(params, today: date | None = None, user: User | None = None) -> Filters:
    """The month (YYYY-MM, this month by default), a store and an advisor from the query string
    (FiguresFilter: a value that does not fit counts as not given). A store's own manager always
    sees their store; a group manager may pick one."""
    asked = FiguresFilter(params).values()
    first = (asked.get("month") or today or timezone.localdate()).replace(day=1)
    following = (first + timedelta(days=32)).replace(day=1)
    zone = timezone.get_current_timezone()
    store_id = asked.get("store") if user is None or user.is_group_manager else user.store_id
    return Filters(datetime.combine(first, time.min, zone), datetime.combine(following, time.min, zone),
                   first.strftime("%Y-%m"), store_id, asked.get("advisor"))


def pct(part: int | None, whole: int | None) -> float | None:
    return round(100 * (part or 0) / whole, 1) if whole else None


def _scope(qs: QuerySet, user: User, f: Filters, order_path: str) -> QuerySet:
    """Scope by the user's stores, then the filters (store, and the advisor of the work order)."""
    qs = scoped(qs, user)
    if f.store_id:
        qs = qs.filter(store_id=f.store_id)
    if f.advisor_id:
        qs = qs.filter(**{f"{order_path}advisor_id" if order_path else "advisor_id": f.advisor_id})
    return qs


# --- follow-up, satisfaction, complaints --------------------------------------------------

def followup_figures(user: User, f: Filters) -> dict:
    """FU-1: tasks of orders delivered in the period; done, done on time (within the window)."""
    tasks = _scope(FollowUpTask.objects.filter(created_at__gte=f.start, created_at__lt=f.end), user, f,
                   "work_order__")
    now = timezone.now()
    t = tasks.aggregate(total=Count("id"), done=Count("id", filter=Q(status=FollowUpTask.Status.DONE)),
                        on_time=Count("id", filter=Q(status=FollowUpTask.Status.DONE, done_at__lte=F("due_by"))),
                        overdue=Count("id", filter=Q(status=FollowUpTask.Status.OPEN, due_by__lt=now)))
    by_store = list(tasks.values("store__name").annotate(
        total=Count("id"), done=Count("id", filter=Q(status=FollowUpTask.Status.DONE)),
        on_time=Count("id", filter=Q(status=FollowUpTask.Status.DONE, done_at__lte=F("due_by"))))
        .order_by("store__name"))
    for row in by_store:
        row["rate"], row["on_time_rate"] = pct(row["done"], row["total"]), pct(row["on_time"], row["total"])
    return {**t, "rate": pct(t["done"], t["total"]), "on_time_rate": pct(t["on_time"], t["total"]),
            "by_store": by_store}


SCORE_FIELDS = {Dimension.OVERALL: "satisfaction", **{d: d for d in Dimension.values if d != Dimension.OVERALL}}


def satisfaction_figures(user: User, f: Filters, months: int = 6) -> dict:
    """Average score per dimension, per month over the last months up to the period."""
    since = (f.start.date().replace(day=1) - timedelta(days=31 * (months - 1))).replace(day=1)
    zone = timezone.get_current_timezone()
    calls = _scope(FollowUpCall.objects.filter(reached=True, at__gte=datetime.combine(since, time.min, zone),
                                               at__lt=f.end), user, f, "task__work_order__")
    rows = (calls.annotate(m=TruncMonth("at", tzinfo=zone)).values("m")
            .annotate(n=Count("id"), **{d: Avg(field) for d, field in SCORE_FIELDS.items()}).order_by("m"))
    by_month = {r["m"].date() if hasattr(r["m"], "date") else r["m"]: r for r in rows}
    series = []
    month = since
    while month < f.end.date():
        row = by_month.get(month, {})
        series.append({"month": month, "n": row.get("n", 0),
                       **{d: (round(row[d], 2) if row.get(d) is not None else None) for d in SCORE_FIELDS}})
        month = (month + timedelta(days=32)).replace(day=1)
    current = series[-1] if series else {}
    return {"series": series, "current": current,
            "dimensions": [(d, Dimension(d).label) for d in SCORE_FIELDS]}


def complaint_figures(user: User, f: Filters) -> dict:
    complaints = _scope(Complaint.objects.filter(created_at__gte=f.start, created_at__lt=f.end), user, f,
                        "work_order__")
    now = timezone.now()
    totals = complaints.aggregate(
        total=Count("id"), closed=Count("id", filter=Q(status=Complaint.Status.CLOSED)),
        overdue=Count("id", filter=Q(due_at__lt=now) & ~Q(status=Complaint.Status.CLOSED)))
    stage = {r["stage"]: r["n"] for r in complaints.values("stage").annotate(n=Count("id")).order_by()}
    category = {r["category"]: r["n"] for r in complaints.values("category").annotate(n=Count("id")).order_by()}
    return {**totals,
            "by_stage": [(label, stage.get(value, 0)) for value, label in Complaint.Stage.choices]
            + ([(_("Not classified yet"), stage[""])] if stage.get("") else []),
            "by_category": [(label, category.get(value, 0)) for value, label in Complaint.Category.choices]
            + ([(_("Not classified yet"), category[""])] if category.get("") else [])}


def people_figures(user: User, f: Filters) -> dict:
    """FU-5: satisfaction and complaints per store, advisor and technician."""
    calls = _scope(FollowUpCall.objects.filter(reached=True, at__gte=f.start, at__lt=f.end), user, f,
                   "task__work_order__")
    complaints = _scope(Complaint.objects.filter(created_at__gte=f.start, created_at__lt=f.end), user, f,
                        "work_order__")

    def merge(call_rows, complaint_rows, key):
        out: dict[str, dict] = {}
        for r in call_rows:
            out.setdefault(r[key] or "—", {"calls": 0, "avg": None, "complaints": 0}).update(
                calls=r["n"], avg=round(r["avg"], 2) if r["avg"] is not None else None)
        for r in complaint_rows:
            out.setdefault(r[key] or "—", {"calls": 0, "avg": None, "complaints": 0})["complaints"] = r["n"]
        return sorted(out.items())

    advisor = "task__work_order__advisor__display_name"
    tech = "task__work_order__jobs__technician__display_name"
    return {
        "stores": merge(calls.values("store__name").annotate(n=Count("id"), avg=Avg("satisfaction")).order_by(),
                        complaints.values("store__name").annotate(n=Count("id")).order_by(), "store__name"),
        "advisors": merge(
            calls.values(advisor).annotate(n=Count("id"), avg=Avg("satisfaction")).order_by(),
            [{advisor: r["work_order__advisor__display_name"], "n": r["n"]}
             for r in complaints.values("work_order__advisor__display_name").annotate(n=Count("id")).order_by()],
            advisor),
        "technicians": merge(
            calls.filter(task__work_order__jobs__kind=Job.Kind.REPAIR).values(tech)
            .annotate(n=Count("id", distinct=True), avg=Avg("satisfaction")).order_by(),
            [{tech: r["work_order__jobs__technician__display_name"], "n": r["n"]}
             for r in complaints.filter(work_order__jobs__kind=Job.Kind.REPAIR)
             .values("work_order__jobs__technician__display_name").annotate(n=Count("id", distinct=True)).order_by()],
            tech),
    }


# --- the process figures of the earlier stages ----------------------------------------------

@dataclass
class Figure:
    label: str
    value: float | int | None
    part: int | None = None
    whole: int | None = None
    unit: str = "%"
    target: str = ""  # "zero" for the ones that must be zero
    rule: str = ""  # the rule of process-rules.md it measures, if there is one

    @property
    def bad(self) -> bool:
        return self.target == "zero" and bool(self.value)


def process_figures(user: User, f: Filters) -> list[Figure]:
    orders = _scope(WorkOrder.objects.all(), user, f, "")
    signed = orders.filter(customer_signed_at__gte=f.start, customer_signed_at__lt=f.end).aggregate(
        n=Count("id"), appointment=Count("id", filter=Q(origin=WorkOrder.Origin.APPOINTMENT)),
        no_promise=Count("id", filter=Q(promised_at__isnull=True)))
    appointments = _scope(Appointment.objects.filter(starts_at__gte=f.start, starts_at__lt=min(f.end, timezone.now())),
                          user, f, "").aggregate(
        arrived=Count("id", filter=Q(status=Appointment.Status.ARRIVED)),
        no_show=Count("id", filter=Q(status=Appointment.Status.NO_SHOW)),
        ready=Count("id", filter=Q(status=Appointment.Status.ARRIVED, ready_at_arrival=True)))
    confirmations = _scope(Confirmation.objects.filter(appointment__starts_at__gte=f.start,
                                                       appointment__starts_at__lt=min(f.end, timezone.now()))
                           .exclude(appointment__status=Appointment.Status.CANCELLED), user, f, "appointment__"
                           ).aggregate(n=Count("id"), sent=Count("id", filter=Q(sent_at__isnull=False,
                                                                               sent_at__lte=F("appointment__starts_at"))))
    unapproved = _scope(WorkOrderLine.objects.filter(
        work_order__customer_signed_at__gte=f.start, work_order__customer_signed_at__lt=f.end,
        created_at__gt=F("work_order__customer_signed_at"))
        .exclude(source__in=[L.Source.CHANGE, L.Source.QC]), user, f, "work_order__").count()
    first = _scope(Inspection.objects.filter(round=1, at__gte=f.start, at__lt=f.end), user, f, "work_order__") \
        .aggregate(n=Count("id"), passed=Count("id", filter=Q(passed=True)))
    ready = _scope(WorkOrderEvent.objects.filter(to_status=S.READY, at__gte=f.start, at__lt=f.end), user, f,
                   "work_order__").aggregate(
        n=Count("id"), kept=Count("id", filter=Q(at__lte=F("work_order__promised_at"))))
    statements = _scope(Statement.objects.filter(superseded=False, issued_at__gte=f.start, issued_at__lt=f.end),
                        user, f, "work_order__").aggregate(n=Count("id"), equal=Count("id", filter=Q(adjustments=0)))
    paid = Payment.objects.filter(work_order=OuterRef("work_order")).values("work_order").annotate(s=Sum("amount"))
    passes = _scope(GatePass.objects.filter(issued_at__gte=f.start, issued_at__lt=f.end), user, f, "work_order__")
    unpaid = passes.exclude(Exists(Statement.objects.filter(work_order=OuterRef("work_order"), superseded=False,
                                                            total__lte=paid.values("s")))) \
        .exclude(Exists(Statement.objects.filter(work_order=OuterRef("work_order"), superseded=False, total=0))).count()
    return [
        Figure(_("Appointment share"), pct(signed["appointment"], signed["n"]), signed["appointment"], signed["n"],
               rule="APT-1"),
        # APT-11: confirm a day and an hour before; each confirmation due, sent before the appointment
        Figure(_("Confirmations sent before the appointment"), pct(confirmations["sent"], confirmations["n"]),
               confirmations["sent"], confirmations["n"], rule="APT-11"),
        # an outcome, no rule of the process: of the customers due, those who did not come
        Figure(_("No-show rate"), pct(appointments["no_show"], appointments["arrived"] + appointments["no_show"]),
               appointments["no_show"], appointments["arrived"] + appointments["no_show"]),
        Figure(_("Ready when the customer arrived"), pct(appointments["ready"], appointments["arrived"]),
               appointments["ready"], appointments["arrived"], rule="REC-1"),
        Figure(_("Orders without an agreed delivery time"), signed["no_promise"], unit="", target="zero",
               rule="REC-X9"),
        Figure(_("Items added after signing without the customer's approval"), unapproved, unit="", target="zero",
               rule="REP-2"),
        Figure(_("First-time QC pass"), pct(first["passed"], first["n"]), first["passed"], first["n"], rule="QC-4"),
        Figure(_("Ready by the promised time"), pct(ready["kept"], ready["n"]), ready["kept"], ready["n"],
               rule="REP-8"),
        Figure(_("Statement equal to the quote"), pct(statements["equal"], statements["n"]), statements["equal"],
               statements["n"], rule="SET-2"),
        Figure(_("Gate passes without full payment"), unpaid, unit="", target="zero", rule="SET-14"),
    ]


def waits_and_receptions(user: User, f: Filters) -> dict:
    """Waits over the patience limit (SCH-2) and reception minutes (SCH-3):
    a few columns per ticket of the period (a month of one store is a few
    hundred rows). A wait counts once its outcome is known: called, gone
    without being called, or still waiting past the limit; one still within
    the limit is not counted yet."""
    now = timezone.now()
    rows = _scope(QueueTicket.objects.filter(
        Q(called_at__gte=f.start, called_at__lt=f.end)
        | Q(called_at__isnull=True, arrived_at__gte=f.start, arrived_at__lt=f.end)), user, f, "work_order__") \
        .values_list("arrived_at", "called_at", "left_at", "store__queue_patience_minutes",
                     "work_order__customer_signed_at")
    waits = over = 0
    receptions: list[float] = []
    for arrived_at, called_at, left_at, limit, signed_at in rows:
        waited = wait_known(arrived_at=arrived_at, called_at=called_at, left_at=left_at, limit=limit, now=now)
        if waited is None:
            continue
        waits += 1
        over += waited >= limit
        if called_at and signed_at and signed_at >= called_at:
            receptions.append((signed_at - called_at).total_seconds() / 60)
    return {"waits": waits, "over": over, "over_rate": pct(over, waits),
            "reception_minutes": round(sum(receptions) / len(receptions), 1) if receptions else None}


@dataclass
class Dashboard:
    filters: Filters
    followup: dict
    satisfaction: dict
    complaints: dict
    people: dict
    process: list[Figure]
    waits: dict
    extra: dict = field(default_factory=dict)


def dashboard(user: User, f: Filters) -> Dashboard:
    return Dashboard(f, followup_figures(user, f), satisfaction_figures(user, f), complaint_figures(user, f),
                     people_figures(user, f), process_figures(user, f), waits_and_receptions(user, f))
