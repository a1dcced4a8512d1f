"""Money recomputed from its parts and compared with what is stored (issue 10):
each line's amount from its price and quantity, each order's totals from its
payable lines, and what later stages register here (settlement: each issued
statement's total from its labour, parts and adjustments). Set-based queries,
so it runs over a group's five years in seconds (`python manage.py check_money`).

The core checks its own records; a stage that stores money of its own adds its
check through `register` from its AppConfig.ready(), as with `stilldue`, so the
core imports no stage (design.md: dependencies flow with the process)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import DecimalField, F, Q, Sum, Value
from django.db.models.functions import Coalesce, Round

from .models import WorkOrder, WorkOrderLine

ZERO = Value(Decimal("0"), output_field=DecimalField(max_digits=12, decimal_places=2))
EXAMPLES = 20


@dataclass
class Difference:
    what: str
    record: str
    stored: Decimal
    recomputed: Decimal


@dataclass
class MoneyCheck:
    checked: dict = field(default_factory=dict)
    differences: list[Difference] = field(default_factory=list)
    counts: dict = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not any(self.counts.values())


# Each check adds to the result what it counted, how many differ, and up to EXAMPLES differences.
Check = Callable[[MoneyCheck, list[int] | None], None]
_CHECKS: list[Check] = []


def register(check: Check) -> Check:
    _CHECKS.append(check)
    return check


def _payable(kind: str) -> Q:
    return Q(lines__approval=WorkOrderLine.Approval.APPROVED, lines__warranty=False, lines__kind=kind)


@register
def line_amounts(result: MoneyCheck, store_ids: list[int] | None) -> None:
    lines = WorkOrderLine.objects.all()
    if store_ids is not None:
        lines = lines.filter(store_id__in=store_ids)
    bad_lines = lines.annotate(expected=Round(F("unit_price") * F("quantity"), 2)).exclude(amount=F("expected"))
    result.checked["lines"] = lines.count()
    result.counts["lines"] = bad_lines.count()
    for line in bad_lines.select_related("work_order").order_by("id")[:EXAMPLES]:
        result.differences.append(Difference("line amount", f"{line.work_order.number} / {line.description}",
                                             line.amount, line.expected))


@register
def order_totals(result: MoneyCheck, store_ids: list[int] | None) -> None:
    orders = WorkOrder.objects.all()
    if store_ids is not None:
        orders = orders.filter(store_id__in=store_ids)
    sums = orders.annotate(
        sum_labour=Coalesce(Sum("lines__amount", filter=_payable(WorkOrderLine.Kind.LABOUR)), ZERO),
        sum_parts=Coalesce(Sum("lines__amount", filter=_payable(WorkOrderLine.Kind.PART)), ZERO))
    bad_orders = sums.exclude(labour_total=F("sum_labour"), parts_total=F("sum_parts"),
                              total=F("sum_labour") + F("sum_parts"))
    result.checked["work orders"] = orders.count()
    result.counts["work orders"] = bad_orders.count()
    for order in bad_orders.order_by("id")[:EXAMPLES]:
        result.differences.append(Difference("work order total", order.number, order.total,
                                             order.sum_labour + order.sum_parts))


def check_money(*, store_ids: list[int] | None = None) -> MoneyCheck:
    result = MoneyCheck()
    for check in _CHECKS:
        check(result, store_ids)
    return result
