"""Writes of stage 4: the inspection (checklist, road test, wear readings,
deferred work), pass or fail and rework, the wash, the completed-vehicle
area, and the internal handover to the advisor (QC-1…QC-13)."""

from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from dealership.errors import ProcessError, Refusal
from dealership.messages import N_, list_join
from dealership.messagetexts import message_render
from dealership.models import OutboundMessage, Role, StaffTask, User, WorkOrder, WorkOrderEvent, WorkOrderLine
from dealership.notify import customer_message_send, outcome_hook
from dealership.services import staff_task_create, staff_tasks_close, work_order_note, work_order_transition
from dealership.textlimits import text_check
from dealership.workflow import step_guard
from workshop.changes import finding_report
from workshop.jobs import rework_job_create
from workshop.models import Finding, Job
from workshop.parts import issued_by_line

from .messagetexts import ready_context
from .models import WEAR_LIMITS, DeferredWork, Handover, Inspection, InspectionItem, ParkingSpot, WearReading
from .standards import COMMON_QC_CHECKS, qc_checklist_catalogue, qc_standards

S = WorkOrder.Status
R = InspectionItem.Result
IN_COMPLETED_AREA = (S.QC_PASSED, S.READY, S.SETTLED)  # the car is washed, parked and waiting for its owner
REQUIRED_WEAR = (WearReading.Item.TYRE_FL, WearReading.Item.TYRE_FR, WearReading.Item.TYRE_RL,
                 WearReading.Item.TYRE_RR, WearReading.Item.PADS_FRONT, WearReading.Item.PADS_REAR)


@dataclass(frozen=True)
class Check:
    job_type: str
    label: str


@dataclass(frozen=True)
class Answer:
    job_type: str
    label: str
    result: str
    note: str = ""


@dataclass(frozen=True)
class RoadTest:
    km: Decimal
    technician: User | None = None
    findings: str = ""


@dataclass(frozen=True)
class Deferred:
    description: str
    urgency: str
    estimate: Decimal | None = None


@dataclass
class InspectionInput:
    """What the inspector recorded on the tablet."""

    answers: list[Answer] = field(default_factory=list)
    notes: str = ""  # the reason for a fail, or what was seen
    summary: str = ""  # for the advisor (QC-10)
    road_test: RoadTest | None = None
    wear: dict[str, Decimal] = field(default_factory=dict)
    deferred: list[Deferred] = field(default_factory=list)


def order_job_types(order: WorkOrder) -> list[str]:
    """The kinds of job done on the order, in the order the jobs were made."""
    seen: list[str] = []
    for job_type in Job.objects.filter(work_order=order, kind=Job.Kind.REPAIR).order_by("id").values_list(
            "job_type", flat=True):
        if job_type not in seen:
            seen.append(job_type)
    return seen


def inspection_checklist(order: WorkOrder) -> list[Check]:
    """QC-2: the documented checks for every kind of job on the order; the
    checks common to every car come once, at the end (kind ""; a failed one
    goes back to the last technician who worked on the car)."""
    catalogue = qc_checklist_catalogue(store=order.store)
    checks: list[Check] = []
    labels: set[str] = set()
    for job_type, label in [(t, lab) for t in order_job_types(order) or ["other"] for lab in catalogue[t]] + [
            ("", lab) for lab in COMMON_QC_CHECKS]:
        if label not in labels:
            labels.add(label)
            checks.append(Check(job_type, label))
    return checks


def road_test_required(order: WorkOrder) -> bool:
    standards = qc_standards(store=order.store)
    return any(standards[t].road_test_required for t in order_job_types(order))


# --- the guards of a pass ---------------------------------------------------------------

def _work_done(order: WorkOrder) -> Refusal | None:
    """QC-1: every approved item of the order done: each job finished with
    its self-check, each approved stock part issued."""
    jobs = list(Job.objects.filter(work_order=order))
    open_jobs = [j.description for j in jobs if j.status != Job.Status.DONE or not j.self_checked]
    issued = issued_by_line(work_order_ids=[order.pk])
    short = [line.description for line in WorkOrderLine.objects.filter(
        work_order=order, kind=WorkOrderLine.Kind.PART, approval=WorkOrderLine.Approval.APPROVED, part__isnull=False)
        if issued.get(line.pk, Decimal(0)) < line.quantity]
    if not jobs:
        return Refusal("QC-1", _("No work on the order has been done."))
    if open_jobs or short:
        missing = [*open_jobs, *[_("%(part)s not issued") % {"part": p} for p in short]]
        return Refusal("QC-1", _("Not all work on the order is done: %(items)s.") % {"items": list_join(missing)})
    return None


def _findings_decided(order: WorkOrder) -> Refusal | None:
    """QC-5: a problem found that needs the customer's decision is decided first."""
    waiting = list(Finding.objects.filter(work_order=order, status__in=[Finding.Status.REPORTED,
                                                                          Finding.Status.PRICED])
                   .values_list("description", flat=True))
    if waiting:
        return Refusal("QC-5", _("Waiting for the customer's decision on: %(items)s.")
                       % {"items": list_join(d[:40] for d in waiting)})
    return None


def _checklist_passed(answers: Sequence[Answer], checks: Sequence[Check]) -> Refusal | None:
    """QC-2: every documented check answered, none failed."""
    given = {a.label: a for a in answers}
    unanswered = [c.label for c in checks if c.label not in given or given[c.label].result not in R.values]
    failed = [a.label for a in answers if a.result == R.FAIL]
    if unanswered:
        return Refusal("QC-2", ngettext("%(n)s check is not answered (marked below).",
                                        "%(n)s checks are not answered (marked below).", len(unanswered))
                       % {"n": len(unanswered)})
    if failed:
        return Refusal("QC-2", _("A failed check cannot pass: send the car back to rework (%(items)s).")
                       % {"items": list_join(failed)})
    return None


def _road_tested(order: WorkOrder, road_test: RoadTest | None) -> Refusal | None:
    """QC-3: kinds of job that show only on the road are road tested."""
    if road_test_required(order) and (road_test is None or not road_test.km or road_test.km <= 0):
        return Refusal("QC-3", _("This work needs a road test: record the distance driven and what was found."))
    return None


def _wear_measured(wear: dict[str, Decimal]) -> Refusal | None:
    """QC-11: the tyres and brake pads are measured on every car."""
    missing = [WearReading.Item(i).label for i in REQUIRED_WEAR if wear.get(i) is None]
    if missing:
        return Refusal("QC-11", _("Measure the remaining life: %(items)s.") % {"items": list_join(missing)})
    return None


def _check_input(data: InspectionInput) -> None:
    """Bad input is refused before anything is written."""
    text_check(Inspection, rule="QC-4", notes=data.notes)
    text_check(Inspection, rule="QC-10", summary=data.summary)
    text_check(Inspection, rule="QC-3", road_test_findings=data.road_test.findings if data.road_test else "")
    for item, value in data.wear.items():
        if item not in WEAR_LIMITS:
            raise ProcessError(_("Unknown wear part."))
        unit, low, high, _replace, _soon = WEAR_LIMITS[item]
        if value is not None and not (low <= value <= high):
            raise ProcessError(_("%(item)s: %(value)s %(unit)s is not a possible reading (%(low)s–%(high)s).")
                               % {"item": WearReading.Item(item).label, "value": value, "unit": unit,
                                  "low": low, "high": high}, rule="QC-11")
    for d in data.deferred:
        if not d.description.strip() or d.urgency not in DeferredWork.Urgency.values:
            raise ProcessError(_("Each item of work still needed has a description and an urgency."), rule="QC-12")
        if d.estimate is not None and d.estimate < 0:
            raise ProcessError(_("A price cannot be negative."))
    if data.road_test and data.road_test.km is not None and not (0 <= data.road_test.km <= 500):
        raise ProcessError(_("The road test distance must be between 0 and 500 km."), rule="QC-3")


# --- the inspection -------------------------------------------------------------------

def inspection_record(*, work_order: WorkOrder, inspector: User, passed: bool,
                      data: InspectionInput | None = None) -> Inspection:
    """Record one round of QC. A pass needs the work done (QC-1), every check
    answered and none failed (QC-2), the road test where the work needs one
    (QC-3), no finding waiting for the customer (QC-5) and the wear parts
    measured (QC-11); the advisor is then asked to take the car over (QC-9).
    A fail needs the failed checks and the reason: each failed check goes
    back as rework to the technician whose kind of job it belongs to (QC-4).
    Either way what was found is written on the order (QC-6, QC-12)."""
    data = data or InspectionInput()
    if not inspector.has_role(Role.QC_INSPECTOR):
        raise ProcessError(_("Only a QC inspector can record an inspection."))
    _check_input(data)
    checks = inspection_checklist(work_order)
    failed = [a for a in data.answers if a.result == R.FAIL]
    if not passed:
        if not data.notes.strip():
            raise ProcessError(_("Write what failed, so the technician knows what to rework."), rule="QC-4")
        if not failed:
            raise ProcessError(_("Mark the checks that failed, so the rework is what failed."), rule="QC-4")
    created: list[Inspection] = []

    def record(order: WorkOrder) -> None:
        round_no = Inspection.objects.filter(work_order=order).count() + 1
        road = data.road_test if data.road_test and data.road_test.km else None
        inspection = Inspection.objects.create(
            store_id=order.store_id, work_order=order, inspector=inspector, round=round_no, passed=passed,
            notes=data.notes.strip(), summary=data.summary.strip(), road_tested=road is not None,
            road_test_km=road.km if road else None, road_test_technician=road.technician if road else None,
            road_test_findings=road.findings.strip() if road else "")
        created.append(inspection)
        InspectionItem.objects.bulk_create([
            InspectionItem(inspection=inspection, job_type=a.job_type, label=a.label[:100], result=a.result,
                           note=a.note.strip()[:300]) for a in data.answers])
        WearReading.objects.bulk_create([
            WearReading(store_id=order.store_id, work_order=order, vehicle_id=order.vehicle_id, inspection=inspection,
                        item=item, value=value, recorded_by=inspector)
            for item, value in data.wear.items() if value is not None])
        deferred = DeferredWork.objects.bulk_create([
            DeferredWork(store_id=order.store_id, work_order=order, vehicle_id=order.vehicle_id,
                         description=d.description.strip()[:200], urgency=d.urgency, estimate=d.estimate,
                         recorded_by=inspector) for d in data.deferred])
        _write_on_order(order, inspection, failed, deferred, inspector)
        StaffTask.objects.filter(work_order=order, key__startswith=f"qc-{order.pk}-", done_at__isnull=True).update(
            done_at=timezone.now(), done_by=inspector)
        link = reverse("inspection:handover", args=[order.pk])
        if passed:
            StaffTask.objects.filter(work_order=order, key__startswith=f"rework-{order.pk}-", done_at__isnull=True
                                     ).update(done_at=timezone.now(), done_by=inspector)
            Handover.objects.get_or_create(work_order=order, defaults={"store_id": order.store_id})
            staff_task_create(store=order.store_id, assignee=order.advisor, work_order=order, link=link,
                              key=f"handover-{order.pk}-{inspection.pk}",
                              message=N_("QC passed: take over %(plate)s from QC"), params={"plate": order.vehicle.plate})
        else:
            _send_to_rework(order, inspection, failed, data)

    guards = []
    if passed:
        guards = [_work_done, _findings_decided, lambda order: _checklist_passed(data.answers, checks),
                  lambda order: _road_tested(order, data.road_test), lambda order: _wear_measured(data.wear)]
    try:
        work_order_transition(
            work_order=work_order, to=S.QC_PASSED if passed else S.QC_FAILED, actor=inspector,
            guards=guards, after=record, note=data.notes.strip(),
            message=N_("QC passed.") if passed else N_("QC failed."),
        )
    except IntegrityError:  # two inspectors recorded the same round at once
        raise ProcessError(_("Another inspection of this car was just recorded: reload the page.")) from None
    return created[0]


def _write_on_order(order: WorkOrder, inspection: Inspection, failed: list[Answer],
                    deferred: list[DeferredWork], inspector: User) -> None:
    """QC-6, QC-12: every problem found goes on the order's timeline."""
    if failed:
        work_order_note(work_order=order, actor=inspector, rule="QC-6", kind=WorkOrderEvent.Kind.NOTE,
                        message=N_("QC round %(round)s: failed checks: %(items)s"),
                        params={"round": inspection.round, "items": "; ".join(
                            f"{a.label}{'（' + a.note + '）' if a.note else ''}" for a in failed)})
    if inspection.road_test_findings:
        work_order_note(work_order=order, actor=inspector, rule="QC-3", kind=WorkOrderEvent.Kind.NOTE,
                        message=N_("Road test %(km)s km: %(findings)s"),
                        params={"km": str(inspection.road_test_km), "findings": inspection.road_test_findings})
    for d in deferred:
        work_order_note(work_order=order, actor=inspector, rule="QC-12", kind=WorkOrderEvent.Kind.NOTE,
                        message=N_("Work still needed (%(urgency)s): %(desc)s"),
                        params={"urgency": DeferredWork.Urgency(d.urgency).label, "desc": d.description})


def _send_to_rework(order: WorkOrder, inspection: Inspection, failed: list[Answer], data: InspectionInput) -> None:
    """QC-4: each failed check goes back to the technician whose kind of job
    it belongs to (checks common to all go to the last one who worked on the
    car), as a rework job clocked separately; they and the advisor are told."""
    done = list(Job.objects.filter(work_order=order, kind=Job.Kind.REPAIR, technician__isnull=False)
                .order_by("-finished_at", "-id"))
    by_job: dict[int | None, list[str]] = {}
    for answer in failed:
        owner = next((j for j in done if j.job_type == answer.job_type), done[0] if done else None)
        text = answer.label + (f"（{answer.note}）" if answer.note else "")
        by_job.setdefault(owner.pk if owner else None, []).append(text)
    told = {order.advisor}
    for job_pk, items in by_job.items():
        original = next((j for j in done if j.pk == job_pk), None)
        with translation.override(settings.LANGUAGE_CODE):  # kept as written, in the shop's language
            findings = _("Failed: %(items)s. Why: %(reason)s") % {"items": list_join(i for i in items if i),
                                                                   "reason": data.notes.strip()}
        rework = rework_job_create(work_order=order, findings=findings, original=original)
        if rework.technician:
            told.add(rework.technician)
    link = reverse("dealership:order", args=[order.pk])
    for person in told - {None}:
        staff_task_create(store=order.store_id, assignee=person, work_order=order, link=link,
                          key=f"rework-{order.pk}-{inspection.pk}-{person.pk}",
                          message=N_("QC failed on %(plate)s: %(notes)s"),
                          params={"plate": order.vehicle.plate, "notes": data.notes.strip()[:80]})


def qc_finding_report(*, work_order: WorkOrder, inspector: User, description: str, photo=None) -> Finding:
    """QC-5: a problem the customer must decide on goes to the advisor as a
    finding, the same way as the workshop's."""
    if not inspector.has_role(Role.QC_INSPECTOR):
        raise ProcessError(_("Only a QC inspector can record an inspection."))
    if work_order.status != S.REPAIR_DONE:
        raise ProcessError(_("Work order %(number)s is not waiting for QC.") % {"number": work_order.number})
    return finding_report(work_order=work_order, actor=inspector, description=description, photo=photo,
                          source=Finding.Source.QC)


# --- after the pass: the wash, the completed-vehicle area, the handover -----------------

def _handover_for(order: WorkOrder) -> Handover:
    if order.status != S.QC_PASSED:
        raise ProcessError(_("Work order %(number)s is %(status)s: the wash and the parking come after the "
                             "QC pass, before the advisor takes the car over.")
                           % {"number": order.number, "status": order.get_status_display()})
    handover, _created = Handover.objects.select_for_update().get_or_create(
        work_order=order, defaults={"store_id": order.store_id})
    return handover


def car_cleaned(*, work_order: WorkOrder, actor: User, cleaned_by: str) -> Handover:
    """QC-8: the car is washed and cleaned inside; who did it is recorded."""
    if not actor.has_role(Role.QC_INSPECTOR, Role.SERVICE_ADVISOR, Role.SERVICE_ASSISTANT, Role.FOREMAN):
        raise ProcessError(_("The inspector, the foreman or the advisor records the wash."))
    if not cleaned_by.strip():
        raise ProcessError(_("Say who washed the car."), rule="QC-8")
    with transaction.atomic():
        handover = _handover_for(WorkOrder.objects.select_for_update().get(pk=work_order.pk))
        Handover.objects.filter(pk=handover.pk).update(cleaned_by=cleaned_by.strip()[:50], cleaned_at=timezone.now(),
                                                       cleaning_recorded_by=actor)
        work_order_note(work_order=work_order, actor=actor, rule="QC-8", message=N_("Washed and cleaned by %(who)s."),
                        params={"who": cleaned_by.strip()[:50]})
    handover.refresh_from_db()
    return handover


def spots_taken(*, store_id: int, exclude_order: int | None = None) -> dict[int, str]:
    """Spot id → plate of the car standing there (washed and not yet gone)."""
    rows = (Handover.objects.filter(store_id=store_id, spot__isnull=False, work_order__status__in=IN_COMPLETED_AREA)
            .exclude(work_order_id=exclude_order).values_list("spot_id", "work_order__vehicle__plate"))
    return dict(rows)


def car_parked(*, work_order: WorkOrder, actor: User, spot: ParkingSpot) -> Handover:
    """QC-13: the car stands in the completed-vehicle area, at a free spot;
    the advisor's desk shows where."""
    if not actor.has_role(Role.QC_INSPECTOR, Role.SERVICE_ADVISOR, Role.SERVICE_ASSISTANT, Role.FOREMAN):
        raise ProcessError(_("The inspector, the foreman or the advisor records where the car is parked."))
    if spot.store_id != work_order.store_id or not spot.active:
        raise ProcessError(_("Choose a spot of this store's completed-vehicle area."), rule="QC-13")
    with transaction.atomic():
        ParkingSpot.objects.select_for_update().get(pk=spot.pk)  # two cars to one spot: one waits, then sees it taken
        handover = _handover_for(WorkOrder.objects.select_for_update().get(pk=work_order.pk))
        taken = spots_taken(store_id=work_order.store_id, exclude_order=work_order.pk)
        if spot.pk in taken:
            raise ProcessError(_("%(spot)s is taken by %(plate)s: choose a free spot.")
                               % {"spot": spot.name, "plate": taken[spot.pk]}, rule="QC-13")
        Handover.objects.filter(pk=handover.pk).update(spot=spot, parked_at=timezone.now(), parked_by=actor)
        work_order_note(work_order=work_order, actor=actor, rule="QC-13",
                        message=N_("Parked in the completed-vehicle area at %(spot)s."), params={"spot": spot.name})
    handover.refresh_from_db()
    return handover


@step_guard(S.READY)
def _washed_and_parked(order: WorkOrder) -> Refusal | None:
    """QC-8, QC-13: only a washed car, standing in the completed-vehicle area, is handed over."""
    handover = Handover.objects.filter(work_order=order).first()
    rules, missing = [], []
    if handover is None or handover.cleaned_at is None:
        rules.append("QC-8")
        missing.append(_("record the wash"))
    if handover is None or handover.spot_id is None:
        rules.append("QC-13")
        missing.append(_("park the car in the completed-vehicle area"))
    if missing:
        return Refusal(", ".join(rules), _("Before the handover: %(steps)s.") % {"steps": list_join(missing)})
    return None


def handover_acknowledge(*, work_order: WorkOrder, advisor: User) -> WorkOrder:
    """QC-9, QC-10: the advisor has read the inspector's summary and takes
    the car over: it is ready for the customer, who is told (after commit),
    and the cashier sees it."""
    if not advisor.has_role(Role.SERVICE_ADVISOR, Role.SERVICE_ASSISTANT):
        raise ProcessError(_("Only a service advisor can take over the car."))
    now = timezone.now()

    def take_over(order: WorkOrder) -> None:
        Handover.objects.filter(work_order=order).update(acknowledged_by=advisor, acknowledged_at=now)
        staff_tasks_close(work_order=order, keys=[f"handover-{order.pk}-{i}" for i in
                                                  order.inspections.values_list("pk", flat=True)], actor=advisor)
        staff_task_create(store=order.store_id, role=Role.CASHIER, work_order=order,
                          key=f"settle-{order.pk}", link=reverse("settlement:order", args=[order.pk]),
                          message=N_("Settle %(number)s (%(plate)s)"),
                          params={"number": order.number, "plate": order.vehicle.plate})
        ready_notice_send(work_order_id=order.pk)  # recorded with the move; sent after commit (issue 20)

    return work_order_transition(work_order=work_order, to=S.READY, actor=advisor, guards=[_washed_and_parked],
                                 after=take_over,
                                 message=N_("Internal handover from QC acknowledged; ready for the customer."))


def ready_notice_send(*, work_order_id: int) -> None:
    """Tell the customer the car is ready; without consent to messages, the
    advisor calls. The message is recorded in the caller's transaction and sent
    after commit; the handover records when it went (_ready_notice_sent). Safe
    to run twice (one message per order)."""
    order = WorkOrder.objects.select_related("customer", "vehicle", "store", "advisor").get(pk=work_order_id)
    subject, body = message_render(store=order.store, name="car_ready", context=ready_context(order))
    record = customer_message_send(store=order.store_id, customer=order.customer, key=f"wo-{order.pk}-ready",
                                   subject=subject, body=body, work_order=order, purpose="car_ready")
    if record is None:
        staff_task_create(store=order.store_id, assignee=order.advisor, work_order=order, key=f"ready-call-{order.pk}",
                          link=reverse("dealership:order", args=[order.pk]),
                          message=N_("Call %(name)s: %(plate)s is ready to collect"),
                          params={"name": order.customer.name, "plate": order.vehicle.plate})


@outcome_hook("car_ready")
def _ready_notice_sent(message: OutboundMessage) -> None:
    """The delivery sent the "car ready" message: the handover records when the customer was told."""
    if message.status == OutboundMessage.Status.SENT:
        Handover.objects.filter(work_order_id=message.work_order_id, customer_told_at__isnull=True).update(
            customer_told_at=message.sent_at)
