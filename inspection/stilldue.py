"""Registers with dealership.stilldue what QC recorded for a car's next
visit: open deferred work (QC-12) and worn parts (QC-11)."""

from datetime import date

from django.utils import timezone
from django.utils.translation import gettext as _

from dealership.stilldue import StillDue, register

from .models import DeferredWork, WearReading


@register
def deferred_and_wear(vehicle_ids: list[int], since: date) -> dict[int, list[StillDue]]:
    out: dict[int, list[StillDue]] = {}
    for d in (DeferredWork.objects.filter(vehicle_id__in=vehicle_ids, status=DeferredWork.Status.OPEN)
              .select_related("work_order").order_by("-at")[:12 * len(vehicle_ids)]):
        out.setdefault(d.vehicle_id, []).append(StillDue(
            d.urgency, d.get_urgency_display(), d.description, timezone.localtime(d.at).date(),
            d.work_order.number, d.estimate))
    latest: dict[tuple[int, str], WearReading] = {}
    for r in (WearReading.objects.filter(vehicle_id__in=vehicle_ids, at__date__gte=since)
              .select_related("work_order").order_by("-at", "-id")[:20 * len(vehicle_ids)]):
        latest.setdefault((r.vehicle_id, r.item), r)
    for (vehicle_id, _item), r in latest.items():
        if r.level == "ok":
            continue
        label = _("replace now") if r.level == "replace" else _("replace soon")
        out.setdefault(vehicle_id, []).append(StillDue(
            f"wear_{r.level}", label, f"{r.get_item_display()} {r.value} {r.unit}", timezone.localtime(r.at).date(),
            r.work_order.number))
    return out
