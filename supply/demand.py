"""What the stages need from the parts department (issue 19), without supply
importing a stage: each stage registers a `Source` from its AppConfig.ready()
(design.md, "Three layers around the stages").

A source lists its open needs for parts (`needs`): stage 1 its appointments'
parts that are not on the shelf, stage 3 its requisitions waiting for stock,
later stages work due soon; supply adds the parts below their minimum. The
purchase suggestions net them against free stock and what is on order. When
an order is sent, the source hears the date each need's part is expected
(`ordered`: stage 1 warns the advisor of a part that comes after the
appointment, APT-10); when a delivery comes in, it is offered to the needs of
its part, the one it was ordered for first, then by date (`deliver`: stage 1
puts it on the appointment's shelf, stage 3 tells the technician and advisor
that the requisition can be issued), and the rest goes into stock."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.db.models import F
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from dealership.models import Part, User


@dataclass(frozen=True)
class Need:
    source: str                 # the Source's key
    ref: int                    # the row in the source that needs it (a reservation, a requisition, a part)
    store_id: int
    part_id: int
    quantity: Decimal
    needed_on: date | None      # None: no date (stock under its minimum)
    label: str                  # for the clerk: "Appointment 粤A12345 12-08 09:00"
    work_order_id: int | None = None
    urgent: bool = False        # a car in the workshop waits for it


@dataclass(frozen=True)
class Delivered:
    """What a source did with a delivered quantity: how much it took and where it went, for the clerk."""

    quantity: Decimal
    to: str                     # "shelf", "workshop"
    label: str


@dataclass(frozen=True)
class Source:
    key: str
    label: str | Promise
    # (store_id, part_ids or None for all) -> the open needs
    needs: Callable[[int, Iterable[int] | None], list[Need]]
    # (need, actor) -> what was taken on receipt (the stock is already in), or None
    deliver: Callable[[Need, User], Delivered | None] | None = None
    # (need, expected_on, actor) -> None: the part of this need is ordered, due on that date
    ordered: Callable[[Need, date, User], None] | None = None
    order: int = 0              # before others at the same date (a car in the workshop before a booking)
    extra: dict = field(default_factory=dict)


_SOURCES: dict[str, Source] = {}


def register(source: Source) -> Source:
    _SOURCES[source.key] = source
    return source


def sources() -> list[Source]:
    return sorted(_SOURCES.values(), key=lambda s: (s.order, s.key))


def source(key: str) -> Source | None:
    return _SOURCES.get(key)


def needs_for(store_id: int, part_ids: Iterable[int] | None = None) -> list[Need]:
    """Every open need of the store (for these parts), most pressing first: the
    earliest date, urgent before not, then the sources' order."""
    part_ids = list(part_ids) if part_ids is not None else None
    found = [need for s in sources() for need in s.needs(store_id, part_ids)]
    order = {s.key: s.order for s in sources()}
    return sorted(found, key=lambda n: (n.needed_on or date.max, not n.urgent, order.get(n.source, 0), n.ref))


def _below_minimum(store_id: int, part_ids: Iterable[int] | None) -> list[Need]:
    """Parts whose free stock is under their minimum: order up to it."""
    parts = (Part.objects.filter(store_id=store_id, active=True, supply__min_stock__gt=0)
             .filter(on_hand__lt=F("reserved") + F("supply__min_stock"))
             .values("pk", "number", "name", "on_hand", "reserved", "supply__min_stock"))
    if part_ids is not None:
        parts = parts.filter(pk__in=part_ids)
    return [Need("minimum", p["pk"], store_id, p["pk"], p["supply__min_stock"] - (p["on_hand"] - p["reserved"]),
                 None, str(_("Below the minimum stock of %(min)s") % {"min": format(p["supply__min_stock"].normalize(),
                                                                                   "f")}))
            for p in parts[:2000]]


register(Source("minimum", _("Minimum stock"), _below_minimum, order=90))
