"""The manager's reception figures: faults found beyond the complaint
(REC-6), walk-around completeness (REC-5, REC-7), quotes accepted as written
(REC-11), and the reception time against the slot (SCH-3)."""

from datetime import datetime, time, timedelta

from django.db.models import Q
from django.utils import timezone

from appointments.models import QueueTicket
from dealership.access import scoped
from dealership.models import User, WorkOrder, WorkOrderLine

from .models import Reception, WalkAround
from .walkaround import checklist_items, completeness


def reception_figures(*, user: User, days: int = 30) -> dict:
    since = datetime.combine(timezone.localdate() - timedelta(days=days - 1), time.min,
                             tzinfo=timezone.get_current_timezone())
    signed = list(scoped(WorkOrder.objects.filter(customer_signed_at__gte=since), user)
                  .select_related("store", "advisor").order_by("customer_signed_at")[:5000])
    ids = [o.pk for o in signed]
    beyond = set(Reception.objects.filter(work_order_id__in=ids).exclude(beyond_complaint="")
                 .values_list("work_order_id", flat=True))
    declined = set(WorkOrderLine.objects.filter(work_order_id__in=ids, approval=WorkOrderLine.Approval.DECLINED,
                                                source__in=[WorkOrderLine.Source.APPOINTMENT,
                                                            WorkOrderLine.Source.RECEPTION])
                   .values_list("work_order_id", flat=True))
    walkarounds = {w.work_order_id: w for w in WalkAround.objects.filter(work_order_id__in=ids)}
    items_by_store = {}
    calls = {t.work_order_id: t.called_at for t in QueueTicket.objects.filter(work_order_id__in=ids)
             .exclude(Q(called_at__isnull=True))}
    rows: dict[str, dict] = {}
    for order in signed:
        if order.store_id not in items_by_store:
            items_by_store[order.store_id] = checklist_items(store=order.store)
        for key in (str(order.advisor), "__all__"):
            row = rows.setdefault(key, {"orders": 0, "beyond": 0, "complete": 0, "as_written": 0, "minutes": []})
            row["orders"] += 1
            row["beyond"] += order.pk in beyond
            row["complete"] += completeness(walkarounds.get(order.pk), items_by_store[order.store_id]).complete
            row["as_written"] += order.pk not in declined
            if order.pk in calls and order.customer_signed_at >= calls[order.pk]:
                row["minutes"].append((order.customer_signed_at - calls[order.pk]).total_seconds() / 60)

    def pct(part, whole):
        return round(100 * part / whole, 1) if whole else None

    def summary(row):
        minutes = row["minutes"]
        return {**row, "beyond_pct": pct(row["beyond"], row["orders"]),
                "complete_pct": pct(row["complete"], row["orders"]),
                "as_written_pct": pct(row["as_written"], row["orders"]),
                "average_minutes": round(sum(minutes) / len(minutes), 1) if minutes else None,
                "over_slot": sum(1 for m in minutes if m > 15)}

    total = summary(rows.pop("__all__", {"orders": 0, "beyond": 0, "complete": 0, "as_written": 0, "minutes": []}))
    return {"total": total, "advisors": sorted((k, summary(v)) for k, v in rows.items()), "days": days}
