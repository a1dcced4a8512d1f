"""When a store is open (issue 18): the one place that reads its opening hours per weekday (`StoreHours`) and its
closed days (`ClosedDay`). Every reader of opening hours (the reception timetable and the slot finder, the booking
guard, the promised time, the workshop board's forecast, the answer time of a rebooking offer, the workshop's
capacity) asks here, so a holiday closes all of them at once.

A store without weekday rows is open every day from `Store.opens_at` to `Store.closes_at`, as before the rows
existed. The answer for a stretch of days is one query per store (weekday rows and the closed days of a block of
days, in one UNION), kept on the store object for the rest of the request: a page asking about every day of three
weeks for every advisor costs one query. The settings services drop it after a change (`hours_forget`)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, time, timedelta

from django.db.models import BooleanField, CharField, DateField, IntegerField, TimeField, Value

from .models import ClosedDay, Store, StoreHours

Hours = tuple[time, time]
BLOCK_DAYS = 64  # closed days are read a block at a time
_EPOCH = date(2000, 1, 3)  # a Monday; only the block numbers depend on it
_CACHE = "_store_calendar"


@dataclass
class _Calendar:
    week: dict[int, Hours | None] = field(default_factory=dict)
    closed: dict[date, str] = field(default_factory=dict)
    blocks: set[int] = field(default_factory=set)


def _block(day: date) -> int:
    return (day - _EPOCH).days // BLOCK_DAYS


def _load(store: Store, calendar: _Calendar, first: int, last: int) -> None:
    """Read the weekday rows and the closed days of blocks first..last (one query)."""
    # the blocks at either end of the calendar stop at its first and last day (a typed 9999-12-31 is asked about)
    start = _EPOCH + timedelta(days=max(first * BLOCK_DAYS, (date.min - _EPOCH).days))
    end = _EPOCH + timedelta(days=min((last + 1) * BLOCK_DAYS - 1, (date.max - _EPOCH).days))
    week = StoreHours.objects.filter(store_id=store.pk).order_by().annotate(
        day=Value(None, output_field=DateField()), label=Value("", output_field=CharField())).values_list(
        "weekday", "opens_at", "closes_at", "closed", "day", "label")
    closed = ClosedDay.objects.filter(store_id=store.pk, date__gte=start, date__lte=end).order_by().annotate(
        weekday_=Value(-1, output_field=IntegerField()), opens=Value(None, output_field=TimeField()),
        closes=Value(None, output_field=TimeField()), shut=Value(True, output_field=BooleanField())).values_list(
        "weekday_", "opens", "closes", "shut", "date", "name")
    calendar.week = {}
    for weekday, opens, closes, shut, day, label in week.union(closed, all=True):
        if weekday >= 0:
            calendar.week[weekday] = None if shut else (opens, closes)
        else:
            calendar.closed[day] = label or ""
    calendar.blocks.update(range(first, last + 1))


def _calendar(store: Store, start: date, end: date) -> _Calendar:
    """The store's calendar with the days start..end (inclusive) read."""
    calendar = store.__dict__.get(_CACHE)
    if calendar is None:
        calendar = store.__dict__[_CACHE] = _Calendar()
    wanted = [b for b in range(_block(start), _block(end) + 1) if b not in calendar.blocks]
    if wanted:
        _load(store, calendar, wanted[0], wanted[-1])
    return calendar


def _hours(store: Store, calendar: _Calendar, day: date) -> Hours | None:
    if day in calendar.closed:
        return None
    return calendar.week.get(day.weekday(), (store.opens_at, store.closes_at))


def store_hours(store: Store, day: date) -> Hours | None:
    """(opens, closes) of the store on `day`, or None when it is closed that day."""
    return _hours(store, _calendar(store, day, day), day)


def store_hours_range(store: Store, start: date, days: int) -> list[tuple[date, Hours | None]]:
    """Each day from `start` for `days` days with its hours (None: closed), in one query."""
    if days <= 0:
        return []
    calendar = _calendar(store, start, start + timedelta(days=days - 1))
    return [(day, _hours(store, calendar, day)) for day in (start + timedelta(days=i) for i in range(days))]


def store_closed_reason(store: Store, day: date) -> str | None:
    """Why the store is closed on `day` (the holiday's name, or "" for a closed weekday); None when it is open."""
    calendar = _calendar(store, day, day)
    if day in calendar.closed:
        return calendar.closed[day]
    return "" if _hours(store, calendar, day) is None else None


def hours_forget(store: Store) -> None:
    """Drop what was read (after a change of the hours or closed days of this store object)."""
    store.__dict__.pop(_CACHE, None)


def hours_share(stores: Iterable[Store]) -> None:
    """Make store objects of the same store (rows of a list, each with its own `select_related` copy) share one
    calendar, so a board of a hundred orders reads the hours once."""
    calendars: dict[int, _Calendar] = {}
    for store in stores:
        store.__dict__[_CACHE] = calendars.setdefault(store.pk, store.__dict__.get(_CACHE) or _Calendar())


# What follows a change of the hours: the workshop's capacity of the days concerned (a stage, registered from its
# AppConfig.ready(), so the core names no stage). Called inside the change's transaction with the store and the
# first day that may have changed.
_ON_CHANGE: list[Callable[[Store, date], None]] = []


def register_hours_changed(callback: Callable[[Store, date], None]) -> None:
    if callback not in _ON_CHANGE:
        _ON_CHANGE.append(callback)


def hours_changed(store: Store, since: date) -> None:
    hours_forget(store)
    for callback in _ON_CHANGE:
        callback(store, since)
