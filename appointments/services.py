"""Writes of stage 1: booking an appointment (APT-2…APT-7, SCH-1)."""

from collections.abc import Sequence
from datetime import datetime, timedelta
from decimal import Decimal
from functools import partial

from django.db import IntegrityError, transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from dealership.errors import ProcessError
from dealership.hours import store_closed_reason, store_hours
from dealership.messages import N_
from dealership.models import (
    Customer,
    LabourOperation,
    OutboundMessage,
    Part,
    Role,
    StaffTask,
    Store,
    User,
    Vehicle,
    WorkOrder,
    WorkOrderLine,
)
from dealership.notify import outcome_hook
from dealership.services import (
    OVERRIDE_ROLES,
    Override,
    staff_task_create,
    staff_tasks_close,
    work_order_add_line,
    work_order_create,
    work_order_note,
    work_order_transition,
)
from dealership.sweeps import in_stores
from dealership.textlimits import text_check

from .capacity import capacity_release, capacity_take, has_room, hours_by_trade
from .doors import APPOINTMENT, REBOOKING_OFFER
from .messages import appointment_message_send
from .models import Appointment, AppointmentChange, BookingRequest, RebookingOffer
from .offers import offer_make, offer_times_live
from .preparation import not_ready_subject, reservations_release
from .timetable import Slot, advisor_slot, is_reception_time

BUFFER_ROLES = (Role.SERVICE_ADVISOR, Role.AFTERSALES_MANAGER)


def _advisor_locked(advisor: User) -> None:
    """Serialise the bookings of one advisor until the transaction ends, so the
    run of bookings read next cannot change under us (SCH-1: two people
    booking 8:45 and 9:30 around 9:00 and 9:15 at once cannot both make a run
    of four). PostgreSQL: a row lock on the advisor that still lets others
    refer to them; SQLite: transactions take the write lock at BEGIN."""
    list(User.objects.select_for_update(no_key=True).filter(pk=advisor.pk).values_list("pk"))


def _not_a_slot(store: Store, starts_at: datetime) -> None:
    """SCH-1: refuse a time that is not a reception slot, saying why: the store is closed that day (a holiday, a
    closed weekday: dealership.hours), or the time is outside the day's opening hours or off the slot grid."""
    day = timezone.localtime(starts_at).date()
    reason = store_closed_reason(store, day)
    if reason is not None:
        when = day.strftime("%Y-%m-%d")
        raise ProcessError((_("The store is closed on %(day)s (%(name)s): choose another day.")
                            % {"day": when, "name": reason}) if reason else
                           _("The store is closed on %(day)s: choose another day.") % {"day": when},
                           rule="SCH-1", field="slot")
    opens, closes = store_hours(store, day)
    raise ProcessError(_("That time is not a reception slot of this store (opening hours %(o)s–%(c)s).")
                       % {"o": opens.strftime("%H:%M"), "c": closes.strftime("%H:%M")}, rule="SCH-1", field="slot")


def _slot_guard(*, store: Store, advisor: User, starts_at: datetime, actor: User | None, use_buffer: bool,
                buffer_reason: str, leaving: int | None = None) -> Slot:
    """SCH-1, SCH-4: the advisor's slot must be free, and one that would make a
    run of more than `slots_before_buffer` customers in a row (the buffer) is
    only for an advisor or the manager, ticked and with a reason. Call inside
    the booking's transaction: it takes the advisor's lock first."""
    _advisor_locked(advisor)
    slot = advisor_slot(store=store, advisor=advisor, starts_at=starts_at, leaving=leaving)
    when = timezone.localtime(starts_at).strftime("%H:%M")
    if slot is None:
        raise ProcessError(_("That time is not a free reception slot."), rule="SCH-1", field="slot")
    if slot.taken:
        raise ProcessError(_("%(advisor)s already has a customer at %(time)s; choose another time.")
                           % {"advisor": advisor, "time": when}, rule="SCH-1", field="slot")
    if slot.is_buffer:
        if not use_buffer:
            raise ProcessError(_("%(time)s would give %(advisor)s more than %(n)s customers in a row, so it is kept "
                                 "free as a buffer for urgent or larger cases: only an advisor or the manager places "
                                 "a customer there, with the reason.")
                               % {"time": when, "advisor": advisor, "n": store.slots_before_buffer}, rule="SCH-1",
                               field="slot")
        if actor is None or not actor.has_role(*BUFFER_ROLES):
            raise ProcessError(_("Only a service advisor or the after-sales manager may use a buffer slot."),
                               rule="SCH-4")
        if not buffer_reason.strip():
            raise ProcessError(_("Say why this case goes into the buffer slot."), rule="SCH-4", field="buffer_reason")
    return slot


def appointment_book(
    *,
    store: Store,
    actor: User | None,
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
    that is not a slot of the timetable or already past (SCH-1), a slot that
    would give the advisor more than `slots_before_buffer` customers in a row
    (the buffer) without an authorised person and reason (SCH-1, SCH-4), a
    taken slot (even when two people book at the same moment: the advisor's
    lock and the database refuse the second).

    `actor` None is the customer on the public booking page (issue 20): the
    same guards, and never the buffer nor beyond capacity."""
    if not customer_words.strip():
        raise ProcessError(_("Record the customer's own description of the fault."), rule="APT-2",
                           field="customer_words")
    if not pre_diagnosis.strip():
        raise ProcessError(_("Record a pre-diagnosis before booking."), rule="APT-3", field="pre_diagnosis")
    text_check(Appointment, rule="APT-2", customer_words=customer_words, pre_diagnosis=pre_diagnosis)
    if not advisor.has_role(Role.SERVICE_ADVISOR) or advisor.store_id != store.pk:
        raise ProcessError(_("Choose a service advisor of this store."), field="advisor")
    if starts_at <= timezone.now():
        raise ProcessError(_("The appointment time has already passed."), field="slot")
    if not labour_operations and not parts and not extra_items:
        raise ProcessError(_("Add at least one labour operation or part, so the customer hears an estimate."),
                           rule="APT-4", field="labour_operations")
    other = Appointment.objects.filter(vehicle=vehicle, status=Appointment.Status.BOOKED,
                                       starts_at__gt=timezone.now()).first()
    if other:
        raise ProcessError(_("%(plate)s already has an appointment on %(when)s; reschedule that one instead.")
                           % {"plate": vehicle.plate,
                              "when": timezone.localtime(other.starts_at).strftime("%m-%d %H:%M")})
    if not is_reception_time(store=store, starts_at=starts_at):
        _not_a_slot(store, starts_at)
    try:
        with transaction.atomic():
            slot = _slot_guard(store=store, advisor=advisor, starts_at=starts_at, actor=actor,
                               use_buffer=use_buffer, buffer_reason=buffer_reason)
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
                if actor is None or not capacity_override.by.has_role(*OVERRIDE_ROLES):
                    raise ProcessError(_("Only the after-sales manager may book beyond the workshop's capacity."),
                                       rule="APT-5")
                if not capacity_override.reason.strip():
                    raise ProcessError(_("Give the reason for booking beyond the workshop's capacity."),
                                       rule="APT-5", field="capacity_reason")
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
            _offers_settle(appointment=appointment, actor=actor)
            transaction.on_commit(partial(_wake, appointment.store_id))
    except IntegrityError:
        raise ProcessError(_("%(advisor)s was booked at %(time)s by someone else a moment ago; choose another time.")
                           % {"advisor": advisor, "time": timezone.localtime(starts_at).strftime("%H:%M")},
                           rule="SCH-1", field="slot") from None
    return appointment


def _wake(store_id: int) -> None:
    from .tasks import wake_confirmations  # noqa: PLC0415 (tasks import this module)

    wake_confirmations(store_id)


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
            key=f"apt-{appointment.pk}-parts", link=reverse("appointments:parts"),
            message=N_("Reserve the parts for %(plate)s (appointment %(when)s)"),
            params={"plate": appointment.vehicle.plate, "when": when},
        )


# --- when the appointment cannot be kept (APT-10), answers and no-shows ------------

def _release(appointment: Appointment) -> None:
    """Give back the workshop hours and the shelf's parts."""
    if appointment.capacity_taken:
        capacity_release(store=appointment.store, day=timezone.localtime(appointment.starts_at).date(),
                         hours=appointment.capacity_taken)
    reservations_release(appointment=appointment)


def _locked(appointment: Appointment) -> Appointment:
    # of=self: the joined rows are read, not locked (a locked store row would
    # hold back every insert that names the store until this commits)
    locked = Appointment.objects.select_for_update(of=("self",)).select_related(
        "store", "customer", "vehicle", "advisor", "work_order").get(pk=appointment.pk)
    if locked.status != Appointment.Status.BOOKED:
        raise ProcessError(_("This appointment is %(status)s.") % {"status": locked.get_status_display()})
    return locked


def _tell_customer(appointment: Appointment, *, name: str, key: str, change: AppointmentChange, **extra) -> None:
    """APT-10: tell the customer at once; without consent to messages, an
    agent calls. The message is recorded in the caller's transaction and sent
    after commit; the change records when it went (_change_told)."""
    record = appointment_message_send(appointment=appointment, name=name, key=key, purpose=CHANGE_TOLD,
                                      ref=change.pk, **extra)
    if record is None:
        staff_task_create(
            store=appointment.store_id, role=Role.APPOINTMENT_AGENT, work_order=appointment.work_order,
            key=f"{key}-call", link=reverse("appointments:detail", args=[appointment.pk]), urgent=True,
            message=N_("Call %(name)s: the appointment of %(old)s cannot be kept (%(plate)s)"),
            params={"name": appointment.customer.name, "plate": appointment.vehicle.plate,
                    "old": timezone.localtime(change.old_starts_at).strftime("%m-%d %H:%M")})


CHANGE_TOLD = "appointment_change"


@outcome_hook(CHANGE_TOLD)
def _change_told(message: OutboundMessage) -> None:
    if message.status == OutboundMessage.Status.SENT:
        AppointmentChange.objects.filter(pk=message.ref, customer_told_at__isnull=True).update(
            customer_told_at=message.sent_at)


def appointment_cancel(*, appointment: Appointment, actor: User | None, reason: str, by_shop: bool) -> Appointment:
    """Cancel a booked appointment: capacity and parts go back, the draft work
    order is cancelled with the reason. When the shop cannot keep it (APT-10,
    APT-X9) the customer is offered the next free times at once, answerable
    through the appointment's link; the message is recorded here and sent
    after commit, and an agent is asked to call if no answer comes in time
    (offers.py). Who is the reason is the caller's explicit choice."""
    if not reason.strip():
        raise ProcessError(_("Give the reason."))
    with transaction.atomic():
        locked = _locked(appointment)
        APPOINTMENT.move(locked, to=Appointment.Status.CANCELLED,
                         fields={"closed_reason": reason.strip(), "closed_by_shop": by_shop},
                         actor=actor, reason=reason, by_shop=by_shop)
        _release(locked)
        if locked.work_order.status == WorkOrder.Status.DRAFT:
            work_order_transition(work_order=locked.work_order, to=WorkOrder.Status.CANCELLED, actor=actor,
                                  message=N_("Appointment cancelled by the shop.") if by_shop
                                  else N_("Appointment cancelled by the customer."), note=reason.strip(),
                                  changes={"cancel_reason": reason.strip()})
        staff_tasks_close(work_order=locked.work_order, keys=[f"apt-{locked.pk}-prepare", f"apt-{locked.pk}-parts"],
                          subjects=[not_ready_subject(locked.pk)], actor=actor)
        if by_shop:
            offer = offer_make(appointment=locked, actor=actor or locked.created_by or locked.advisor)
            transaction.on_commit(lambda: _send_offer(offer.pk))
    locked.refresh_from_db()
    return locked


def _send_offer(offer_id: int) -> None:
    from .tasks import wake_offer  # noqa: PLC0415 (tasks import this module)

    wake_offer(offer_id)


def _offer_locked(offer: RebookingOffer) -> RebookingOffer:
    locked = RebookingOffer.objects.select_for_update(of=("self",)).select_related(
        "store", "made_by", "appointment__store", "appointment__customer", "appointment__vehicle",
        "appointment__advisor", "appointment__work_order").get(pk=offer.pk)
    if locked.status != RebookingOffer.Status.OPEN:
        raise ProcessError(_("These new times have already been answered. Please call the store to change it."),
                           rule="APT-10")
    return locked


def _offer_booking_items(order: WorkOrder) -> dict:
    """The cancelled order's jobs and parts, booked again as they were."""
    lines = [line for line in order.lines.select_related("labour_operation", "part")
             if line.approval == WorkOrderLine.Approval.APPROVED]
    return {"labour_operations": [line.labour_operation for line in lines if line.labour_operation_id],
            "parts": [line.part for line in lines if line.part_id],
            "extra_items": [(line.description, line.unit_price) for line in lines
                            if not line.labour_operation_id and not line.part_id]}


def offer_take(*, offer: RebookingOffer, choice: str, actor: User | None) -> Appointment:
    """The customer (through the link; actor None) or an agent on the phone
    takes one of the new times offered after the shop cancelled (APT-10): it
    is booked through appointment_book with all its guards, under the offer's
    lock, as a new appointment with the same jobs and parts. A time taken or
    full meanwhile is refused (SCH-1, APT-5); the page then shows what is
    free now. The call task closes."""
    with transaction.atomic():
        locked = _offer_locked(offer)
        old = locked.appointment
        chosen = next((t for t in offer_times_live(offer=locked) if t.value == choice), None)
        if chosen is None:
            raise ProcessError(_("Sorry, that time has just been taken. Please choose another."), rule="SCH-1")
        try:
            with transaction.atomic():
                REBOOKING_OFFER.move(locked, to=RebookingOffer.Status.BOOKED,
                                     fields={"answered_at": timezone.now(), "answered_by": actor})
                new = appointment_book(
                    store=old.store, actor=actor or locked.made_by, customer=old.customer, vehicle=old.vehicle,
                    advisor=chosen.advisor, starts_at=chosen.starts_at, customer_words=old.customer_words,
                    pre_diagnosis=old.pre_diagnosis, **_offer_booking_items(old.work_order))
        except ProcessError as exc:
            if exc.rule not in {"SCH-1", "APT-5"}:
                raise
            raise ProcessError(_("Sorry, that time has just been taken. Please choose another."),
                               rule=exc.rule) from None
        RebookingOffer.objects.filter(pk=locked.pk).update(new_appointment=new)
        _offer_answered(offer=locked, old=old, actor=actor, kind=AppointmentChange.Kind.OFFER_TAKEN,
                        new_starts_at=new.starts_at,
                        reason=_("Chosen by the customer through the link") if actor is None
                        else _("Agreed with the customer by %(who)s") % {"who": actor})
    return new


def offer_decline(*, offer: RebookingOffer, note: str, actor: User | None) -> RebookingOffer:
    """None of the new times suits the customer (APT-10): the answer and the
    customer's wish go to the booking queue (APT-1), where someone agrees a
    time with them; the call task closes."""
    with transaction.atomic():
        locked = _offer_locked(offer)
        old = locked.appointment
        note = note.strip()[:200]
        REBOOKING_OFFER.move(locked, to=RebookingOffer.Status.DECLINED,
                             fields={"answered_at": timezone.now(), "answered_by": actor, "answer_note": note})
        BookingRequest.objects.create(
            store_id=old.store_id, source=BookingRequest.Source.RESCHEDULE, name=old.customer.name,
            mobile=old.customer.mobile, plate=old.vehicle.plate, appointment=old,
            wish=note or _("None of the new times offered suits the customer."))
        _offer_answered(offer=locked, old=old, actor=actor, kind=AppointmentChange.Kind.OFFER_DECLINED,
                        reason=note or _("None of the times suits"))
    locked.refresh_from_db()
    return locked


def _offer_answered(*, offer: RebookingOffer, old: Appointment, actor: User | None, kind: str, reason: str,
                    new_starts_at: datetime | None = None) -> None:
    AppointmentChange.objects.create(store_id=old.store_id, appointment=old, by_shop=True, kind=kind,
                                     old_starts_at=old.starts_at, new_starts_at=new_starts_at, reason=reason[:200],
                                     actor=actor)
    work_order_note(work_order=old.work_order, actor=actor, rule="APT-10",
                    message=N_("New time chosen: %(new)s.") if new_starts_at else N_("None of the new times suits."),
                    params={"new": timezone.localtime(new_starts_at).strftime("%m-%d %H:%M")} if new_starts_at
                    else {}, note=reason if kind == AppointmentChange.Kind.OFFER_DECLINED else "")
    staff_tasks_close(work_order=old.work_order, keys=[f"apt-{old.pk}-cancel-call"], actor=actor)


def _offers_settle(*, appointment: Appointment, actor: User | None) -> None:
    """A new appointment booked for the car by other means (the agent on the
    phone, the booking form) answers any open offer of new times for it."""
    for offer in RebookingOffer.objects.select_for_update(of=("self",)).filter(
            store_id=appointment.store_id, appointment__vehicle_id=appointment.vehicle_id,
            status=RebookingOffer.Status.OPEN).select_related("appointment__work_order"):
        REBOOKING_OFFER.move(offer, to=RebookingOffer.Status.BOOKED,
                             fields={"answered_at": timezone.now(), "answered_by": actor,
                                     "new_appointment": appointment})
        _offer_answered(offer=offer, old=offer.appointment, actor=actor, kind=AppointmentChange.Kind.OFFER_TAKEN,
                        new_starts_at=appointment.starts_at,
                        reason=_("Booked by %(who)s") % {"who": actor} if actor
                        else _("Booked by the customer online"))


def appointment_reschedule(*, appointment: Appointment, actor: User | None, starts_at: datetime, reason: str,
                           by_shop: bool, advisor: User | None = None) -> Appointment:
    """Move a booked appointment: the new slot and workshop room are checked
    like a new booking, the old ones given back, all in one transaction. The
    confirmations start again for the new time; when the shop moved it, the
    customer is told at once with the new time offered (APT-10). `actor` None
    is the customer through the booking link (issue 20): never into a buffer."""
    if not reason.strip():
        raise ProcessError(_("Give the reason."))
    advisor = advisor or appointment.advisor
    if starts_at <= timezone.now():
        raise ProcessError(_("The appointment time has already passed."))
    if not is_reception_time(store=appointment.store, starts_at=starts_at):
        _not_a_slot(appointment.store, starts_at)
    try:
        with transaction.atomic():
            locked = _locked(appointment)
            # the urgent path as for a booking: an advisor or the manager may move a customer into a buffer,
            # the reason for the move standing as the reason for the buffer
            slot = _slot_guard(store=locked.store, advisor=advisor, starts_at=starts_at, actor=actor,
                               use_buffer=actor is not None and actor.has_role(*BUFFER_ROLES), buffer_reason=reason,
                               leaving=locked.pk)
            old = locked.starts_at
            _release_capacity_only(locked)
            hours = {t: Decimal(h) for t, h in locked.capacity_taken.items()}
            capacity_take(store=locked.store, day=timezone.localtime(starts_at).date(), hours=hours)
            Appointment.objects.filter(pk=locked.pk).update(
                starts_at=starts_at, advisor=advisor, in_buffer=slot.is_buffer,
                buffer_reason=reason.strip() if slot.is_buffer else "",
                schedule_version=F("schedule_version") + 1, customer_answer="", customer_answer_note="")
            change = AppointmentChange.objects.create(store_id=locked.store_id, appointment=locked, by_shop=by_shop,
                                                      old_starts_at=old, new_starts_at=starts_at,
                                                      reason=reason.strip(), actor=actor)
            work_order_note(work_order=locked.work_order, actor=actor, rule="APT-10",
                            message=N_("Appointment moved from %(old)s to %(new)s."),
                            params={"old": timezone.localtime(old).strftime("%m-%d %H:%M"),
                                    "new": timezone.localtime(starts_at).strftime("%m-%d %H:%M")},
                            note=reason.strip())
            locked.refresh_from_db()
            _tell_customer(  # recorded with the move, sent after commit (issue 20)
                locked, name="moved" if by_shop else "moved_on_request", key=f"apt-{locked.pk}-moved-{change.pk}",
                change=change, old=timezone.localtime(old).strftime("%m-%d %H:%M"))
            BookingRequest.objects.filter(appointment=locked, handled_at__isnull=True).update(
                handled_at=timezone.now(), handled_by=actor,
                outcome=_("Moved to %(when)s") % {"when": timezone.localtime(starts_at).strftime("%m-%d %H:%M")})
            StaffTask.objects.filter(store_id=locked.store_id, key=f"apt-{locked.pk}-prepare").update(
                params={**{"plate": locked.vehicle.plate}, "when": timezone.localtime(starts_at).strftime("%m-%d %H:%M")})
    except IntegrityError:
        raise ProcessError(_("%(advisor)s already has a customer at %(time)s; choose another time.")
                           % {"advisor": advisor, "time": timezone.localtime(starts_at).strftime("%H:%M")},
                           rule="SCH-1") from None
    return locked


def _release_capacity_only(appointment: Appointment) -> None:
    if appointment.capacity_taken:
        capacity_release(store=appointment.store, day=timezone.localtime(appointment.starts_at).date(),
                         hours=appointment.capacity_taken)


def appointment_no_show(*, appointment: Appointment, actor: User | None) -> Appointment:
    """The customer did not come: counted, and the capacity and parts kept for
    them go back (APT-X9 is the shop's side; this is the customer's)."""
    if appointment.starts_at > timezone.now():
        raise ProcessError(_("The appointment time has not come yet; a customer can only be a no-show after it."))
    with transaction.atomic():
        locked = _locked(appointment)
        APPOINTMENT.move(locked, to=Appointment.Status.NO_SHOW, fields={"closed_reason": _("No-show")},
                         actor=actor, reason=_("No-show"))
        _release(locked)
        if locked.work_order.status == WorkOrder.Status.DRAFT:
            work_order_transition(work_order=locked.work_order, to=WorkOrder.Status.CANCELLED, actor=actor,
                                  message=N_("The customer did not come (no-show)."),
                                  changes={"cancel_reason": "no-show"})
        staff_tasks_close(work_order=locked.work_order, keys=[f"apt-{locked.pk}-prepare", f"apt-{locked.pk}-parts"],
                          subjects=[not_ready_subject(locked.pk)], actor=actor)
    locked.refresh_from_db()
    return locked


def appointments_mark_no_shows(*, now: datetime | None = None, store_ids: list[int] | None = None) -> int:
    """Sweep: booked appointments long past their time are no-shows."""
    now = now or timezone.now()
    count = 0
    booked = Appointment.objects.filter(status=Appointment.Status.BOOKED, starts_at__lt=now)
    for appointment in in_stores(booked, store_ids).select_related("store")[:500]:
        if appointment.starts_at + timedelta(minutes=appointment.store.no_show_after_minutes) < now:
            try:
                appointment_no_show(appointment=appointment, actor=None)
                count += 1
            except ProcessError:
                pass  # changed meanwhile
    return count


def appointment_answer(*, appointment: Appointment, answer: str, note: str = "") -> Appointment:
    """The customer's answer through the signed link (APT-11): recorded and
    put in front of the advisor; a cancel frees the slot at once, a request
    to reschedule goes to the booking queue (APT-1)."""
    if answer not in {"confirmed", "reschedule", "cancel"}:
        raise ProcessError(_("Choose an answer."))
    if appointment.status != Appointment.Status.BOOKED or appointment.starts_at <= timezone.now():
        raise ProcessError(_("This appointment can no longer be changed here; please call the store."))
    if appointment.customer_answer:
        raise ProcessError(_("You have already answered; please call the store to change it."))
    with transaction.atomic():
        updated = Appointment.objects.filter(pk=appointment.pk, customer_answer="").update(
            customer_answer=answer, customer_answer_note=note.strip()[:200], customer_answered_at=timezone.now())
        if updated != 1:
            raise ProcessError(_("You have already answered; please call the store to change it."))
        labels = {"confirmed": N_("The customer confirmed through the link."),
                  "reschedule": N_("%(name)s (%(plate)s) asks to move the appointment of %(when)s."),
                  "cancel": N_("%(name)s (%(plate)s) cancelled the appointment of %(when)s.")}
        params = {"name": appointment.customer.name, "plate": appointment.vehicle.plate,
                  "when": timezone.localtime(appointment.starts_at).strftime("%m-%d %H:%M")}
        work_order_note(work_order=appointment.work_order, actor=None, rule="APT-11", message=labels[answer],
                        params=params, note=note.strip()[:200])
        if answer != "confirmed":
            staff_task_create(
                store=appointment.store_id, assignee=appointment.advisor, work_order=appointment.work_order,
                key=f"apt-{appointment.pk}-answer-{appointment.schedule_version}",
                link=reverse("appointments:detail", args=[appointment.pk]), message=labels[answer], params=params)
        if answer == "reschedule":
            BookingRequest.objects.create(
                store_id=appointment.store_id, source=BookingRequest.Source.RESCHEDULE,
                name=appointment.customer.name, mobile=appointment.customer.mobile, plate=appointment.vehicle.plate,
                wish=note.strip()[:300], appointment=appointment)
    if answer == "cancel":
        appointment_cancel(appointment=appointment, actor=None, reason=note.strip() or _("Cancelled by the customer"),
                           by_shop=False)
    appointment.refresh_from_db()
    return appointment


def appointment_release_for_order(*, work_order: WorkOrder, reason: str, actor: User | None = None) -> None:
    """The order behind an appointment was cancelled at reception: the
    appointment closes and gives back its capacity and parts."""
    appointment = Appointment.objects.select_for_update(of=("self",)).filter(
        work_order=work_order, status__in=Appointment.ACTIVE).first()
    if appointment is None:
        return
    APPOINTMENT.move(appointment, to=Appointment.Status.CANCELLED, fields={"closed_reason": reason},
                     actor=actor, reason=reason)
    _release(appointment)


def booking_request_handled(*, request_: BookingRequest, actor: User, appointment: Appointment | None = None,
                            outcome: str = "") -> None:
    """APT-1: a request leaves the queue only when someone books it or says
    what came of it."""
    BookingRequest.objects.filter(pk=request_.pk, handled_at__isnull=True).update(
        handled_at=timezone.now(), handled_by=actor, appointment=appointment or request_.appointment,
        outcome=outcome or (_("Booked for %(when)s") % {
            "when": timezone.localtime(appointment.starts_at).strftime("%m-%d %H:%M")} if appointment else ""))
    # an online request's answer-by task (selfbooking.py) is done when the request is
    StaffTask.objects.filter(store_id=request_.store_id, key=f"request-{request_.pk}-answer",
                             done_at__isnull=True).update(done_at=timezone.now(), done_by=actor)
