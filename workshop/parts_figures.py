"""The manager's parts figures (issue 19), per store and month: how often the
counter issued a requisition at once from stock (the fill rate), the parts
shortages that held up a car or moved an appointment, and the stock's value
and its slow movers. They live with the workshop, which may read both parts
supply (below the stages) and stage 1's appointments; each figure is a fixed
number of grouped queries, whatever the size of the store."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal

from django.db.models import Count, DecimalField, Exists, F, OuterRef, Q, Subquery, Sum
from django.utils import timezone

from appointments.models import AppointmentChange, PartReservation
from dealership.access import scoped
from dealership.models import Part, User
from dealership.periods import Period
from supply.ledger import money
from supply.models import StockMove

from .models import Requisition

SLOW_DAYS = 90  # a part in stock that nothing took for this long is a slow mover
SLOW_SHOWN = 20


@dataclass(frozen=True)
class StoreParts:
    store: str
    requisitions: int
    at_once: int
    short: int              # requisitions that found no free stock: a car waited for its part
    cars_held: int          # the work orders they held up
    wait_minutes: int | None  # the median wait of those, from the request to the issue
    appointments_moved: int  # appointments the shop moved or cancelled while a part was short
    stock_value: Decimal
    slow_value: Decimal
    parts_revenue: Decimal = Decimal(0)  # the month's parts issued to orders (less returns), at the order's price
    parts_cost: Decimal = Decimal(0)     # the same, at moving-average cost (the ledger's values)
    written_off: Decimal = Decimal(0)    # scrapped and returned to suppliers in the month, at cost
    count_corrections: Decimal = Decimal(0)  # what the month's stock counts booked, at cost (- a loss)

    @property
    def fill_rate(self) -> float | None:
        return round(100 * self.at_once / self.requisitions, 1) if self.requisitions else None

    @property
    def parts_margin(self) -> Decimal:
        return self.parts_revenue - self.parts_cost

    @property
    def margin_rate(self) -> float | None:
        return round(float(100 * self.parts_margin / self.parts_revenue), 1) if self.parts_revenue else None


@dataclass(frozen=True)
class SlowMover:
    store: str
    number: str
    name: str
    on_hand: Decimal
    value: Decimal
    last_out: object


@dataclass(frozen=True)
class PartsFigures:
    stores: list[StoreParts]
    slow: list[SlowMover]


def _median(values: list[float]) -> int | None:
    if not values:
        return None
    values = sorted(values)
    mid = len(values) // 2
    return round(values[mid] if len(values) % 2 else (values[mid - 1] + values[mid]) / 2)


def parts_figures(*, user: User, period: Period) -> PartsFigures:
    requisitions = scoped(Requisition.objects.filter(requested_at__gte=period.start, requested_at__lt=period.end)
                          .exclude(status=Requisition.Status.CANCELLED), user)
    per_store = {r["store__name"]: r for r in requisitions.values("store__name").annotate(
        total=Count("id"), short=Count("id", filter=Q(short_when_requested=True)),
        held=Count("work_order", distinct=True, filter=Q(short_when_requested=True))).order_by()}
    waits: dict[str, list[float]] = {}
    for row in requisitions.filter(short_when_requested=True, issued_at__isnull=False).values_list(
            "store__name", "requested_at", "issued_at")[:5000]:
        waits.setdefault(row[0], []).append((row[2] - row[1]).total_seconds() / 60)
    # an appointment the shop moved or cancelled in the month while one of its parts was short (ever: a part ordered
    # for it has an expected date)
    was_short = PartReservation.objects.filter(appointment=OuterRef("appointment")).filter(
        Q(status=PartReservation.Status.SHORT) | Q(expected_on__isnull=False))
    moved = dict(scoped(AppointmentChange.objects.filter(
        at__gte=period.start, at__lt=period.end, by_shop=True,
        kind__in=[AppointmentChange.Kind.MOVED, AppointmentChange.Kind.CANCELLED]), user)
        .filter(Exists(was_short)).values("store__name").annotate(n=Count("appointment", distinct=True))
        .values_list("store__name", "n").order_by())
    parts = scoped(Part.objects.filter(on_hand__gt=0), user)
    value = dict(parts.values("store__name").annotate(v=Sum("stock_value")).values_list("store__name", "v").order_by())
    since = timezone.now() - timedelta(days=SLOW_DAYS)
    out_kinds = [StockMove.Kind.ISSUE, StockMove.Kind.SUPPLIER_RETURN, StockMove.Kind.SCRAP]
    recent_out = StockMove.objects.filter(part=OuterRef("pk"), kind__in=out_kinds, at__gte=since)
    # in stock since before the window (a move older than it), and nothing taken out within it: the list and its
    # total are the same parts
    older = StockMove.objects.filter(part=OuterRef("pk"), at__lt=since)
    slow_parts = parts.exclude(Exists(recent_out)).filter(Exists(older))
    slow_value = dict(slow_parts.values("store__name").annotate(v=Sum("stock_value"))
                      .values_list("store__name", "v").order_by())
    last_out = StockMove.objects.filter(part=OuterRef("pk"), kind__in=out_kinds).order_by("-at").values("at")[:1]
    slow = (slow_parts.annotate(last_out=Subquery(last_out))
            .select_related("store").order_by(F("stock_value").desc(), "number")[:SLOW_SHOWN])
    # the parts margin: what the month's issues (less returns) bring at the order's price against their cost
    sold = {r["store__name"]: r for r in scoped(StockMove.objects.filter(
        at__gte=period.start, at__lt=period.end, kind__in=[StockMove.Kind.ISSUE, StockMove.Kind.RETURN],
        line__isnull=False), user).values("store__name").annotate(
        revenue=Sum(-F("quantity") * F("line__unit_price"), output_field=DecimalField(max_digits=14, decimal_places=2)),
        cost=Sum(-F("value"))).order_by()}
    # what left the stock without going to an order, and what the counts found, at cost
    losses = {r["store__name"]: r for r in scoped(StockMove.objects.filter(
        at__gte=period.start, at__lt=period.end,
        kind__in=[StockMove.Kind.SCRAP, StockMove.Kind.SUPPLIER_RETURN, StockMove.Kind.ADJUST]), user)
        .values("store__name").annotate(
            off=Sum(-F("value"), filter=Q(kind__in=[StockMove.Kind.SCRAP, StockMove.Kind.SUPPLIER_RETURN])),
            counted=Sum("value", filter=Q(kind=StockMove.Kind.ADJUST))).order_by()}
    names = sorted(set(per_store) | set(moved) | set(value) | set(sold) | set(losses))
    stores = []
    for name in names:
        row = per_store.get(name, {"total": 0, "short": 0, "held": 0})
        stores.append(StoreParts(
            store=name, requisitions=row["total"], at_once=row["total"] - row["short"], short=row["short"],
            cars_held=row["held"], wait_minutes=_median(waits.get(name, [])), appointments_moved=moved.get(name, 0),
            stock_value=value.get(name) or Decimal(0), slow_value=slow_value.get(name) or Decimal(0),
            parts_revenue=money(sold.get(name, {}).get("revenue") or 0),
            parts_cost=money(sold.get(name, {}).get("cost") or 0),
            written_off=money(losses.get(name, {}).get("off") or 0),
            count_corrections=money(losses.get(name, {}).get("counted") or 0)))
    return PartsFigures(stores=stores, slow=[
        SlowMover(p.store.name, p.number, p.name, p.on_hand, p.stock_value, p.last_out) for p in slow])
