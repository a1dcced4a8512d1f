"""Issue 21: every "must avoid" item of the standard process (process-rules.md,
APT-X1 … FU-X8) has exactly one home, stated in ITEMS below:

- REFUSED: a guard does not let it happen. Counted: the refused attempts
  (dealership.attempts records them) and the times a manager overrode the
  guard, with the reasons.
- MEASURED: the records show each case. Counted: cases of a base (a rate),
  by store, advisor, technician and month.
- AUDITED: it cannot be read from records. Counted from a survey dimension
  the customer scored low (2 or less of 5) and from managers' spot checks on
  chosen orders (each audited item a question, kept or not).

Each item's counting is a list of Measures: one grouped query per measure
and kind of person over one month of all stores, bounded by the month
(every `when` is an indexed date of the model). The compliance job
(followup/compliance.py) writes the counts per store and month; the page
and the monthly report read those rows, never the orders themselves.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

from django.db.models import Count, Exists, F, Model, OuterRef, Q, QuerySet
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from appointments.models import Appointment, AppointmentChange, BookingRequest, Confirmation, QueueTicket
from dealership.models import RefusedAttempt, StaffTask, WorkOrder, WorkOrderEvent, WorkOrderLine
from inspection.models import Handover, Inspection
from reception.models import ExpertRequest
from settlement.models import Delivery, Statement
from workshop.models import Job

from .models import Complaint, CorrectiveAction, FollowUpCall, FollowUpTask, SpotCheckAnswer

REFUSED, MEASURED, AUDITED = "refused", "measured", "audited"
HOMES = {REFUSED: _("Refused"), MEASURED: _("Measured"), AUDITED: _("Audited")}
STAGES = [("APT", _("Appointment")), ("REC", _("Reception")), ("REP", _("Repair")), ("QC", _("Quality inspection")),
          ("SET", _("Settlement and delivery")), ("FU", _("Follow-up"))]
LOW_SCORE = 2  # a survey answer of 2 or less of 5 counts as the item not kept
ADVISOR_TOLD_MINUTES = 30  # QC-X6: the advisor took the car over this long after the pass, or later
S = WorkOrder.Status


@dataclass(frozen=True)
class Period:
    start: datetime
    end: datetime
    now: datetime

    @property
    def until(self) -> datetime:
        """The end, or now for the running month: what is due later is not late yet."""
        return min(self.end, self.now)


Cond = Q | Exists | Callable[[Period], "Q | Exists"]


def _cond(c: Cond | None, p: Period) -> Q | Exists | None:
    return c(p) if callable(c) and not isinstance(c, (Q, Exists)) else c


@dataclass(frozen=True)
class Measure:
    """One count: the rows of `model` whose `when` falls in the month (up to
    now when `due`), filtered by `base`; of them, the cases (`case`). `feeds`
    says what the count is: "rate" (cases of base), "attempts" (a refused
    item's refused attempts) or "overrides" (a manager let it through)."""

    model: type[Model]
    when: str
    base: Cond = Q()
    case: Cond | None = None
    feeds: str = "rate"
    store: str = "store_id"
    advisor: str | None = None
    technician: str | None = None
    due: bool = False
    related: tuple[str, ...] = ()
    link: Callable[[Model], str] = lambda obj: ""
    label: Callable[[Model], str] = str
    detail: Callable[[Model], str] = lambda obj: ""
    title: str = ""

    def rows(self, p: Period) -> QuerySet:
        end = p.until if self.due else p.end
        return self.model.objects.filter(**{f"{self.when}__gte": p.start, f"{self.when}__lt": end}) \
            .filter(_cond(self.base, p))

    def cases(self, p: Period) -> QuerySet:
        rows = self.rows(p)
        case = _cond(self.case, p)
        return rows.filter(case) if case is not None else rows

    def person_path(self, kind: str) -> str | None:
        return {"": None, "advisor": self.advisor, "technician": self.technician}[kind]

    def counts(self, p: Period, store_ids: list[int], kind: str) -> dict[tuple[int, int | None], tuple[int, int]]:
        """(store, person) -> (base, cases) in one grouped query; `kind` "" is the store's total."""
        person = self.person_path(kind)
        keys = [self.store] + ([person] if person else [])
        rows = self.in_stores(self.rows(p), store_ids)
        case = _cond(self.case, p)
        # a join to many (an order's jobs) repeats a row: count each row once
        distinct = bool(person and "__" in person) or "__" in self.when
        annotate = {"n": Count("pk", distinct=distinct)}
        if case is not None:
            annotate["c"] = Count("pk", filter=case, distinct=distinct)
        out = {}
        for row in rows.values(*keys).annotate(**annotate).order_by():
            who = row[person] if person else None
            if person and who is None:
                continue
            out[(row[self.store], who)] = (row["n"], row["c"] if case is not None else row["n"])
        return out

    def in_stores(self, qs: QuerySet, store_ids: list[int]) -> QuerySet:
        """The stores' rows; when the date is a related record's (an order's delivery), that record's own store
        too, so its (store, date) index finds the month."""
        qs = qs.filter(**{f"{self.store}__in": store_ids})
        if "__" in self.when:
            through = self.when.rsplit("__", 1)[0]
            if not self.store.startswith(f"{through}__"):
                qs = qs.filter(**{f"{through}__store_id__in": store_ids})
        return qs

    def case_rows(self, p: Period, store_ids: list[int] | None, kind: str = "", person_id: int | None = None):
        qs = self.cases(p)
        if store_ids is not None:
            qs = self.in_stores(qs, store_ids)
        path = self.person_path(kind)
        if path and person_id:
            qs = qs.filter(**{path: person_id})
        related = list(self.related)
        if "__" in self.when:  # the date shown is read with the row, not one query per row
            related.append(self.when.rsplit("__", 1)[0])
        qs = qs.select_related(*related).order_by(f"-{self.when}", "-pk")
        return qs.distinct() if path and "jobs" in path else qs  # only a job's technician repeats a row


class ReportMeasure(Measure):
    """FU-X7: a store with no monthly analysis report for the month before the
    one counted (the report of a month is made on the first of the next)."""

    def counts(self, p: Period, store_ids: list[int], kind: str) -> dict[tuple[int, int | None], tuple[int, int]]:
        if kind or p.now < p.start + timedelta(days=1):
            return {}
        active = self._active(p, store_ids)
        have = set(self._reports(p, active).values_list("store_id", flat=True))
        return {(pk, None): (1, int(pk not in have)) for pk in active}

    @staticmethod
    def _before(p: Period) -> datetime:
        return datetime.combine((p.start - timedelta(days=1)).date().replace(day=1), datetime.min.time(),
                                p.start.tzinfo)

    def _active(self, p: Period, store_ids: list[int]) -> list[int]:
        """The stores that worked in the month before (an order opened): a store that was not using the
        system yet owes no report for it."""
        return sorted(set(WorkOrder.objects.filter(store_id__in=store_ids, created_at__gte=self._before(p),
                                                   created_at__lt=p.start).values_list("store_id", flat=True)
                          .distinct().order_by()))

    def _reports(self, p: Period, store_ids: list[int]) -> QuerySet:
        from .models import MonthlyReport

        return MonthlyReport.objects.filter(store_id__in=store_ids, month=self._before(p).date())

    def case_rows(self, p: Period, store_ids: list[int] | None, kind: str = "", person_id: int | None = None):
        from dealership.models import Store

        stores = Store.objects.all() if store_ids is None else Store.objects.filter(pk__in=store_ids)
        if kind or p.now < p.start + timedelta(days=1):
            return stores.none()
        active = self._active(p, list(stores.values_list("pk", flat=True)))
        have = self._reports(p, active).values("store_id")
        return stores.filter(pk__in=active).exclude(pk__in=have).order_by("name")


@dataclass(frozen=True)
class Item:
    code: str
    label: str
    home: str
    measures: tuple[Measure, ...] = ()
    guards: tuple[str, ...] = ()  # REFUSED: the rules whose guard refuses it
    dimension: str = ""  # AUDITED: the survey dimension whose low score counts
    question: str = ""  # AUDITED: what the manager checks on the spot
    limit: Decimal = Decimal("5")  # the default threshold: % for a rate, overrides a month for a refused item
    measure_text: str = ""  # what is counted, in words

    @property
    def stage(self) -> str:
        return self.code.split("-")[0]

    def get_home_display(self) -> str:
        return HOMES[self.home]

    @property
    def number(self) -> int:
        return int(self.code.split("X")[1])


# --- links and labels of the case rows --------------------------------------------------------------------

def _order_url(pk: int | None) -> str:
    return reverse("dealership:order", args=[pk]) if pk else ""


def _order(obj) -> str:
    return _order_url(obj.work_order_id)


def _appointment(obj) -> str:
    return reverse("appointments:detail", args=[obj.pk])


def _number(obj) -> str:
    order = getattr(obj, "work_order", None)
    return f"{order.number} {order.vehicle.plate}" if order is not None else str(obj)


def _rule_is(rule: str) -> Q:
    """A timeline event's `rule` holds one rule or several joined with ", "."""
    return Q(rule=rule) | Q(rule__startswith=f"{rule},") | Q(rule__endswith=f", {rule}") | Q(
        rule__contains=f", {rule},")


# --- refused items: attempts and overrides ------------------------------------------------------------------

def attempts(*rules: str) -> Measure:
    """Who was refused: in the workshop (REP, QC) a technician or an inspector, counted in the technicians'
    column; at the front (APT, REC, SET, FU) an agent, advisor or cashier, counted in the advisors' column."""
    workshop = rules[0].split("-")[0] in ("REP", "QC")
    return Measure(RefusedAttempt, "at", Q(rule__in=rules), feeds="attempts",
                   advisor=None if workshop else "actor_id", technician="actor_id" if workshop else None,
                   related=("actor", "work_order__vehicle"), link=lambda a: _order_url(a.work_order_id),
                   label=lambda a: _number(a) if a.work_order_id else a.path,
                   detail=lambda a: f"{a.rule}: {a.message} ({a.actor or '-'})", title=_("Refused attempts"))


def overrides(*rules: str) -> Measure:
    rule_q = Q()
    for rule in rules:
        rule_q |= _rule_is(rule)
    return Measure(WorkOrderEvent, "at", Q(override_by__isnull=False) & rule_q, feeds="overrides",
                   advisor="work_order__advisor_id", related=("override_by", "work_order__vehicle"),
                   link=_order, label=_number,
                   detail=lambda e: f"{e.rule}: {e.override_reason} ({e.override_by})", title=_("Overrides"))


def refused(code: str, label: str, *rules: str, more: tuple[Measure, ...] = (), limit: str = "3") -> Item:
    return Item(code, label, REFUSED, (attempts(*rules), overrides(*rules), *more), guards=rules,
                limit=Decimal(limit))


CAPACITY_OVERRIDES = Measure(
    Appointment, "created_at", Q(capacity_override_by__isnull=False), feeds="overrides", advisor="advisor_id",
    related=("capacity_override_by", "vehicle"), link=_appointment, label=lambda a: a.vehicle.plate,
    detail=lambda a: f"{a.capacity_override_reason} ({a.capacity_override_by})", title=_("Booked beyond capacity"))
OTHER_ADVISOR = Measure(
    Delivery, "done_at", ~Q(other_advisor_reason=""), feeds="overrides", advisor="delivered_by_id",
    related=("delivered_by", "work_order__vehicle"), link=_order, label=_number,
    detail=lambda d: f"{d.other_advisor_reason} ({d.delivered_by})", title=_("Delivered by another advisor"))


# --- audited items: survey answers and spot checks ------------------------------------------------------------

def spot_checks(code: str) -> Measure:
    workshop = code.startswith("REP-")  # the repair's items are the technicians' too
    return Measure(SpotCheckAnswer, "spot_check__created_at", Q(code=code), Q(kept=False),
                   store="spot_check__store_id", advisor="spot_check__work_order__advisor_id",
                   technician="spot_check__work_order__jobs__technician_id" if workshop else None,
                   related=("spot_check__work_order__vehicle", "spot_check__created_by"),
                   link=lambda a: _order_url(a.spot_check.work_order_id) + "#spot-checks",
                   label=lambda a: _number(a.spot_check),
                   detail=lambda a: f"{a.note} ({a.spot_check.created_by})", title=_("Spot checks"))


def survey(dimension: str) -> Measure:
    field_ = "satisfaction" if dimension == "overall" else dimension
    return Measure(FollowUpCall, "at", Q(**{f"{field_}__isnull": False}), Q(**{f"{field_}__lte": LOW_SCORE}),
                   advisor="task__work_order__advisor_id", related=("task__work_order__vehicle",),
                   link=lambda c: _order_url(c.task.work_order_id), label=lambda c: _number(c.task),
                   detail=lambda c: f"{getattr(c, field_)}/5 {c.customer_words[:80]}", title=_("Survey answers"))


def audited(code: str, label: str, question: str, dimension: str = "", limit: str = "10") -> Item:
    measures = (spot_checks(code),) + ((survey(dimension),) if dimension else ())
    return Item(code, label, AUDITED, measures, dimension=dimension, question=question, limit=Decimal(limit))


# --- measured items ----------------------------------------------------------------------------------------

def _told_late(p: Period) -> Q:
    return Q(customer_told_at__isnull=True) | Q(customer_told_at__gte=F("old_starts_at"))


def _ready_late_for_advisor(p: Period) -> Exists:
    return Exists(WorkOrderEvent.objects.filter(
        work_order=OuterRef("work_order"), to_status=S.QC_PASSED,
        at__lt=OuterRef("acknowledged_at") - timedelta(minutes=ADVISOR_TOLD_MINUTES)))


def _not_acted_on(p: Period) -> Exists:
    return Exists(StaffTask.objects.filter(
        work_order=OuterRef("work_order"), key__startswith="apt-").filter(
        Q(key__endswith="-prepare") | Q(key__endswith="-parts")).filter(
        Q(done_at__isnull=True) | Q(done_at__gt=OuterRef("starts_at"))))


CAME = Q(status__in=[Appointment.Status.ARRIVED, Appointment.Status.NO_SHOW])
ARRIVED = Q(status=Appointment.Status.ARRIVED)


def appointments(base: Q, case: Cond, title) -> Measure:
    return Measure(Appointment, "starts_at", base, case, advisor="advisor_id", due=True,
                   related=("vehicle", "advisor"), link=_appointment, label=lambda a: a.vehicle.plate,
                   detail=lambda a: f"{a.starts_at:%m-%d %H:%M} {a.advisor}", title=title)


def orders(when: str, base: Q, case: Cond, title, technician: bool = False) -> Measure:
    return Measure(WorkOrder, when, base, case, advisor="advisor_id",
                   technician="jobs__technician_id" if technician else None,
                   related=("vehicle", "advisor", "customer"), link=lambda o: _order_url(o.pk),
                   label=lambda o: f"{o.number} {o.vehicle.plate}",
                   detail=lambda o: f"{o.customer.name} {o.customer.mobile} · {o.advisor}", title=title)


def tickets_waited_too_long(p: Period) -> Q:
    """REC-X2: called after the store's patience limit (SCH-2), or gone uncalled. The limit is a
    store setting: the stores' limits are few, so one condition per limit."""
    from dealership.models import Store

    waited = Q(called_at__isnull=True, left_at__isnull=False)
    for minutes in Store.objects.values_list("queue_patience_minutes", flat=True).distinct():
        waited |= Q(store__queue_patience_minutes=minutes,
                    called_at__gt=F("arrived_at") + timedelta(minutes=minutes))
    return waited


ITEMS: list[Item] = [
    # APT: appointment
    Item("APT-X1", _("Booking request not answered in time"), MEASURED, (Measure(
        BookingRequest, "due_at", Q(), Q(handled_at__isnull=True) | Q(handled_at__gt=F("due_at")),
        advisor="handled_by_id", due=True, related=("appointment",),
        link=lambda r: reverse("appointments:detail", args=[r.appointment_id]) if r.appointment_id else
        f"{reverse('appointments:list')}#request-{r.pk}",
        label=lambda r: f"{r.name} {r.plate}", detail=lambda r: f"{r.get_source_display()} {r.due_at:%m-%d %H:%M}",
        title=_("Booking requests")),),
        measure_text=_("booking requests answered after their answer-by time, of the requests due (APT-1)")),
    refused("APT-X2", _("Information or fault description incomplete"), "APT-2"),
    refused("APT-X3", _("No diagnosis"), "APT-3"),
    refused("APT-X4", _("Bookings beyond workshop capacity"), "APT-5", more=(CAPACITY_OVERRIDES,)),
    audited("APT-X5", _("Customer does not know who will receive them"),
            _("Asked the customer: did they know the name of the advisor before they came?"), "booking"),
    Item("APT-X6", _("Departments not told"), MEASURED, (appointments(
        CAME, _not_acted_on, _("Appointments")),),
        measure_text=_("appointments whose preparation or parts task was still open when the customer was due")),
    Item("APT-X7", _("No parts reserved"), MEASURED, (appointments(ARRIVED, Exists(WorkOrderLine.objects.filter(
        work_order=OuterRef("work_order"), kind=WorkOrderLine.Kind.PART, source=WorkOrderLine.Source.APPOINTMENT,
        reservation__isnull=True)), _("Appointments")),),
        measure_text=_("arrived appointments with a booked part not reserved on the appointment shelf (APT-8)")),
    Item("APT-X8", _("Preparation incomplete"), MEASURED, (appointments(
        ARRIVED, Q(ready_at_arrival=False), _("Appointments")),),
        measure_text=_("arrived appointments not fully prepared when the customer came (APT-9)")),
    Item("APT-X9", _("Customer learns only on arrival that the appointment cannot be kept"), MEASURED, (Measure(
        AppointmentChange, "at", Q(by_shop=True), _told_late, advisor="appointment__advisor_id", due=True,
        related=("appointment__vehicle",), link=lambda c: reverse("appointments:detail", args=[c.appointment_id]),
        label=lambda c: c.appointment.vehicle.plate, detail=lambda c: c.reason, title=_("Changes by the shop")),),
        measure_text=_("appointments the shop moved or cancelled, the customer not told before the time (APT-10)")),
    Item("APT-X10", _("No advance confirmation"), MEASURED, (appointments(CAME, ~Exists(Confirmation.objects.filter(
        appointment=OuterRef("pk"), sent_at__isnull=False, sent_at__lte=OuterRef("starts_at"))),
        _("Appointments")),),
        measure_text=_("appointments due with no confirmation sent before the time (APT-11)")),
    Item("APT-X11", _("Advisor absent when the customer arrives"), MEASURED, (Measure(
        QueueTicket, "called_at", Q(appointment__isnull=False), Q(called_by__isnull=True) | ~Q(
            called_by_id=F("appointment__advisor_id")), advisor="appointment__advisor_id",
        related=("appointment__vehicle", "called_by"), link=lambda t: _appointment(t.appointment),
        label=lambda t: t.plate, detail=lambda t: f"{t.called_by}", title=_("Arrivals")),),
        measure_text=_("appointment customers received by another advisor than the one booked (APT-12)")),
    # REC: reception
    Item("REC-X1", _("Preparation incomplete"), MEASURED, (appointments(
        ARRIVED, Q(file_pulled_at__isnull=True) | Q(file_pulled_at__gt=F("arrived_at")), _("Appointments")),),
        measure_text=_("appointment customers received without their file pulled before they came (SCH-5)")),
    Item("REC-X2", _("Absent when the appointment customer arrives"), MEASURED, (Measure(
        QueueTicket, "arrived_at", Q(appointment__isnull=False) & (Q(called_at__isnull=False) | Q(
            left_at__isnull=False)), tickets_waited_too_long, advisor="appointment__advisor_id",
        related=("appointment__vehicle",), link=lambda t: _appointment(t.appointment), label=lambda t: t.plate,
        detail=lambda t: f"{t.arrived_at:%H:%M} → {t.called_at:%H:%M}" if t.called_at else f"{t.arrived_at:%H:%M}",
        title=_("Arrivals")),),
        measure_text=_("appointment customers who waited past the patience limit, or left uncalled (SCH-2)")),
    audited("REC-X3", _("Not listening"), _("Listened to the customer's words on the order: are they the customer's "
                                           "own, complete?"), "reception"),
    refused("REC-X4", _("No systematic vehicle check"), "REC-5"),
    refused("REC-X5", _("No diagnosis, complaint written down and left to the workshop"), "REC-6"),
    refused("REC-X6", _("Work order incomplete or illegible"), "REC-9"),
    refused("REC-X7", _("Work order not explained"), "REC-10"),
    refused("REC-X8", _("No quote or a wrong one"), "REC-11"),
    Item("REC-X9", _("No agreed delivery time"), MEASURED, (orders(
        "customer_signed_at", Q(), Q(promised_at__isnull=True), _("Work orders")),),
        measure_text=_("orders signed without a promised delivery time (REC-11)")),
    refused("REC-X10", _("Customer did not sign"), "REC-12"),
    Item("REC-X11", _("No protective covers"), MEASURED, (orders(
        "customer_signed_at", Q(walkaround__isnull=False), Q(walkaround__seat_cover=False) | Q(
            walkaround__wheel_cover=False) | Q(walkaround__floor_mat=False), _("Work orders")),),
        measure_text=_("signed orders whose walk-around does not record all three covers fitted (REC-13)")),
    # REP: repair
    refused("REP-X1", _("Not working to the work order"), "REP-1"),
    refused("REP-X2", _("Changing the order without consent"), "REP-2"),
    audited("REP-X3", _("Not reporting problems"), _("Looked at the car and the order: was every problem the "
                                                     "technician met reported to the advisor?")),
    audited("REP-X4", _("Not following the repair manual"), _("Watched the work: done as the repair manual says?")),
    audited("REP-X5", _("Not using the special tools"), _("Watched the work: the special tools and test "
                                                          "instruments used?")),
    audited("REP-X6", _("Not using the documentation"), _("Asked the technician: was the service documentation "
                                                          "used for the diagnosis?")),
    Item("REP-X7", _("The advisor does not know how the work stands"), MEASURED, (Measure(
        WorkOrderEvent, "at", Q(to_status=S.READY, work_order__promised_at__isnull=False),
        Q(at__gt=F("work_order__promised_at")), advisor="work_order__advisor_id",
        technician="work_order__jobs__technician_id", related=("work_order__vehicle",), link=_order, label=_number,
        detail=lambda e: f"{e.at:%m-%d %H:%M}", title=_("Cars ready")),),
        measure_text=_("cars ready after the promised time, the promise not moved in time (REP-8)")),
    audited("REP-X8", _("Not protecting the customer's property"), _("Looked at the car in the workshop: covers on, "
                                                                      "belongings untouched?"), "cleanliness"),
    Item("REP-X9", _("Not asking for help"), MEASURED, (Measure(
        Job, "created_at", Q(rework_of__isnull=False), ~Exists(ExpertRequest.objects.filter(
            work_order=OuterRef("work_order"))), advisor="work_order__advisor_id",
        technician="rework_of__technician_id", related=("work_order__vehicle", "rework_of__technician"),
        link=_order, label=_number, detail=lambda j: f"{j.description} ({j.rework_of.technician})",
        title=_("Rework jobs")),),
        measure_text=_("jobs redone after QC on an order where nobody asked an expert (REP-14)")),
    refused("REP-X10", _("No self-check"), "REP-15"),
    refused("REP-X11", _("No repair report or signature"), "REP-16"),
    # QC: inspection
    refused("QC-X1", _("Unfinished work on the order"), "QC-1"),
    refused("QC-X2", _("Not inspecting by the standard"), "QC-2"),
    refused("QC-X3", _("Failed cars not handled"), "QC-4"),
    refused("QC-X4", _("Problems not reported to the advisor"), "QC-5"),
    refused("QC-X5", _("Car not cleaned"), "QC-8"),
    Item("QC-X6", _("Advisor not told in time"), MEASURED, (Measure(
        Handover, "acknowledged_at", Q(), _ready_late_for_advisor, advisor="work_order__advisor_id",
        related=("work_order__vehicle",), link=_order, label=_number,
        detail=lambda h: f"{h.acknowledged_at:%m-%d %H:%M}", title=_("Handovers")),),
        measure_text=_("cars the advisor took over more than 30 minutes after they passed QC (QC-9)")),
    Item("QC-X7", _("Repair and quality status not explained"), MEASURED, (Measure(
        Inspection, "at", Q(passed=True), Q(summary=""), advisor="work_order__advisor_id",
        related=("work_order__vehicle", "inspector"), link=_order, label=_number,
        detail=lambda i: f"{i.inspector}", title=_("Inspections passed")),),
        measure_text=_("cars passed at QC without a summary of the repair and quality status for the advisor "
                       "(QC-10)")),
    refused("QC-X8", _("Needed but not done work not recorded"), "QC-12"),
    refused("QC-X9", _("Completed cars parked anywhere"), "QC-13"),
    # SET: settlement and delivery
    refused("SET-X1", _("Items missing from the statement"), "SET-1"),
    Item("SET-X2", _("Price differs from the quote"), MEASURED, (Measure(
        Statement, "issued_at", Q(superseded=False), ~Q(adjustments=0), advisor="work_order__advisor_id",
        related=("work_order__vehicle",), link=_order, label=_number, detail=lambda s: f"{s.adjustments}",
        title=_("Statements")),),
        measure_text=_("statements with an adjustment to the signed quote and approved changes (SET-2)")),
    refused("SET-X3", _("Not using published prices"), "SET-3"),
    refused("SET-X4", _("Not delivered by the receiving advisor"), "SET-5", more=(OTHER_ADVISOR,)),
    refused("SET-X5", _("Car not checked with the customer"), "SET-6"),
    refused("SET-X6", _("Further needed work not pointed out"), "SET-10"),
    refused("SET-X7", _("Safety work declined without record and signature"), "SET-11"),
    audited("SET-X8", _("Customer not seen off"), _("Watched the delivery: covers off, the customer seen off at the "
                                                    "car?"), "delivery"),
    # FU: follow-up
    Item("FU-X1", _("Low follow-up rate"), MEASURED, (Measure(
        FollowUpTask, "due_by", Q(), Q(done_at__isnull=True) | Q(done_at__gt=F("due_by")),
        advisor="work_order__advisor_id", due=True, related=("work_order__vehicle",),
        link=lambda t: reverse("followup:task", args=[t.pk]), label=_number, detail=lambda t: f"{t.due_by:%m-%d}",
        title=_("Follow-up calls")),),
        measure_text=_("follow-up calls not done by their day (FU-1)")),
    refused("FU-X2", _("Recording only satisfied answers"), "FU-2"),
    audited("FU-X3", _("No call technique"), _("Listened to the call: the script followed, the customer let speak?")),
    audited("FU-X4", _("Results not analysed"), _("Asked the manager: was this order's follow-up result discussed in "
                                                  "the month's analysis?")),
    Item("FU-X5", _("No measures"), MEASURED, (Measure(
        CorrectiveAction, "due_on", Q(), Q(done_at__isnull=True) | Q(done_at__date__gt=F("due_on")),
        advisor="owner_id", due=True, related=("owner",), link=lambda a: reverse("followup:actions"),
        label=lambda a: a.title, detail=lambda a: f"{a.due_on} {a.owner}", title=_("Corrective actions")),),
        measure_text=_("corrective and preventive measures not done with evidence by their day (FU-6)")),
    Item("FU-X6", _("Complaints not handled"), MEASURED, (Measure(
        Complaint, "due_at", Q(), Q(closed_at__isnull=True) | Q(closed_at__gt=F("due_at")),
        advisor="work_order__advisor_id", due=True, related=("work_order__vehicle",),
        link=lambda c: reverse("followup:complaint", args=[c.pk]), label=_number,
        detail=lambda c: c.description[:80], title=_("Complaints")),),
        measure_text=_("complaints not closed by their handle-by time (FU-7)")),
    Item("FU-X7", _("No analysis report"), MEASURED, (ReportMeasure(
        WorkOrder, "created_at", link=lambda s: reverse("followup:reports"), label=lambda s: s.name,
        title=_("Stores")),), limit=Decimal(0),
         measure_text=_("stores that worked the month before and have no monthly analysis report of it (FU-8)")),
    Item("FU-X8", _("Only one means of customer contact"), MEASURED, (orders(
        "delivery__done_at", Q(), Q(customer__consent_to_messages=False), _("Work orders")),),
        measure_text=_("cars delivered to customers who can be reached by phone only, no messages (FU-9)")),
]
BY_CODE: dict[str, Item] = {item.code: item for item in ITEMS}
AUDITED_ITEMS = [item for item in ITEMS if item.home == AUDITED]


def home_counts() -> dict[str, int]:
    return {home: sum(1 for i in ITEMS if i.home == home) for home in HOMES}


def limit_for(item: Item, thresholds: dict[str, Decimal]) -> Decimal:
    return thresholds.get(item.code, item.limit)


def value_of(item: Item, cases: int, base: int, overrides: int) -> Decimal | None:
    """The figure compared with the threshold: a refused item's overrides, else the rate in %."""
    if item.home == REFUSED:
        return Decimal(overrides)
    return (Decimal(100) * cases / base).quantize(Decimal("0.1")) if base else None
