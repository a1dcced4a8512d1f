"""Stage 3's side of parts supply (issue 19): a requisition the counter could
not issue for want of free stock is a need the parts department orders at
once (REP-9); when the part comes in, the technician who asked for it and the
order's advisor are told that it can be issued."""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal

from django.db.models import Exists, F, OuterRef
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from appointments.models import PartReservation
from dealership.messages import N_
from dealership.models import Part, User
from dealership.services import staff_task_create
from supply.demand import Delivered, Need, Source, register

from .models import Requisition

KEY = "requisition"
R = Requisition.Status


def _label(requisition: Requisition) -> str:
    return _("Workshop %(plate)s, order %(number)s") % {"plate": requisition.work_order.vehicle.plate,
                                                       "number": requisition.work_order.number}


def _waiting(store_id: int):
    """Open requisitions whose part's free stock does not cover them and that
    their own appointment shelf does not hold."""
    on_own_shelf = PartReservation.objects.filter(line_id=OuterRef("line_id"), status=PartReservation.Status.RESERVED,
                                                  quantity__gte=OuterRef("quantity"))
    return (Requisition.objects.filter(store_id=store_id, status=R.OPEN)
            .filter(part__on_hand__lt=F("part__reserved") + F("quantity"))
            .exclude(Exists(on_own_shelf))
            .select_related("work_order__vehicle").order_by("requested_at", "id"))


def requisition_needs(store_id: int, part_ids: Iterable[int] | None) -> list[Need]:
    """REP-9: the workshop waits for these parts now: urgent, needed today."""
    qs = _waiting(store_id)
    if part_ids is not None:
        qs = qs.filter(part_id__in=list(part_ids))
    today = timezone.localdate()
    return [Need(KEY, r.pk, r.store_id, r.part_id, r.quantity, today, _label(r), work_order_id=r.work_order_id,
                 urgent=True) for r in qs[:2000]]


def requisition_deliver(need: Need, actor: User) -> Delivered | None:
    """REP-9: the stock is in; if the free stock now covers the requisition,
    the technician and the advisor hear that the part can be issued (the
    counter's task to issue it exists since it was asked for)."""
    requisition = (Requisition.objects.filter(pk=need.ref, store_id=need.store_id, status=R.OPEN)
                   .select_related("work_order__vehicle", "work_order__advisor", "requested_by", "line").first())
    if requisition is None:
        return None
    part = Part.objects.only("on_hand", "reserved", "name").get(pk=requisition.part_id)
    if part.on_hand - part.reserved < requisition.quantity:
        return None
    order = requisition.work_order
    alert = {"store": order.store_id, "work_order": order,
             "message": N_("%(part)s × %(qty)s for %(plate)s has come in: the parts counter can issue it"),
             "params": {"part": requisition.line.description, "qty": format(requisition.quantity.normalize(), "f"),
                        "plate": order.vehicle.plate}}
    staff_task_create(assignee=requisition.requested_by, key=f"req-{requisition.pk}-arrived", link="/workshop/mine/",
                      **alert)
    if order.advisor_id and order.advisor_id != requisition.requested_by_id:
        staff_task_create(assignee=order.advisor, key=f"req-{requisition.pk}-arrived-advisor",
                          link=f"/orders/{order.pk}/", **alert)
    return Delivered(Decimal(requisition.quantity), "workshop", _label(requisition))


register(Source(KEY, gettext_lazy("Workshop requisitions"), requisition_needs, deliver=requisition_deliver,
                order=10))
