"""The reception timetable (SCH-1): per advisor, slots of the store's length
from opening to closing. The buffer belongs to the advisor's run of
bookings, not to a grid counted from opening: a slot is a buffer when booking
it would give that advisor more than `slots_before_buffer` consecutive booked
slots. With the defaults, 9:00, 9:15 and 9:30 booked make 9:45 the buffer and
10:00 free, whatever the hour the store opens."""

from collections.abc import Collection
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from functools import cached_property

from django.utils import timezone

from dealership.hours import store_hours
from dealership.models import Store, User

from .models import Appointment


@dataclass(frozen=True)
class Slot:
    starts_at: datetime
    is_buffer: bool = False
    taken: bool = False
    past: bool = False

    @property
    def bookable(self) -> bool:
        return not (self.is_buffer or self.taken or self.past)

    @cached_property
    def hhmm(self) -> str:
        """`|time:"H:i"` once, in the shop's time: the slot finder prints each time up to four times, and the
        template filter cost about 2 ms of its 7 (issue 22)."""
        return timezone.localtime(self.starts_at).strftime("%H:%M")


def reception_slots(*, store: Store, day: date) -> list[datetime]:
    """The times a reception may start on the day: every `slot_minutes` from
    opening while a whole slot fits before closing; none on a day the store
    is closed (a closed weekday, a holiday: dealership.hours). Which of them
    is a buffer depends on the advisor's bookings (advisor_day)."""
    hours = store_hours(store, day)
    if hours is None:
        return []
    tz = timezone.get_current_timezone()
    step = timedelta(minutes=store.slot_minutes)
    start = datetime.combine(day, hours[0], tzinfo=tz)
    end = datetime.combine(day, hours[1], tzinfo=tz)
    times = []
    while start + step <= end:
        times.append(start)
        start += step
    return times


def run_length(*, starts_at: datetime, booked: Collection[datetime], step: timedelta) -> int:
    """How many consecutive booked slots the advisor would have if `starts_at`
    were booked too (the slot itself counted once)."""
    length = 1
    for direction in (-step, step):
        moment = starts_at + direction
        while moment in booked:
            length += 1
            moment += direction
    return length


def makes_buffer(*, store: Store, starts_at: datetime, booked: Collection[datetime]) -> bool:
    """SCH-1: booking this slot would make a run of more than the store's
    `slots_before_buffer`; it stays free for overruns, urgent cases and
    walk-ins (SCH-3, SCH-4)."""
    step = timedelta(minutes=store.slot_minutes)
    return run_length(starts_at=starts_at, booked=booked, step=step) > store.slots_before_buffer


def booked_times(*, store: Store, advisor: User | int, day: date, leaving: int | None = None) -> set[datetime]:
    """The advisor's active bookings of the day (one query); `leaving` is an
    appointment being moved, which no longer holds its old time."""
    tz = timezone.get_current_timezone()
    start = datetime.combine(day, time.min, tzinfo=tz)
    rows = Appointment.objects.filter(store=store, advisor=advisor, status__in=Appointment.ACTIVE,
                                      starts_at__gte=start, starts_at__lt=start + timedelta(days=1))
    if leaving is not None:
        rows = rows.exclude(pk=leaving)
    return set(rows.values_list("starts_at", flat=True))


def day_slots(*, store: Store, day: date, booked: Collection[datetime], now: datetime) -> list[Slot]:
    """The day's slots for one advisor's bookings: taken, past, and the free
    ones that would make the run too long marked as buffers."""
    return [
        Slot(moment, is_buffer=moment not in booked and makes_buffer(store=store, starts_at=moment, booked=booked),
             taken=moment in booked, past=moment <= now)
        for moment in reception_slots(store=store, day=day)
    ]


def advisor_day(*, store: Store, advisor: User, day: date, now: datetime | None = None) -> list[Slot]:
    """The advisor's slots for a day, marked taken, past or buffer (one query)."""
    return day_slots(store=store, day=day, booked=booked_times(store=store, advisor=advisor, day=day),
                     now=now or timezone.now())


def is_reception_time(*, store: Store, starts_at: datetime) -> bool:
    local = timezone.localtime(starts_at)
    return local in reception_slots(store=store, day=local.date())


def advisor_slot(*, store: Store, advisor: User, starts_at: datetime, leaving: int | None = None) -> Slot | None:
    """The advisor's slot at that time as the timetable stands now, or None
    when the time is not a reception slot of the store. The booking services
    call it under the advisor's lock (services._lock_advisor)."""
    if not is_reception_time(store=store, starts_at=starts_at):
        return None
    local = timezone.localtime(starts_at)
    booked = booked_times(store=store, advisor=advisor, day=local.date(), leaving=leaving)
    taken = local in booked
    return Slot(local, is_buffer=not taken and makes_buffer(store=store, starts_at=local, booked=booked),
                taken=taken, past=local <= timezone.now())
