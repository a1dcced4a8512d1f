"""The doors of stage 1's stateful models (dealership.doors): each table is
declared on its model; an appointment's every move leaves an AppointmentChange
(APT-10: the appointment's history says who closed it, when and why)."""

from dealership.doors import Door
from dealership.models import User

from .models import Appointment, AppointmentChange, Confirmation, PartReservation, RebookingOffer

_KIND = {Appointment.Status.ARRIVED: AppointmentChange.Kind.ARRIVED,
         Appointment.Status.NO_SHOW: AppointmentChange.Kind.NO_SHOW,
         Appointment.Status.CANCELLED: AppointmentChange.Kind.CANCELLED}


def _appointment_change(appointment: Appointment, from_status: str, *, actor: User | None, reason: str = "",
                        by_shop: bool = False) -> AppointmentChange:
    """actor None: the customer through the link, or a sweep."""
    return AppointmentChange.objects.create(
        store_id=appointment.store_id, appointment=appointment, kind=_KIND[appointment.status], by_shop=by_shop,
        old_starts_at=appointment.starts_at, reason=reason.strip()[:200], actor=actor)


APPOINTMENT = Door(Appointment, record=_appointment_change)
PART_RESERVATION = Door(PartReservation, rule="APT-8")
CONFIRMATION = Door(Confirmation, rule="APT-11")
REBOOKING_OFFER = Door(RebookingOffer, rule="APT-10")
