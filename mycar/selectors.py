"""What the car's status page reads (issue 20): one order, seen by its customer. Every read is bounded (at
most six queries, whatever the order's or the store's size) and goes by the order's store first; nothing
names a technician, an inspector or a cashier, and no note written for the staff is read at all."""

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from dealership.models import WorkOrder, WorkOrderEvent, WorkOrderLine
from followup.models import FollowUpTask
from settlement.models import Statement
from workshop.delays import delay_cause_label
from workshop.models import Finding

S = WorkOrder.Status
F = Finding.Status

# The steps the customer sees, in order. "approval" is shown only while a finding waits for the customer.
STEPS = (
    ("received", pgettext_lazy("car status", "Received")),
    ("workshop", _("In the workshop")),
    ("approval", _("Waiting for your approval")),
    ("inspection", pgettext_lazy("car status", "Quality inspection")),
    ("ready", _("Ready for you")),
    ("paid", pgettext_lazy("car status", "Paid")),
    ("delivered", pgettext_lazy("car status", "Delivered")),
)
STEP_OF_STATUS = {
    S.SIGNED: "received",
    S.IN_REPAIR: "workshop", S.QC_FAILED: "workshop",  # rework is work in the workshop again
    S.REPAIR_DONE: "inspection", S.QC_PASSED: "inspection",  # passed QC, handover not yet done
    S.READY: "ready",
    S.SETTLED: "paid",
    S.DELIVERED: "delivered", S.CLOSED: "delivered",
}
# While the car is in the workshop or QC, a priced finding means the car waits for the customer's answer.
APPROVAL_WHILE = (S.SIGNED, S.IN_REPAIR, S.REPAIR_DONE, S.QC_FAILED, S.QC_PASSED)
MAX_FINDINGS = 10
MAX_CHANGES = 10


@dataclass(frozen=True)
class Step:
    key: str
    label: str
    state: str  # done, current, todo


@dataclass(frozen=True)
class PromiseChange:
    at: datetime
    new: str  # as the customer was told it (local "m-d H:i")
    old: str
    reason: str


@dataclass
class Offer:
    """A finding: what was found, its items and their prices (its own order's, for its own customer)."""
    finding: Finding
    lines: list[WorkOrderLine]
    photo_url: str
    decide_url: str

    @property
    def total(self) -> Decimal:
        return sum((line.customer_amount for line in self.lines), Decimal(0))


@dataclass
class CarStatus:
    order: WorkOrder
    token: str
    current: str  # a key of STEPS, or "cancelled"
    steps: list[Step]
    offers: list[Offer] = field(default_factory=list)  # waiting for the customer
    decided: list[Offer] = field(default_factory=list)
    changes: list[PromiseChange] = field(default_factory=list)
    documents: bool = False  # a statement is issued (SET-13)
    survey: bool = False  # the follow-up survey is open (FU-9)
    survey_done: bool = False

    @property
    def waiting(self) -> bool:
        """The customer is waiting for the car: the promised time matters."""
        return self.current in ("received", "workshop", "approval", "inspection")


def step_of(order: WorkOrder, *, waiting_for_approval: bool) -> str:
    if order.status == S.CANCELLED:
        return "cancelled"
    if waiting_for_approval and order.status in APPROVAL_WHILE:
        return "approval"
    return STEP_OF_STATUS.get(order.status, "received")


def steps_for(current: str) -> list[Step]:
    if current == "cancelled":
        return []
    keys = [key for key, _label in STEPS if key != "approval" or current == "approval"]
    at = keys.index(current)
    labels = dict(STEPS)
    # while a finding waits for the customer the car is still in the workshop, the work on hold: not "done"
    return [Step(key, str(labels[key]), "held" if key == "workshop" and current == "approval"
                 else "done" if i < at else "current" if i == at else "todo")
            for i, key in enumerate(keys)]


def _offers(order: WorkOrder, token: str) -> tuple[list[Offer], list[Offer], list[PromiseChange]]:
    """Findings priced for the customer or decided (a finding still with the advisor is not shown: its price is
    not known yet), their items, and the delivery times the customer's approvals moved. Two queries."""
    findings = list(Finding.objects.filter(store_id=order.store_id, work_order_id=order.pk,
                                           status__in=(F.PRICED, F.DECIDED))
                    .only("pk", "store_id", "work_order_id", "description", "photo", "status", "new_promised_at",
                          "decided_at").order_by("-id")[:MAX_FINDINGS])
    lines: dict[int, list[WorkOrderLine]] = {f.pk: [] for f in findings}
    if findings:
        for line in (WorkOrderLine.objects.filter(store_id=order.store_id, work_order_id=order.pk,
                                                  finding_id__in=list(lines))
                     .only("pk", "finding_id", "description", "quantity", "amount", "warranty", "approval")
                     .order_by("id")):
            lines[line.finding_id].append(line)
    pending, decided, changes = [], [], []
    for finding in findings:
        offer = Offer(finding, lines[finding.pk],
                      reverse("mycar:finding_photo", args=[token, finding.pk]) if finding.photo else "",
                      reverse("mycar:finding_decide", args=[token, finding.pk]))
        if finding.status == F.PRICED:
            pending.append(offer)
            continue
        decided.append(offer)
        if finding.new_promised_at and any(line.approval == WorkOrderLine.Approval.APPROVED for line in offer.lines):
            changes.append(PromiseChange(finding.decided_at, _local(finding.new_promised_at), "",
                                         str(_("You approved extra work"))))
    return pending, decided, changes


def _local(moment: datetime) -> str:
    return timezone.localtime(moment).strftime("%m-%d %H:%M")


def _delays(order: WorkOrder) -> list[PromiseChange]:
    """REP-8: each later delivery time the advisor agreed, with the cause the advisor chose for the customer (the
    note the advisor typed is for the order's timeline, the delay form says so, and never shows here)."""
    events = (WorkOrderEvent.objects.filter(store_id=order.store_id, work_order_id=order.pk, rule="REP-8")
              .only("at", "params").order_by("-at", "-id")[:MAX_CHANGES])
    return [PromiseChange(e.at, str(e.params.get("when", "")), str(e.params.get("old", "")),
                          delay_cause_label(str(e.params.get("cause", "")))
                          or str(_("The work takes longer than planned"))) for e in events]


def car_status(order: WorkOrder, *, token: str) -> CarStatus:
    """Everything the status page shows of `order`, read through the customer's `token`. The links on it carry
    that token only (the links of the other stages are made when followed, see views), so the page is the same
    from one poll to the next until something changes, and its ETag holds."""
    pending, decided, changes = ([], [], []) if order.status == S.CANCELLED else _offers(order, token)
    current = step_of(order, waiting_for_approval=bool(pending))
    result = CarStatus(order=order, token=token, current=current, steps=steps_for(current), offers=pending,
                       decided=decided)
    if current != "cancelled":
        result.changes = sorted(changes + _delays(order), key=lambda c: c.at, reverse=True)[:MAX_CHANGES]
    result.documents = statement_issued(order)
    task = followup_task(order)
    result.survey = task is not None and task.status == FollowUpTask.Status.OPEN
    result.survey_done = task is not None and task.status == FollowUpTask.Status.DONE
    return result


def statement_issued(order: WorkOrder) -> bool:
    return order.status in (S.READY, S.SETTLED, S.DELIVERED, S.CLOSED) and Statement.objects.filter(
        store_id=order.store_id, work_order_id=order.pk, superseded=False).exists()


def followup_task(order: WorkOrder) -> FollowUpTask | None:
    if order.status not in (S.DELIVERED, S.CLOSED):
        return None
    return (FollowUpTask.objects.filter(store_id=order.store_id, work_order_id=order.pk)
            .only("pk", "store_id", "status").first())


def shown_finding(order: WorkOrder, pk: int) -> Finding | None:
    """A finding of this order that the page shows (priced or decided), or None."""
    return (Finding.objects.filter(store_id=order.store_id, work_order_id=order.pk, pk=pk,
                                   status__in=(F.PRICED, F.DECIDED))
            .only("pk", "store_id", "work_order_id", "status", "photo").first())
