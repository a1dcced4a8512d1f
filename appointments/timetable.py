"""The reception timetable (SCH-1): per advisor, slots of the store's length
from opening to closing, with one slot held free as a buffer after every N
(9:00, 9:15, 9:30, then 10:00 with the defaults)."""

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.utils import timezone

from dealership.models import Store, User

from .models import Appointment


@dataclass(frozen=True)
class Slot:
    starts_at: datetime
    is_buffer: bool
    taken: bool = False
    past: bool = False

    @property
    def bookable(self) -> bool:
        return not (self.is_buffer or self.taken or self.past)


def reception_slots(*, store: Store, day: date) -> list[Slot]:
    tz = timezone.get_current_timezone()
    step = timedelta(minutes=store.slot_minutes)
    start = datetime.combine(day, store.opens_at, tzinfo=tz)
    end = datetime.combine(day, store.closes_at, tzinfo=tz)
    slots, index = [], 0
    cadence = store.slots_before_buffer + 1
    while start + step <= end:
        slots.append(Slot(starts_at=start, is_buffer=index % cadence == store.slots_before_buffer))
        start += step
        index += 1
    return slots


def advisor_day(*, store: Store, advisor: User, day: date, now: datetime | None = None) -> list[Slot]:
    """The advisor's slots for a day, marked taken or past."""
    now = now or timezone.now()
    slots = reception_slots(store=store, day=day)
    if not slots:
        return []
    taken = set(
        Appointment.objects.filter(
            store=store, advisor=advisor, status__in=Appointment.ACTIVE,
            starts_at__gte=slots[0].starts_at, starts_at__lte=slots[-1].starts_at,
        ).values_list("starts_at", flat=True)
    )
    return [
        Slot(s.starts_at, s.is_buffer, taken=s.starts_at in taken, past=s.starts_at <= now)
        for s in slots
    ]


def slot_at(*, store: Store, starts_at: datetime) -> Slot | None:
    local = timezone.localtime(starts_at)
    for slot in reception_slots(store=store, day=local.date()):
        if slot.starts_at == local:
            return slot
    return None
