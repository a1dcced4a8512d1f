"""Writes of stage 1: booking an appointment (APT-2…APT-7, SCH-1)."""

from collections.abc import Sequence
from datetime import datetime
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from dealership.errors import ProcessError
from dealership.messages import N_
from dealership.models import Customer, LabourOperation, Part, Role, Store, User, Vehicle, WorkOrder, WorkOrderLine
from dealership.services import (
    OVERRIDE_ROLES,
    Override,
    staff_task_create,
    work_order_add_line,
    work_order_create,
    work_order_note,
)

from .capacity import capacity_take, has_room, hours_by_trade
from .models import Appointment
from .timetable import slot_at

BUFFER_ROLES = (Role.SERVICE_ADVISOR, Role.AFTERSALES_MANAGER)


def appointment_book(
    *,
    store: Store,
    actor: User,
    customer: Customer,
    vehicle: Vehicle,
    advisor: User,
    starts_at: datetime,
    customer_words: str,
    pre_diagnosis: str,
    labour_operations: Sequence[LabourOperation] = (),
    parts: Sequence[Part] = (),
    use_buffer: bool = False,
    buffer_reason: str = "",
    capacity_override: Override | None = None,
    extra_items: Sequence[tuple[str, Decimal]] = (),
) -> Appointment:
    """Book a reception slot with the advisor and prepare the draft work order
    from the pre-diagnosis; tell the advisor and the parts department (APT-7).

    Refuses: missing fault description or pre-diagnosis (APT-2, APT-3), a time
    that is not a slot of the timetable or already past (SCH-1), a buffer slot
    without an authorised person and reason (SCH-4), a taken slot (even when
    two people book it at the same moment: the database refuses the second)."""
    if not customer_words.strip():
        raise ProcessError(_("Record the customer's own description of the fault."), rule="APT-2")
    if not pre_diagnosis.strip():
        raise ProcessError(_("Record a pre-diagnosis before booking."), rule="APT-3")
    if not advisor.has_role(Role.SERVICE_ADVISOR) or advisor.store_id != store.pk:
        raise ProcessError(_("Choose a service advisor of this store."))
    if starts_at <= timezone.now():
        raise ProcessError(_("The appointment time has already passed."))
    if not labour_operations and not parts and not extra_items:
        raise ProcessError(_("Add at least one labour operation or part, so the customer hears an estimate."),
                           rule="APT-4")
    other = Appointment.objects.filter(vehicle=vehicle, status=Appointment.Status.BOOKED,
                                       starts_at__gt=timezone.now()).first()
    if other:
        raise ProcessError(_("%(plate)s already has an appointment on %(when)s; reschedule that one instead.")
                           % {"plate": vehicle.plate,
                              "when": timezone.localtime(other.starts_at).strftime("%m-%d %H:%M")})
    slot = slot_at(store=store, starts_at=starts_at)
    if slot is None:
        raise ProcessError(_("That time is not a reception slot of this store (opening hours %(o)s–%(c)s).")
                           % {"o": store.opens_at.strftime("%H:%M"), "c": store.closes_at.strftime("%H:%M")},
                           rule="SCH-1")
    if Appointment.objects.filter(advisor=advisor, starts_at=starts_at, status__in=Appointment.ACTIVE).exists():
        raise ProcessError(_("%(advisor)s already has a customer at %(time)s; choose another time.")
                           % {"advisor": advisor, "time": timezone.localtime(starts_at).strftime("%H:%M")},
                           rule="SCH-1")
    if slot.is_buffer:
        if not use_buffer:
            raise ProcessError(_("That slot is kept free as a buffer; only an advisor or manager may place an urgent or larger case in it."), rule="SCH-1")
        if not actor.has_role(*BUFFER_ROLES):
            raise ProcessError(_("Only a service advisor or the after-sales manager may use a buffer slot."), rule="SCH-4")
        if not buffer_reason.strip():
            raise ProcessError(_("Say why this case goes into the buffer slot."), rule="SCH-4")
    try:
        with transaction.atomic():
            order = work_order_create(
                store=store, customer=customer, vehicle=vehicle, advisor=advisor, actor=actor,
                origin=WorkOrder.Origin.APPOINTMENT, customer_words=customer_words.strip(),
                diagnosis=pre_diagnosis.strip(),
            )
            appointment = Appointment.objects.create(
                store=store, customer=customer, vehicle=vehicle, advisor=advisor,
                work_order=order, starts_at=starts_at, in_buffer=slot.is_buffer,
                buffer_reason=buffer_reason.strip() if slot.is_buffer else "",
                customer_words=customer_words.strip(), pre_diagnosis=pre_diagnosis.strip(),
                created_by=actor,
            )
            for op in labour_operations:
                work_order_add_line(work_order=order, actor=actor, labour_operation=op,
                                    source=WorkOrderLine.Source.APPOINTMENT)
            for part in parts:
                work_order_add_line(work_order=order, actor=actor, part=part,
                                    source=WorkOrderLine.Source.APPOINTMENT)
            for description, price in extra_items:
                work_order_add_line(work_order=order, actor=actor, description=description, unit_price=price,
                                    source=WorkOrderLine.Source.APPOINTMENT)
            hours = hours_by_trade(labour_operations)
            if capacity_override is not None:
                if not capacity_override.by.has_role(*OVERRIDE_ROLES):
                    raise ProcessError(_("Only the after-sales manager may book beyond the workshop's capacity."),
                                       rule="APT-5")
                if not capacity_override.reason.strip():
                    raise ProcessError(_("Give the reason for booking beyond the workshop's capacity."),
                                       rule="APT-5")
            day = timezone.localtime(starts_at).date()
            beyond = capacity_override is not None and not has_room(store=store, day=day, hours=hours)
            capacity_take(store=store, day=day, hours=hours, beyond=beyond)
            changes = {"capacity_taken": {t: str(h) for t, h in hours.items()}}
            if beyond:
                changes.update(capacity_override_by=capacity_override.by,
                               capacity_override_reason=capacity_override.reason.strip())
                work_order_note(work_order=order, actor=actor, rule="APT-5",
                                message=N_("Booked beyond the workshop's capacity, allowed by %(who)s."),
                                params={"who": str(capacity_override.by)}, note=capacity_override.reason.strip())
            Appointment.objects.filter(pk=appointment.pk).update(**changes)
            for field, value in changes.items():
                setattr(appointment, field, value)
            _notify_booking(appointment, has_parts=bool(parts))
    except IntegrityError:
        raise ProcessError(_("%(advisor)s was booked at %(time)s by someone else a moment ago; choose another time.")
                           % {"advisor": advisor, "time": timezone.localtime(starts_at).strftime("%H:%M")},
                           rule="SCH-1") from None
    return appointment


def _notify_booking(appointment: Appointment, *, has_parts: bool) -> None:
    """APT-7: the advisor and the parts department learn of it at once."""
    when = timezone.localtime(appointment.starts_at).strftime("%m-%d %H:%M")
    link = reverse("appointments:detail", args=[appointment.pk])
    staff_task_create(
        store=appointment.store_id, assignee=appointment.advisor, work_order=appointment.work_order,
        key=f"apt-{appointment.pk}-prepare", link=link,
        message=N_("Prepare the appointment of %(plate)s at %(when)s"),
        params={"plate": appointment.vehicle.plate, "when": when},
    )
    if has_parts:
        staff_task_create(
            store=appointment.store_id, role=Role.PARTS_CLERK, work_order=appointment.work_order,
            key=f"apt-{appointment.pk}-parts", link=link,
            message=N_("Reserve the parts for %(plate)s (appointment %(when)s)"),
            params={"plate": appointment.vehicle.plate, "when": when},
        )
