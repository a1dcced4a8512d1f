"""The store's settings, kept by its after-sales manager (a group manager: any store of the group) on the store
settings page (issue 18): the process settings of `Store`, the opening hours per weekday and the closed days.
Every change writes the settings change log (`settings_change_record`) with the old and the new value as people
read them. Saving the opening hours, or changing the labour rate, confirms them for the setup checklist
(dealership.readiness)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, time
from decimal import Decimal
from typing import Any

from django.db import IntegrityError, transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .changelog import settings_change_record
from .errors import ProcessError
from .hours import hours_changed, hours_forget
from .models import ClosedDay, Store, StoreHours, User

# The settings of the page, in the groups it shows them in.
GROUPS: list[tuple[Any, list[str]]] = [
    (gettext_lazy("The store"), ["name", "address", "phone"]),
    (gettext_lazy("Reception and appointments"), [
        "slot_minutes", "slots_before_buffer", "reception_target_minutes", "queue_patience_minutes",
        "no_show_after_minutes", "offer_answer_hours"]),
    (gettext_lazy("Workshop"), ["appointment_capacity_percent", "technician_hours_per_day", "advisors_dispatch"]),
    (gettext_lazy("Prices"), ["labour_rate", "vat_rate_percent"]),
    (gettext_lazy("Follow-up and reminders"), [
        "followup_due_min_days", "followup_due_max_days", "followup_max_attempts", "complaint_days",
        "service_interval_km", "service_interval_months", "reminder_days_before"]),
]
FIELDS = [name for _label, names in GROUPS for name in names]
MAX_VAT = Decimal("100")


@dataclass(frozen=True)
class DayHours:
    opens_at: time | None
    closes_at: time | None
    closed: bool = False


def settings_stores(user: User):
    """The stores whose settings `user` keeps: their own (an after-sales manager), the group's (a group manager)."""
    if user.is_group_manager and user.group_id:
        return Store.objects.filter(group_id=user.group_id)
    if user.store_id is None:
        return Store.objects.none()
    return Store.objects.filter(pk=user.store_id)


def settings_store_or_404(user: User, pk: int) -> Store:
    """The store of a settings page, if `user` keeps its settings (another store: 404, as for any record)."""
    store = settings_stores(user).filter(pk=pk).first()
    if store is None:
        raise Http404
    return store


def shown(value: Any) -> str:
    """A value as the page shows it."""
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, time):
        return value.strftime("%H:%M")
    if isinstance(value, date):
        return value.strftime("%Y-%m-%d")
    return "" if value is None else str(value)


def _check(values: dict[str, Any]) -> None:
    vat = values.get("vat_rate_percent")
    if vat is not None and not Decimal("0") <= vat <= MAX_VAT:
        raise ProcessError(_("The VAT rate is a percentage between 0 and 100."), field="vat_rate_percent")
    low, high = values.get("followup_due_min_days"), values.get("followup_due_max_days")
    if low is not None and high is not None and low > high:
        raise ProcessError(_("The earliest follow-up day must not be after the latest."),
                           field="followup_due_max_days")
    for name, value in values.items():
        if isinstance(value, int | Decimal) and not isinstance(value, bool) and value < 0:
            raise ProcessError(_("A number here cannot be negative."), field=name)


def store_settings_update(*, actor: User, store: Store, values: dict[str, Any]) -> list[str]:
    """Save the settings of the page (only FIELDS) and log each change; returns the names of the changed fields.
    A changed labour rate counts as confirmed (the setup checklist)."""
    unknown = set(values) - set(FIELDS)
    if unknown:
        raise ValueError(f"not a store setting: {sorted(unknown)}")
    _check(values)
    with transaction.atomic():
        locked = Store.objects.select_for_update().get(pk=store.pk)
        changes = {name: (getattr(locked, name), value) for name, value in values.items()
                   if getattr(locked, name) != value}
        if not changes:
            return []
        for name, (_old, new) in changes.items():
            setattr(locked, name, new)
        fields = list(changes)
        if "labour_rate" in changes:
            locked.labour_rate_confirmed = True
            fields.append("labour_rate_confirmed")
        locked.save(update_fields=fields)
        settings_change_record(actor=actor, obj=locked, changes={
            name: (shown(old), shown(new)) for name, (old, new) in changes.items()})
    for name in fields:
        setattr(store, name, getattr(locked, name))
    return list(changes)


def store_week(store: Store) -> dict[int, DayHours]:
    """The seven weekdays as the page shows them: the store's rows, or its one pair of hours for a day without."""
    rows = {r.weekday: r for r in StoreHours.objects.filter(store=store)}
    return {d: (DayHours(rows[d].opens_at, rows[d].closes_at, rows[d].closed) if d in rows
                else DayHours(store.opens_at, store.closes_at, False)) for d in range(7)}


def _day_text(day: DayHours) -> str:
    return _("closed") if day.closed else f"{shown(day.opens_at)}–{shown(day.closes_at)}"


def store_hours_set(*, actor: User, store: Store, week: dict[int, DayHours]) -> int:
    """Set the opening hours of each weekday (all seven rows) and confirm them (the setup checklist). A day open
    must close after it opens; a store open on no day at all cannot take bookings, so that is refused. The store's
    own pair of hours becomes the earliest opening and the latest closing of the week (what the pages that show
    one pair read). Returns the number of weekdays changed."""
    if set(week) != set(range(7)):
        raise ValueError("the seven weekdays")
    for weekday, day in week.items():
        if not day.closed and (day.opens_at is None or day.closes_at is None):
            raise ProcessError(_("Give the opening and closing time of each day the store is open."),
                               field=f"d{weekday}_opens")
        if not day.closed and day.closes_at <= day.opens_at:
            raise ProcessError(_("A day closes after it opens."), field=f"d{weekday}_closes")
    if all(day.closed for day in week.values()):
        raise ProcessError(_("The store must be open on at least one day of the week."))
    with transaction.atomic():
        locked = Store.objects.select_for_update().get(pk=store.pk)
        before = store_week(locked)
        rows = {r.weekday: r for r in StoreHours.objects.filter(store=locked)}
        changed = 0
        for weekday, day in week.items():
            opens = day.opens_at or before[weekday].opens_at
            closes = day.closes_at or before[weekday].closes_at
            new = DayHours(opens, closes, day.closed)
            row = rows.get(weekday) or StoreHours(store=locked, weekday=weekday)
            row.opens_at, row.closes_at, row.closed = opens, closes, day.closed
            row.save()
            if _day_text(before[weekday]) != _day_text(new):
                changed += 1
                settings_change_record(actor=actor, obj=row, changes={
                    "weekday": (f"{row.get_weekday_display()} {_day_text(before[weekday])}",
                                f"{row.get_weekday_display()} {_day_text(new)}")})
        open_days = [d for d in week.values() if not d.closed]
        locked.opens_at = min(d.opens_at for d in open_days)
        locked.closes_at = max(d.closes_at for d in open_days)
        locked.hours_confirmed = True
        locked.save(update_fields=["opens_at", "closes_at", "hours_confirmed"])
        hours_changed(locked, timezone.localdate())
    store.opens_at, store.closes_at, store.hours_confirmed = locked.opens_at, locked.closes_at, True
    hours_forget(store)
    return changed


def closed_day_add(*, actor: User, store: Store, day: date, name: str) -> ClosedDay:
    """Close the store on a day (a holiday): no reception slot, no workshop capacity that day. Appointments already
    booked on it stay booked; the advisors are asked to move them (appointments.capacity)."""
    if day < timezone.localdate():
        raise ProcessError(_("That day has passed."), field="date")
    limit = ClosedDay._meta.get_field("name").max_length
    if len(name.strip()) > limit:
        raise ProcessError(_("The name is longer than %(n)s characters.") % {"n": limit}, field="name")
    try:
        with transaction.atomic():
            closed = ClosedDay.objects.create(store=store, date=day, name=name.strip())
            settings_change_record(actor=actor, obj=closed, changes={"date": ("", f"{shown(day)} {closed.name}".strip())})
            hours_changed(store, day)
    except IntegrityError:
        raise ProcessError(_("The store is already closed on %(day)s.") % {"day": shown(day)}, field="date") from None
    return closed


def closed_day_remove(*, actor: User, store: Store, closed: ClosedDay) -> None:
    """Open the store again on a closed day still to come (the log keeps the day and its name); a day that has
    passed stays, as the history of when the store was closed."""
    if closed.store_id != store.pk:
        raise ValueError("a closed day of another store")
    if closed.date < timezone.localdate():
        raise ProcessError(_("A day that has passed stays in the list."))
    with transaction.atomic():
        settings_change_record(actor=actor, obj=closed, changes={
            "date": (f"{shown(closed.date)} {closed.name}".strip(), "")})
        ClosedDay.objects.filter(pk=closed.pk).delete()
        hours_changed(store, closed.date)
