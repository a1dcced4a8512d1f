"""Reads of stage 4: what the inspector and the advisor look at."""

from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import QuerySet

from dealership.access import scoped
from dealership.models import User, WorkOrder, WorkOrderLine
from workshop.models import Finding, Job
from workshop.parts import issued_by_line

from .models import DeferredWork, Handover, Inspection, WearReading

S = WorkOrder.Status


def passed_not_handed_over(*, user: User) -> QuerySet[WorkOrder]:
    """Cars that passed QC and still wait for the wash, the parking or the advisor."""
    return (scoped(WorkOrder.objects.filter(status=S.QC_PASSED), user)
            .select_related("vehicle", "advisor", "handover__spot").order_by("promised_at", "id"))


@dataclass
class LineState:
    line: WorkOrderLine
    done: bool
    detail: str = ""


@dataclass
class Review:
    """Everything about the car's work and quality in one place (QC-1,
    QC-10): for the inspector before the verdict, for the advisor at the
    handover."""

    lines: list[LineState]
    jobs: list[Job]
    rounds: list[Inspection]
    wear: list[WearReading]
    deferred: list[DeferredWork]
    open_findings: list[Finding]
    handover: Handover | None
    previous_wear: dict[str, WearReading] = field(default_factory=dict)

    @property
    def last(self) -> Inspection | None:
        return self.rounds[-1] if self.rounds else None

    @property
    def all_done(self) -> bool:
        return all(state.done for state in self.lines)


def inspection_review(order: WorkOrder) -> Review:
    jobs = list(Job.objects.filter(work_order=order).select_related("technician", "line").order_by("id"))
    issued = issued_by_line(work_order_ids=[order.pk])
    states = []
    for line in order.lines.all():
        if line.approval != WorkOrderLine.Approval.APPROVED:
            continue
        if line.kind == WorkOrderLine.Kind.LABOUR:
            line_jobs = [j for j in jobs if j.line_id == line.pk]
            done = bool(line_jobs) and all(j.status == Job.Status.DONE for j in line_jobs)
            states.append(LineState(line, done, ", ".join(str(j.technician or "") for j in line_jobs)))
        elif line.part_id:
            got = issued.get(line.pk, Decimal(0))
            states.append(LineState(line, got >= line.quantity, f"{got.normalize():f}/{line.quantity.normalize():f}"))
        else:
            states.append(LineState(line, True))
    rounds = list(order.inspections.select_related("inspector", "road_test_technician")
                  .prefetch_related("items").order_by("round"))
    wear = list(WearReading.objects.filter(work_order=order).order_by("-at", "-id"))
    latest: dict[str, WearReading] = {}
    for reading in wear:
        latest.setdefault(reading.item, reading)
    return Review(
        lines=states, jobs=jobs, rounds=rounds,
        wear=sorted(latest.values(), key=lambda r: list(WearReading.Item.values).index(r.item)),
        deferred=list(DeferredWork.objects.filter(vehicle_id=order.vehicle_id, status=DeferredWork.Status.OPEN)
                      .order_by("at")),
        open_findings=list(Finding.objects.filter(work_order=order, status__in=[Finding.Status.REPORTED,
                                                                                 Finding.Status.PRICED])),
        handover=Handover.objects.filter(work_order=order).select_related("spot", "acknowledged_by").first(),
        previous_wear=previous_wear(order))


def previous_wear(order: WorkOrder) -> dict[str, WearReading]:
    """The car's last readings from earlier visits (QC-11, remembered)."""
    out: dict[str, WearReading] = {}
    for reading in (WearReading.objects.filter(vehicle_id=order.vehicle_id).exclude(work_order=order)
                    .select_related("work_order").order_by("-at", "-id")[:50]):
        out.setdefault(reading.item, reading)
    return out
