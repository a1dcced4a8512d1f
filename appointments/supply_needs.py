"""Stage 1's side of parts supply (issue 19): the appointment shelf's
shortages are needs that the parts department orders (APT-8); a delivery puts
the part on the appointment's shelf at once, and a part ordered to come on or
after the appointment day alerts the advisor and the appointment agent the
day it is ordered (APT-10)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from dealership.models import User
from supply.demand import Delivered, Need, Source, register

from .models import Appointment, PartReservation
from .preparation import reservation_expect, reservation_retry

KEY = "appointment"
R = PartReservation.Status


def _label(reservation: PartReservation) -> str:
    starts = timezone.localtime(reservation.appointment.starts_at)
    return _("Appointment %(plate)s %(when)s") % {"plate": reservation.appointment.vehicle.plate,
                                                   "when": starts.strftime("%m-%d %H:%M")}


def _need(reservation: PartReservation) -> Need:
    # needed the day before the visit: the shelf is complete for the day-before check (APT-9, APT-11), and a part
    # due on the appointment's own day is already late for it (reservation_expect alerts the advisor, APT-10)
    return Need(KEY, reservation.pk, reservation.store_id, reservation.part_id, reservation.quantity,
                timezone.localtime(reservation.appointment.starts_at).date() - timedelta(days=1), _label(reservation),
                work_order_id=reservation.appointment.work_order_id)


def _short(store_id: int):
    return (PartReservation.objects.filter(store_id=store_id, status=R.SHORT,
                                           appointment__status__in=Appointment.ACTIVE)
            .select_related("appointment__vehicle").order_by("appointment__starts_at", "id"))


def appointment_needs(store_id: int, part_ids: Iterable[int] | None) -> list[Need]:
    """APT-8: the parts of active appointments that are not on the shelf."""
    qs = _short(store_id)
    if part_ids is not None:
        qs = qs.filter(part_id__in=list(part_ids))
    return [_need(r) for r in qs[:2000]]


def appointment_deliver(need: Need, actor: User) -> Delivered | None:
    """APT-8: the part came in; it goes onto the appointment's shelf, reserved there at once."""
    reservation = _short(need.store_id).filter(pk=need.ref).first()
    if reservation is None or not reservation_retry(reservation=reservation, actor=actor):
        return None
    label = _label(reservation)
    return Delivered(reservation.quantity, "shelf",
                     f"{label} ({reservation.shelf})" if reservation.shelf else label)


def appointment_ordered(need: Need, expected_on: date, actor: User) -> None:
    """APT-10: the part is ordered, due on `expected_on`; on or after the
    appointment day the advisor and the agent are told now, the day it is
    ordered, so the visit can be moved instead of failing on arrival."""
    reservation = _short(need.store_id).filter(pk=need.ref).first()
    if reservation is None:
        return
    reservation_expect(reservation=reservation, expected_on=max(expected_on, timezone.localdate()), actor=actor)


register(Source(KEY, gettext_lazy("Appointments"), appointment_needs, deliver=appointment_deliver,
                ordered=appointment_ordered, order=20))
