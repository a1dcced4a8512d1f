"""What a car still needs from earlier visits (SET-10, QC-11, QC-12): shown
at the next booking and the next reception.

The core knows the items the customer declined (they are work order lines);
later stages add what they record (work deferred at QC, worn parts) through
`register`, so the booking and reception screens show it without importing
a later stage (design.md: dependencies flow with the process)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .models import WorkOrder, WorkOrderLine

LOOK_BACK_DAYS = 730
PER_CAR = 12


@dataclass(frozen=True)
class StillDue:
    kind: str          # "safety", "soon", "next_service", "declined", "wear"
    label: str         # shown in the badge
    text: str
    since: date
    order_number: str = ""
    amount: Decimal | None = None

    @property
    def urgent(self) -> bool:
        return self.kind in ("safety", "wear_replace")


Provider = Callable[[list[int], date], dict[int, list[StillDue]]]
_PROVIDERS: list[Provider] = []


def register(provider: Provider) -> Provider:
    _PROVIDERS.append(provider)
    return provider


@register
def declined_items(vehicle_ids: list[int], since: date) -> dict[int, list[StillDue]]:
    out: dict[int, list[StillDue]] = {}
    rows = (WorkOrderLine.objects.filter(work_order__vehicle_id__in=vehicle_ids,
                                         approval=WorkOrderLine.Approval.DECLINED, created_at__date__gte=since)
            .exclude(work_order__status=WorkOrder.Status.CANCELLED)
            .select_related("work_order").order_by("-created_at")[:PER_CAR * max(len(vehicle_ids), 1)])
    for line in rows:
        out.setdefault(line.work_order.vehicle_id, []).append(StillDue(
            "declined", str(_("Declined")), line.description, timezone.localtime(line.created_at).date(),
            line.work_order.number, line.amount))
    return out


def still_due(vehicle_ids: Iterable[int], *, exclude_order: int | None = None) -> dict[int, list[StillDue]]:
    """Per car: open deferred work, declined items and worn parts, most urgent first."""
    ids = [i for i in vehicle_ids if i]
    if not ids:
        return {}
    since = timezone.localdate() - timedelta(days=LOOK_BACK_DAYS)
    merged: dict[int, list[StillDue]] = {}
    for provider in _PROVIDERS:
        for vehicle_id, items in provider(ids, since).items():
            merged.setdefault(vehicle_id, []).extend(items)
    order_number = WorkOrder.objects.filter(pk=exclude_order).values_list("number", flat=True).first() \
        if exclude_order else None
    rank = {"safety": 0, "wear_replace": 1, "soon": 2, "wear_soon": 3, "declined": 4, "next_service": 5}
    return {vid: sorted([i for i in items if not order_number or i.order_number != order_number],
                        key=lambda i: (rank.get(i.kind, 9), -i.since.toordinal()))[:PER_CAR]
            for vid, items in merged.items()}
