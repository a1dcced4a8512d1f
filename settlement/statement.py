"""The settlement statement, built from the order (SET-1…SET-3, SET-10…SET-12).

Every approved line is billed at the price it was quoted at (the published
price of the day it was written, SET-3); where a catalogue line's price is
not that published price (priced by hand), the statement shows the published
one beside it (SET-X3). A part line is compared with the
parts actually issued against it (requisitions less returns); any mismatch,
a part issued against an item the customer did not approve, or a
requisition still open at the counter, is a *difference*: the statement
cannot be issued until the advisor resolves it (parts returned, a change
the customer approves, or an adjustment the manager approves)."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.translation import gettext as _

from dealership.catalogue import published_differences
from dealership.messages import quantity_text
from dealership.models import WorkOrder, WorkOrderLine
from dealership.services import money
from inspection.models import DeferredWork, WearReading
from inspection.selectors import inspection_review
from workshop.models import OldPart, Requisition
from workshop.parts import issued_by_line

from .models import Adjustment

L = WorkOrderLine
ZERO = Decimal("0.00")


@dataclass
class Difference:
    """Something between the order and the parts ledger the advisor must resolve."""

    message: str
    line: WorkOrderLine | None = None
    issued: Decimal | None = None
    amount: Decimal | None = None  # the difference in money, if billed as issued

    @property
    def adjustable(self) -> bool:
        """A quantity difference can be billed as issued with the manager's approval."""
        return self.line is not None and self.amount is not None


@dataclass
class StatementData:
    order: WorkOrder
    labour_lines: list[WorkOrderLine]
    part_lines: list[WorkOrderLine]
    warranty_lines: list[WorkOrderLine]
    declined_lines: list[WorkOrderLine]
    adjustments: list[Adjustment]          # approved
    pending: list[Adjustment]
    differences: list[Difference]
    deferred: list[DeferredWork]
    wear: list[WearReading]
    old_parts: list[OldPart]
    vat_rate_percent: Decimal
    labour: Decimal = ZERO
    parts: Decimal = ZERO
    warranty: Decimal = ZERO
    adjustment_total: Decimal = ZERO
    quoted: Decimal = ZERO
    total: Decimal = ZERO
    vat: Decimal = ZERO
    changes: list[WorkOrderLine] = field(default_factory=list)
    # line id -> the published price of the day the line was quoted, where the billed price differs (SET-3)
    published: dict[int, Decimal] = field(default_factory=dict)

    @property
    def net(self) -> Decimal:
        return self.total - self.vat

    @property
    def ready(self) -> bool:
        return not self.differences and not self.pending

    @property
    def safety_declined(self) -> list:
        """Safety-critical work the customer does not have done (SET-11)."""
        return [d for d in self.deferred if d.urgency == DeferredWork.Urgency.SAFETY]


def vat_of(total: Decimal, rate_percent: Decimal) -> Decimal:
    """The VAT inside a tax-inclusive amount, to the fen."""
    rate = Decimal(rate_percent) / 100
    return money(total * rate / (1 + rate)) if rate else ZERO


def statement_build(order: WorkOrder) -> StatementData:
    """Read-only: the statement as it stands now, with what stops it."""
    lines = list(order.lines.select_related("part", "labour_operation").all())
    issued = issued_by_line(work_order_ids=[order.pk])
    adjustments = list(Adjustment.objects.filter(work_order=order).exclude(status=Adjustment.Status.REJECTED)
                       .select_related("line", "requested_by", "decided_by"))
    approved = [a for a in adjustments if a.status == Adjustment.Status.APPROVED]
    review = inspection_review(order)
    data = StatementData(
        order=order,
        labour_lines=[ln for ln in lines if ln.approval == L.Approval.APPROVED and not ln.warranty
                      and ln.kind == L.Kind.LABOUR],
        part_lines=[ln for ln in lines if ln.approval == L.Approval.APPROVED and not ln.warranty
                    and ln.kind == L.Kind.PART],
        warranty_lines=[ln for ln in lines if ln.approval == L.Approval.APPROVED and ln.warranty],
        declined_lines=[ln for ln in lines if ln.approval == L.Approval.DECLINED],
        changes=[ln for ln in lines if ln.approval == L.Approval.APPROVED and ln.source in (L.Source.CHANGE, L.Source.QC)],
        adjustments=approved,
        pending=[a for a in adjustments if a.status == Adjustment.Status.PENDING],
        differences=[],
        deferred=[d for d in review.deferred if d.work_order_id == order.pk or d.urgency == DeferredWork.Urgency.SAFETY],
        wear=review.wear,
        old_parts=list(OldPart.objects.filter(work_order=order).select_related("line")),
        vat_rate_percent=order.store.vat_rate_percent,
    )
    data.differences = _differences(order, lines, issued, approved)
    data.published = published_differences(data.labour_lines + data.part_lines + data.warranty_lines)
    data.labour = money(sum((ln.amount for ln in data.labour_lines), ZERO))
    data.parts = money(sum((ln.amount for ln in data.part_lines), ZERO))
    data.warranty = money(sum((ln.amount for ln in data.warranty_lines), ZERO))
    data.quoted = data.labour + data.parts
    data.adjustment_total = money(sum((a.amount for a in approved), ZERO))
    data.total = data.quoted + data.adjustment_total
    data.vat = vat_of(data.total, data.vat_rate_percent)
    return data


def _differences(order: WorkOrder, lines: list[WorkOrderLine], issued: dict[int, Decimal],
                 approved: list[Adjustment]) -> list[Difference]:
    out: list[Difference] = []
    billed_as = {a.line_id: a.quantity for a in approved if a.kind == Adjustment.Kind.QUANTITY}
    for line in lines:
        got = issued.get(line.pk, ZERO)
        if line.approval != L.Approval.APPROVED:
            if got:
                out.append(Difference(
                    _("%(qty)s of %(item)s issued, but the customer did not approve it: return them to the "
                      "parts counter.") % {"qty": quantity_text(got), "item": line.description}, line))
            continue
        if line.kind != L.Kind.PART or line.part_id is None or got == line.quantity:
            continue
        if billed_as.get(line.pk) == got:
            continue  # the manager approved billing what was actually issued
        if got == 0:
            message = _("%(item)s: on the order × %(ordered)s, but no parts were issued.")
        elif got > line.quantity:
            message = _("%(item)s: on the order × %(ordered)s, but %(issued)s issued: return the extra parts, "
                        "or have the customer approve them.")
        else:
            message = _("%(item)s: on the order × %(ordered)s, but only %(issued)s issued.")
        amount = ZERO if line.warranty else money(line.unit_price * (got - line.quantity))
        out.append(Difference(message % {"item": line.description, "ordered": quantity_text(line.quantity),
                                         "issued": quantity_text(got)}, line, got, amount))
    for req in Requisition.objects.filter(work_order=order, status=Requisition.Status.OPEN).select_related("part"):
        out.append(Difference(_("A requisition for %(part)s × %(qty)s is still open at the parts counter: issue or "
                                "cancel it.") % {"part": req.part.name, "qty": quantity_text(req.quantity)}))
    return out
