"""Stand-ins for the stages' needs (supply.demand) while a stage has not
registered its own source: the tests of supply prove the netting, not the
stages' side, and use the stage's source as soon as it exists."""

from decimal import Decimal

from django.utils import timezone

from appointments.models import PartReservation
from supply import demand
from supply.demand import Need, Source
from workshop.models import Requisition


def _short_reservations(store_id, part_ids):
    rows = PartReservation.objects.filter(store_id=store_id, status=PartReservation.Status.SHORT).select_related(
        "appointment__vehicle")
    if part_ids is not None:
        rows = rows.filter(part_id__in=part_ids)
    return [Need("test-appointment", r.pk, store_id, r.part_id, r.quantity,
                 timezone.localtime(r.appointment.starts_at).date(), f"预约 {r.appointment.vehicle.plate}",
                 r.appointment.work_order_id) for r in rows]


def _waiting_requisitions(store_id, part_ids):
    rows = Requisition.objects.filter(store_id=store_id, status=Requisition.Status.OPEN).select_related(
        "work_order")
    if part_ids is not None:
        rows = rows.filter(part_id__in=part_ids)
    return [Need("test-requisition", r.pk, store_id, r.part_id, r.quantity, timezone.localdate(),
                 f"领料 {r.work_order.number}", r.work_order_id, urgent=True) for r in rows]


STAND_INS = {"appointment": Source("test-appointment", "预约", _short_reservations, order=20),
             "requisition": Source("test-requisition", "领料", _waiting_requisitions, order=10)}


def stage_source(monkeypatch, kind: str, store_id: int, part_id: int) -> None:
    """Register the stand-in for `kind` unless a stage's own source already lists a need for the part."""
    if any(n.source != "minimum" for n in demand.needs_for(store_id, [part_id])):
        return
    source = STAND_INS[kind]
    monkeypatch.setitem(demand._SOURCES, source.key, source)


def listening_source(monkeypatch, part_id: int, quantity=Decimal(1), needed_on=None, heard=None):
    """A source with one need, which records what `ordered` tells it."""
    heard = heard if heard is not None else []

    def needs(store_id, part_ids):
        if part_ids is not None and part_id not in part_ids:
            return []
        return [Need("test-listening", 1, store_id, part_id, Decimal(quantity), needed_on, "试车预约")]

    monkeypatch.setitem(demand._SOURCES, "test-listening", Source(
        "test-listening", "听", needs, ordered=lambda need, on, actor: heard.append((need, on, actor))))
    return heard
