"""The catalogue kept by the after-sales manager (issue 18): labour operations and parts with their published prices
(SET-3). Add and edit, deactivate (never delete: orders name the items), and change a price from a date.

Prices: a price change takes effect from a day, today or later; the past is what orders were quoted at and is never
rewritten (REC-8, SET-X3). `published_price` is the one answer to "what was published on that day"; a work order line
copies it when it is written and keeps it. The catalogue row's `price` is the price of today: moved at once by a
change dated today, and by `price_changes_apply` (a beat task) when a later change's day comes.

Every change writes the settings change log (`settings_change_record`): who, when, the old and the new value.

For the spreadsheet import, `labour_operation_save` and `part_save` take one row each, keyed by the operation code or
the part number within the store: run twice with the same values they change nothing and log nothing; a different
price becomes a price change from `price_from` (default today)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from .changelog import settings_change_record
from .errors import ProcessError
from .models import JobType, LabourOperation, Part, PriceChange, Store, Trade, User, WorkOrderLine
from .models.prices import SINCE_EVER

Item = LabourOperation | Part
MAX_PRICE = Decimal("99999999.99")  # the most a price field holds (10 digits, 2 after the point)
MAX_HOURS = Decimal("9999.99")
_URL = URLValidator(schemes=["http", "https"])


def _key(item: Item) -> str:
    return "labour_operation" if isinstance(item, LabourOperation) else "part"


def _money(value, *, field: str = "price") -> Decimal:
    """A price as the catalogue holds it: a number of yuan, not negative, to the fen."""
    try:
        price = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        raise ProcessError(_("Give the price as a number of yuan, such as 280 or 45.50."), field=field) from None
    if not price.is_finite() or price < 0:
        raise ProcessError(_("A price cannot be negative."), field=field)
    if price > MAX_PRICE:
        raise ProcessError(_("A price is at most %(max)s yuan.") % {"max": MAX_PRICE}, field=field)
    if price != price.quantize(Decimal("0.01")):
        raise ProcessError(_("A price has at most two digits after the point (fen)."), field=field)
    return price.quantize(Decimal("0.01"))


def _text(value: str, *, field: str, label: str, max_length: int, required: bool = True) -> str:
    value = (value or "").strip()
    if required and not value:
        raise ProcessError(_("%(field)s is needed.") % {"field": label}, field=field)
    if len(value) > max_length:
        raise ProcessError(_("%(field)s is at most %(max)d characters.") % {"field": label, "max": max_length},
                           field=field)
    return value


def today() -> date:
    return timezone.localdate()


# --- reading the published price --------------------------------------------------------------------------------


def published_price(item: Item, *, on: date | None = None) -> Decimal:
    """The price `item` was (or will be) published at on the day `on` (default today): that of its latest change
    dated that day or before; an item never changed has one price, its own (SET-3)."""
    return published_prices([item], on=on)[item]


def published_prices(items: Iterable[Item], *, on: date | None = None) -> dict[Item, Decimal]:
    """`published_price` of many items on one day, in one query (a statement, an import, the catalogue's list)."""
    on = on or today()
    items = list(items)
    found: dict[Item, Decimal] = {item: item.price for item in items}
    ops = {i.pk: i for i in items if isinstance(i, LabourOperation)}
    parts = {i.pk: i for i in items if isinstance(i, Part)}
    if not ops and not parts:
        return found
    rows = (PriceChange.objects.filter(Q(labour_operation_id__in=list(ops)) | Q(part_id__in=list(parts)),
                                       effective_from__lte=on)
            .order_by("-effective_from").values_list("labour_operation_id", "part_id", "price"))
    seen: set[tuple[bool, int]] = set()
    for op_id, part_id, price in rows:
        key = (True, op_id) if op_id else (False, part_id)
        if key in seen:
            continue  # a later-dated change of the same item came first
        seen.add(key)
        found[ops[op_id] if op_id else parts[part_id]] = price
    return found


def price_history(item: Item) -> list[PriceChange]:
    """Every published price of the item, latest day first, with who entered it."""
    return list(item.price_changes.select_related("created_by").order_by("-effective_from", "-id"))


# --- price changes ---------------------------------------------------------------------------------------------


def _lock(item: Item) -> Item:
    return type(item).objects.select_for_update().get(pk=item.pk)


def _first_row(item: Item, *, actor: User) -> None:
    """The price the item had before its first dated change, kept as a row "since ever", so the history answers
    for every day, also once the catalogue row's price has moved on."""
    if not item.price_changes.exists():
        PriceChange.objects.create(store_id=item.store_id, **{_key(item): item}, price=item.price,
                                   effective_from=SINCE_EVER, applied=True, created_by=actor)


def _price_text(price: Decimal, day: date) -> str:
    return _("%(price)s from %(day)s") % {"price": price, "day": day.isoformat()}


@transaction.atomic
def price_change_schedule(*, actor: User, item: Item, price, effective_from: date, reason: str = "") -> PriceChange:
    """The published price of `item` from `effective_from` on (SET-3). A day in the past is refused: orders were
    quoted at the prices of those days, which stay as they were (REC-8, SET-X3). A second change for the same day
    replaces the first. Dated today, the catalogue's price moves at once; later, on that day."""
    price = _money(price)
    reason = _text(reason, field="reason", label=_("Reason"), max_length=200, required=False)
    if not isinstance(effective_from, date):
        raise ProcessError(_("Give the day the price takes effect."), field="effective_from")
    now = today()
    if effective_from < now:
        raise ProcessError(_("A price change takes effect today or later: the prices of past days are what orders "
                             "were quoted at, and they stay."), rule="SET-3", field="effective_from")
    item = _lock(item)
    _first_row(item, actor=actor)
    before = published_price(item, on=effective_from)
    change = PriceChange.objects.filter(**{_key(item): item}, effective_from=effective_from).first()
    if change is None:
        change = PriceChange.objects.create(store_id=item.store_id, **{_key(item): item}, price=price,
                                            effective_from=effective_from, reason=reason, created_by=actor)
    else:
        change.price, change.reason, change.created_by, change.applied = price, reason, actor, False
        change.save(update_fields=["price", "reason", "created_by", "applied"])
        PriceChange.objects.filter(pk=change.pk).update(created_at=timezone.now())  # when this price was entered
    if effective_from == now:
        _apply(item, price)
        PriceChange.objects.filter(pk=change.pk).update(applied=True)
        change.applied = True
    settings_change_record(actor=actor, obj=item, changes={
        "price": (_price_text(before, effective_from), _price_text(price, effective_from))})
    return change


def _apply(item: Item, price: Decimal) -> None:
    type(item).objects.filter(pk=item.pk).exclude(price=price).update(price=price)
    item.price = price


def price_changes_apply(*, on: date | None = None) -> int:
    """Move each catalogue row's price to the published price of today, for every change whose day has come.
    Safe to run twice, and at any time (it writes the price the history says, nothing else); returns how many
    changes it found due."""
    on = on or today()
    due = PriceChange.objects.filter(applied=False, effective_from__lte=on)
    ids = list(due.values_list("pk", "labour_operation_id", "part_id"))
    if not ids:
        return 0
    items: list[Item] = [*LabourOperation.objects.filter(pk__in={o for _, o, _ in ids if o}),
                         *Part.objects.filter(pk__in={p for _, _, p in ids if p})]
    with transaction.atomic():
        for item, price in published_prices(items, on=on).items():
            _apply(item, price)
        PriceChange.objects.filter(pk__in=[pk for pk, _, _ in ids], applied=False).update(applied=True)
    return len(ids)


# --- the items ----------------------------------------------------------------------------------------------------


def _url(value: str) -> str:
    value = _text(value, field="documentation_url", label=_("Service documentation"), max_length=300,
                  required=False)
    if value:
        try:
            _URL(value)
        except ValidationError:
            raise ProcessError(_("The service documentation is a web address starting with http:// or https://."),
                               field="documentation_url") from None
    return value


def _hours(value) -> Decimal:
    try:
        hours = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        raise ProcessError(_("Give the standard hours as a number, such as 1.5."), field="standard_hours") from None
    if not hours.is_finite() or hours < 0 or hours > MAX_HOURS or hours != hours.quantize(Decimal("0.01")):
        raise ProcessError(_("The standard hours are a number from 0 to %(max)s, to the hundredth.")
                           % {"max": MAX_HOURS}, field="standard_hours")
    return hours


def _save(*, actor: User, store: Store, model: type[Item], key_field: str, key: str, item: Item | None,
          values: dict, labels: dict, price, price_from: date | None, reason: str,
          only_new: bool) -> tuple[Item, bool]:
    """Create or update one item and log each changed field; a different price becomes a price change."""
    if item is None:
        item = model.objects.select_for_update().filter(store=store, **{key_field: key}).first()
        if item is not None and only_new:
            raise ProcessError(_("%(key)s is already in the catalogue: choose another.") % {"key": key},
                               field=key_field)
    else:
        item = _lock(item)
        clash = model.objects.filter(store_id=item.store_id, **{key_field: key}).exclude(pk=item.pk)
        if clash.exists():
            raise ProcessError(_("%(key)s is already in the catalogue: choose another.") % {"key": key},
                               field=key_field)
    values = {key_field: key, **values}
    if item is None:
        if price is None:
            raise ProcessError(_("Give the published price."), field="price")
        item = model(store=store, price=_money(price), **values)
        try:
            with transaction.atomic():
                item.save()
        except IntegrityError:  # the same key added at the same moment
            raise ProcessError(_("%(key)s is already in the catalogue: choose another.") % {"key": key},
                               field=key_field) from None
        settings_change_record(actor=actor, obj=item, changes={
            **{f: ("", labels.get(f, v)) for f, v in values.items()}, "price": ("", item.price)})
        return item, True
    old = {f: getattr(item, f) for f in values}
    changed = [f for f, v in values.items() if old[f] != v]
    if changed:
        shown = {f: (getattr(item, f"get_{f}_display")() if f in labels else old[f]) for f in changed}
        for f in changed:
            setattr(item, f, values[f])
        item.save(update_fields=changed)
        settings_change_record(actor=actor, obj=item, changes={f: (shown[f], labels.get(f, values[f]))
                                                               for f in changed})
    if price is not None:
        price, day = _money(price), price_from or today()
        if published_price(item, on=day) != price:
            price_change_schedule(actor=actor, item=item, price=price, effective_from=day, reason=reason)
            item.refresh_from_db(fields=["price"])
            changed.append("price")
    return item, bool(changed)


@transaction.atomic
def labour_operation_save(*, actor: User, store: Store, code: str, name: str, trade: str, job_type: str,
                          standard_hours, documentation_url: str = "", special_tools: str = "",
                          price=None, price_from: date | None = None, reason: str = "",
                          operation: LabourOperation | None = None,
                          only_new: bool = False) -> tuple[LabourOperation, bool]:
    """Add or change a labour operation of `store` (with `operation`: that one, whose code may change; without:
    the store's operation with `code`, added if there is none). `price` is needed for a new operation; for one
    that exists, a different price is a price change from `price_from` (default today; None: the price stays).
    With `only_new`, an operation that exists is refused (the page that adds one). Returns the operation and
    whether anything changed."""
    code = _text(code, field="code", label=_("Code"), max_length=20)
    if trade not in Trade.values:
        raise ProcessError(_("Choose the trade."), field="trade")
    if job_type not in JobType.values:
        raise ProcessError(_("Choose the job type."), field="job_type")
    values = {"name": _text(name, field="name", label=_("Name"), max_length=100), "trade": trade,
              "job_type": job_type, "standard_hours": _hours(standard_hours),
              "documentation_url": _url(documentation_url),
              "special_tools": _text(special_tools, field="special_tools", label=_("Special tools"),
                                     max_length=300, required=False)}
    labels = {"trade": Trade(trade).label, "job_type": JobType(job_type).label}
    return _save(actor=actor, store=operation.store if operation else store, model=LabourOperation,
                 key_field="code", key=code, item=operation, values=values, labels=labels, price=price,
                 price_from=price_from, reason=reason, only_new=only_new)


@transaction.atomic
def part_save(*, actor: User, store: Store, number: str, name: str, unit: str, price=None,
              price_from: date | None = None, reason: str = "", part: Part | None = None,
              only_new: bool = False) -> tuple[Part, bool]:
    """Add or change a part of `store`, keyed by its number, as `labour_operation_save` does. Stock is not set
    here: it moves through the parts counter."""
    number = _text(number, field="number", label=_("Part number"), max_length=30)
    values = {"name": _text(name, field="name", label=_("Name"), max_length=100),
              "unit": _text(unit, field="unit", label=_("Unit"), max_length=10)}
    return _save(actor=actor, store=part.store if part else store, model=Part, key_field="number", key=number,
                 item=part, values=values, labels={}, price=price, price_from=price_from, reason=reason,
                 only_new=only_new)


@transaction.atomic
def catalogue_item_set_active(*, actor: User, item: Item, active: bool) -> Item:
    """Deactivate (no longer offered on a new order or booking; every order that names it keeps it) or
    reactivate. Items are never deleted."""
    item = _lock(item)
    if item.active != active:
        type(item).objects.filter(pk=item.pk).update(active=active)
        item.active = active
        settings_change_record(actor=actor, obj=item, changes={
            "active": (_("active") if not active else _("inactive"), _("active") if active else _("inactive"))})
    return item


def published_differences(lines: Iterable[WorkOrderLine]) -> dict[int, Decimal]:
    """SET-3, SET-X3: each catalogue line's published price of the day it was quoted, where the line's price is not
    it (a price given by hand); also set on each line as `published_price` (None: no difference). A price
    published for a later day is no difference: the order keeps the price it was quoted at (REC-8); nor is the
    price of the morning for a line quoted before a change dated that same day was entered."""
    by_day: dict[date, list[tuple[WorkOrderLine, Item]]] = {}
    for line in lines:
        line.published_price = None
        item = line.labour_operation if line.labour_operation_id else line.part if line.part_id else None
        if item is not None:
            by_day.setdefault(timezone.localdate(line.created_at), []).append((line, item))
    out: dict[int, Decimal] = {}
    for day, pairs in by_day.items():
        items = {pair[1] for pair in pairs}
        prices = published_prices(items, on=day)
        if all(prices[item] == line.unit_price for line, item in pairs):
            continue
        before = published_prices(items, on=day - timedelta(days=1))
        entered = {(op, part): at for op, part, at in PriceChange.objects.filter(
            Q(labour_operation__in=[i for i in items if isinstance(i, LabourOperation)])
            | Q(part__in=[i for i in items if isinstance(i, Part)]), effective_from=day)
            .values_list("labour_operation_id", "part_id", "created_at")}
        for line, item in pairs:
            if line.unit_price == prices[item]:
                continue
            at = entered.get((line.labour_operation_id, None) if line.labour_operation_id else (None, line.part_id))
            if at is not None and at > line.created_at and line.unit_price == before[item]:
                continue  # quoted that morning, before the day's change was entered
            out[line.pk] = line.published_price = prices[item]
    return out
