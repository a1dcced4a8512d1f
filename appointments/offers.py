"""New times for an appointment the shop cannot keep (APT-10, APT-X9).

When the shop cancels, the customer is offered the next free times at once,
answerable through the appointment's signed link; an appointment agent is
asked to call when no answer comes within the store's `offer_answer_hours`.
The message goes into the outbox in the cancelling transaction and is sent
by a task after commit. Sending and the call task are each claimed with a
conditional UPDATE of the offer, so the task, the beat sweep and their
retries send one message and make one call task.

Free times come from the timetable (advisor_day) and the workshop's capacity
(has_room), the same checks the booking service applies; the choice is then
booked through the booking service itself (services.offer_take)."""

import logging
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal

from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from dealership.hours import store_hours_range
from dealership.messages import N_
from dealership.models import OutboundMessage, Role, Store, User
from dealership.notify import Draft, customer_messages_record, customer_messages_send, outcome_hook, with_purpose
from dealership.services import staff_task_create
from dealership.sweeps import in_stores

from .capacity import HORIZON_DAYS, has_room_now
from .messages import appointment_message_draft
from .models import Appointment, AppointmentChange, RebookingOffer
from .timetable import Slot, advisor_day

log = logging.getLogger(__name__)
OFFER_COUNT = 3
LEASE = timedelta(minutes=5)  # a send claimed this long ago by a worker that died is taken over
BATCH = 200
AFTERNOON = 13  # slots from 13:00 are the afternoon's; a choice of 12:00 beside 08:30 is hardly a choice


@dataclass(frozen=True)
class OfferedTime:
    starts_at: datetime
    advisor: User

    @property
    def value(self) -> str:
        """What the customer's choice posts: the local time and the advisor."""
        return f"{timezone.localtime(self.starts_at):%Y%m%d%H%M}-{self.advisor.pk}"

    def as_json(self) -> dict:
        return {"at": self.starts_at.isoformat(), "advisor": self.advisor.pk}


def _advisors(appointment: Appointment) -> list[User]:
    """The appointment's advisor first, then the store's other advisors of
    the same trade (all of them when the advisor has no trade)."""
    others = User.objects.filter(store_id=appointment.store_id, staff_roles__role=Role.SERVICE_ADVISOR,
                                 is_active=True).exclude(pk=appointment.advisor_id)
    if appointment.advisor.trade:
        others = others.filter(trade=appointment.advisor.trade)
    same = [appointment.advisor] if appointment.advisor.is_active else []
    return same + list(others.distinct().order_by("display_name", "pk"))


class _Days:
    """advisor_day and has_room, each asked once per advisor/day."""

    def __init__(self, appointment: Appointment, now: datetime) -> None:
        self.store, self.now = appointment.store, now
        self.hours = {t: Decimal(h) for t, h in (appointment.capacity_taken or {}).items()}
        self.slots: dict[tuple[int, date], list[Slot]] = {}
        self.room: dict[date, bool] = {}

    def has_room(self, day: date) -> bool:
        if day not in self.room:
            self.room[day] = has_room_now(store=self.store, day=day, hours=self.hours)
        return self.room[day]

    def free(self, advisor: User, day: date) -> list[Slot]:
        if (advisor.pk, day) not in self.slots:
            self.slots[advisor.pk, day] = [s for s in advisor_day(store=self.store, advisor=advisor, day=day,
                                                                  now=self.now) if s.bookable]
        return self.slots[advisor.pk, day]


def _half(moment: datetime) -> tuple[date, bool]:
    local = timezone.localtime(moment)
    return local.date(), local.hour < AFTERNOON


def offer_times_find(*, appointment: Appointment, now: datetime | None = None, count: int = OFFER_COUNT,
                     keep: list[OfferedTime] | None = None) -> list[OfferedTime]:
    """The next free times to offer (APT-10): from tomorrow on, never on the
    day the shop could not keep, only on days the workshop has room for the
    appointment's labour hours, at most one per morning or afternoon so the
    customer has a real choice; each with the same advisor when they have a
    free slot in that half-day, otherwise the earliest advisor of the same
    trade. `keep` are times already offered and still free; the list is
    topped up to `count`."""
    now = now or timezone.now()
    found = list(keep or [])
    taken_halves = {_half(t.starts_at) for t in found}
    advisors = _advisors(appointment)
    days = _Days(appointment, now)
    cancelled_day = timezone.localtime(appointment.starts_at).date()
    first = timezone.localtime(now).date() + timedelta(days=1)
    for offset in range(HORIZON_DAYS):
        if len(found) >= count or not advisors:
            break
        day = first + timedelta(days=offset)
        if day == cancelled_day or not days.has_room(day):
            continue
        for morning in (True, False):
            if (day, morning) in taken_halves or len(found) >= count:
                continue
            best: OfferedTime | None = None
            for advisor in advisors:
                slot = next((s for s in days.free(advisor, day) if _half(s.starts_at) == (day, morning)), None)
                if slot and (best is None or slot.starts_at < best.starts_at):
                    best = OfferedTime(slot.starts_at, advisor)
                if best and advisor.pk == appointment.advisor_id:
                    break  # the same advisor has a free slot in this half-day: keep the customer with them
            if best:
                found.append(best)
    return sorted(found, key=lambda t: t.starts_at)


def offer_times_sent(*, offer: RebookingOffer) -> list[OfferedTime]:
    """The times the message offered, as sent."""
    advisors = User.objects.in_bulk({item.get("advisor") for item in offer.slots})
    return [OfferedTime(datetime.fromisoformat(item["at"]), advisors[item["advisor"]]) for item in offer.slots
            if item.get("advisor") in advisors]


def offer_times_live(*, offer: RebookingOffer, now: datetime | None = None) -> list[OfferedTime]:
    """What the customer can choose now: the times sent that are still free
    (not taken, not past, the workshop still has room), topped up with fresh
    ones. Empty once the offer is answered."""
    if offer.status != RebookingOffer.Status.OPEN:
        return []
    now = now or timezone.now()
    appointment = offer.appointment
    days = _Days(appointment, now)
    advisors = {a.pk: a for a in _advisors(appointment)}
    keep = []
    for item in offer.slots:
        advisor = advisors.get(item.get("advisor"))
        starts_at = datetime.fromisoformat(item["at"])
        day = timezone.localtime(starts_at).date()
        if advisor and any(s.starts_at == starts_at for s in days.free(advisor, day)) and days.has_room(day):
            keep.append(OfferedTime(starts_at, advisor))
    return offer_times_find(appointment=appointment, now=now, keep=keep)


def _when(moment: datetime) -> str:
    return timezone.localtime(moment).strftime("%m-%d %H:%M")


def offer_answer_by(*, store: Store, start: datetime, cancelled_time: datetime) -> datetime:
    """When an agent should call if the customer has not answered: the
    store's `offer_answer_hours` counted in opening hours (a cancellation at
    17:30 with 2 hours and closing at 18:00 waits until 10:00 next morning,
    when someone is there to call), but no later than an hour before the
    cancelled time, so a customer about to set off is called."""
    tz = timezone.get_current_timezone()
    remaining = timedelta(hours=store.offer_answer_hours)
    moment = timezone.localtime(start)
    deadline = moment + remaining  # a store without opening hours: plain hours
    for day, hours in store_hours_range(store, moment.date(), 31):
        if hours is None:  # closed (a holiday, a closed weekday): nobody there to call
            continue
        opens = datetime.combine(day, hours[0], tzinfo=tz)
        closes = datetime.combine(day, hours[1], tzinfo=tz)
        if closes <= opens:
            break
        moment = max(moment, opens)
        if moment + remaining <= closes:
            deadline = moment + remaining
            break
        remaining -= max(closes - moment, timedelta(0))
    latest = timezone.localtime(cancelled_time - timedelta(hours=1))
    if latest < deadline:  # the customer is about to set off: call before then, while the store is open
        deadline = _open_by(store, latest)
    return max(start, deadline)


def _open_by(store: Store, moment: datetime) -> datetime:
    """The last moment at or before `moment` when the store is open: the moment itself, or the closing time of the
    last open day before it (unchanged for a store without opening hours)."""
    tz = timezone.get_current_timezone()
    for day, hours in reversed(store_hours_range(store, moment.date() - timedelta(days=14), 15)):
        if hours is None:
            continue
        opens = datetime.combine(day, hours[0], tzinfo=tz)
        closes = datetime.combine(day, hours[1], tzinfo=tz)
        if closes <= opens or opens <= moment <= closes:
            return moment
        if moment > closes:
            return closes
    return moment


def offer_make(*, appointment: Appointment, actor: User, now: datetime | None = None) -> RebookingOffer:
    """Inside the shop's cancellation (APT-10): find new times, record the
    offer and the customer's message in the outbox; without consent to
    messages, or with no free time to offer, an agent is asked to call now.
    The caller sends the message after commit (offer_message_deliver)."""
    now = now or timezone.now()
    times = offer_times_find(appointment=appointment, now=now)
    answer_by = offer_answer_by(store=appointment.store, start=now, cancelled_time=appointment.starts_at)
    key = f"apt-{appointment.pk}-cancel" if appointment.customer.consent_to_messages else ""
    offer = RebookingOffer.objects.create(store_id=appointment.store_id, appointment=appointment, made_by=actor,
                                          slots=[t.as_json() for t in times], answer_by=answer_by, message_key=key)
    if key:
        customer_messages_record([with_purpose(appointment_message_draft(
            appointment=appointment, name="cancelled_offer" if times else "cancelled", key=key,
            old=_when(appointment.starts_at), offers=times), "offer", offer.pk)])
    if not key:
        offer_call(offer=offer, now=now, reason=_("The customer takes no messages."))
    elif not times:
        offer_call(offer=offer, now=now, reason=_("No free time to offer in the next %(days)s days.")
                   % {"days": HORIZON_DAYS})
    return offer


def offer_call(*, offer: RebookingOffer, now: datetime, reason: str) -> bool:
    """One call task for the appointment agents per offer, whoever asks and
    however often: the conditional UPDATE is the claim, the task's unique key
    a second guard. Recorded on the appointment's history."""
    with transaction.atomic():
        if RebookingOffer.objects.filter(pk=offer.pk, status=RebookingOffer.Status.OPEN,
                                         call_task_at__isnull=True).update(call_task_at=now) != 1:
            return False
        appointment = Appointment.objects.select_related("customer", "vehicle", "work_order").get(
            pk=offer.appointment_id)
        answered_late = offer.message_key and offer.told_at is not None
        staff_task_create(
            store=appointment.store_id, role=Role.APPOINTMENT_AGENT, work_order=appointment.work_order,
            key=f"apt-{appointment.pk}-cancel-call", link=reverse("appointments:detail", args=[appointment.pk]),
            message=N_("Call %(name)s: no answer to the new times offered for the cancelled appointment of "
                       "%(old)s (%(plate)s)") if answered_late
            else N_("Call %(name)s: the appointment of %(old)s cannot be kept (%(plate)s)"),
            params={"name": appointment.customer.name, "plate": appointment.vehicle.plate,
                    "old": _when(appointment.starts_at)})
        AppointmentChange.objects.create(
            store_id=appointment.store_id, appointment=appointment, kind=AppointmentChange.Kind.CALL_DUE,
            by_shop=True, old_starts_at=appointment.starts_at, reason=reason[:200], actor=None)
    return True


def _claimable(now: datetime) -> Q:
    # the first send always; a retry after a dead worker only while no one has been asked to call
    return Q(message_claimed_at__isnull=True) | Q(message_claimed_at__lt=now - LEASE, call_task_at__isnull=True)


def offer_message_deliver(*, offer_id: int, now: datetime | None = None) -> bool:
    """Hand the recorded message of an offer to the outbox's delivery (after
    commit, from a task or the sweep). Claimed first, so only one worker
    queues it; the delivery tells the offer how it went (_offer_message_outcome):
    sent, the customer was told; a failed attempt asks an agent to call at once.
    True when it was queued."""
    now = now or timezone.now()
    claimed = RebookingOffer.objects.filter(_claimable(now), pk=offer_id, status=RebookingOffer.Status.OPEN,
                                            told_at__isnull=True).exclude(message_key="").update(
        message_claimed_at=now)
    if claimed != 1:
        return False
    offer = RebookingOffer.objects.select_related("appointment__customer").get(pk=offer_id)
    record = OutboundMessage.objects.get(store_id=offer.store_id, key=offer.message_key)
    queued = customer_messages_send([Draft(record.store_id, offer.appointment.customer, record.key, record.subject,
                                           record.body, record.work_order_id, "offer", offer.pk)])[record.key]
    if queued is None:  # the customer withdrew consent since: a person calls
        offer_call(offer=offer, now=now, reason=_("The customer takes no messages."))
        return False
    return True


@outcome_hook("offer", calls_on_failure=True)
def _offer_message_outcome(message: OutboundMessage) -> None:
    """The delivery's word on an offer's message: sent, the customer was told
    (the offer and the cancellation); a failed attempt, an agent calls at once
    (the outbox still retries: whichever reaches the customer first)."""
    offer = RebookingOffer.objects.filter(pk=message.ref).first()
    if offer is None:
        return
    if message.status == OutboundMessage.Status.SENT:
        RebookingOffer.objects.filter(pk=offer.pk, told_at__isnull=True).update(told_at=message.sent_at)
        AppointmentChange.objects.filter(appointment_id=offer.appointment_id, kind=AppointmentChange.Kind.CANCELLED,
                                         customer_told_at__isnull=True).update(customer_told_at=message.sent_at)
    else:
        offer_call(offer=offer, now=timezone.now(), reason=_("The message could not be sent."))


@dataclass
class OfferSweepResult:
    sent: int = 0
    calls: int = 0


def offers_sweep(*, now: datetime | None = None, store_ids: list[int] | None = None) -> OfferSweepResult:
    """Beat sweep: send offer messages whose after-commit task was lost, and
    ask an agent to call each customer who has not answered by `answer_by`."""
    now = now or timezone.now()
    result = OfferSweepResult()
    unsent = in_stores(RebookingOffer.objects.filter(_claimable(now), status=RebookingOffer.Status.OPEN,
                                                     told_at__isnull=True), store_ids).exclude(message_key="")
    for pk in unsent.order_by("made_at").values_list("pk", flat=True)[:BATCH]:
        result.sent += offer_message_deliver(offer_id=pk, now=now)
    due = in_stores(RebookingOffer.objects.filter(status=RebookingOffer.Status.OPEN, call_task_at__isnull=True,
                                                  answer_by__lte=now), store_ids).order_by("answer_by")
    for offer in due[:BATCH]:
        result.calls += offer_call(offer=offer, now=now, reason=_("No answer by %(when)s.")
                                   % {"when": _when(offer.answer_by)})
    return result
