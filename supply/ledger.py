"""The stock ledger's one door (issue 19): every change of a part's stock, in
quantity and in value at cost, goes through `stock_move`, which locks the
part's row, checks that the stock allows it, writes the part's new figures and
the ledger row in the same transaction. Two clerks moving the same part at the
same moment wait for each other; nothing is counted twice or goes below zero.

Cost is the moving average: a receipt adds its quantity at its purchase price;
anything going out takes its share of the stock's value at that moment (the
last piece out takes what is left, so no rounding stays behind). A part's
`on_hand` is then the sum of its moves' quantities and its `stock_value` the
sum of their values, exactly: `ledger_check` (run by `check_money`) says
where that is not so."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from django.db import transaction
from django.db.models import DecimalField, F, OuterRef, Q, Subquery, Sum, Value
from django.db.models.functions import Coalesce, Round
from django.utils.translation import gettext as _

from dealership.errors import ProcessError
from dealership.messages import quantity_text
from dealership.models import Part, User, WorkOrder, WorkOrderLine
from dealership.moneycheck import EXAMPLES, Difference, MoneyCheck

from .models import PartSupply, StockMove

CENT = Decimal("0.01")
K = StockMove.Kind


class NotEnoughStock(ProcessError):
    """The stock does not allow the move; `part` holds its figures as they were."""

    def __init__(self, message: str, *, part: Part, rule: str = "") -> None:
        super().__init__(message, rule=rule)
        self.part = part


def money(value: Decimal) -> Decimal:
    return Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)


def quantity_check(part: Part, quantity, *, field: str = "") -> Decimal:
    """A quantity that makes sense for the part: more than zero, in
    hundredths at most, and whole for parts counted in pieces."""
    try:
        quantity = Decimal(quantity)
    except (ArithmeticError, TypeError, ValueError):
        raise ProcessError(_("Enter the quantity as a number."), field=field) from None
    if not quantity.is_finite() or quantity <= 0:
        raise ProcessError(_("The quantity must be more than zero."), field=field)
    if quantity > Decimal("99999999"):
        raise ProcessError(_("The quantity is too large."), field=field)
    if quantity != quantity.quantize(CENT):
        raise ProcessError(_("Quantities go to two decimals at most."), field=field)
    if part.counted and quantity != quantity.to_integral_value():
        raise ProcessError(_("%(part)s is counted in whole %(unit)s.") % {"part": part.name, "unit": part.unit},
                           field=field)
    return quantity


def average_cost(part: Part) -> Decimal:
    """The part's cost per unit: the stock's value over its quantity, or the
    last purchase price while none is in stock."""
    if part.on_hand > 0:
        return (part.stock_value / part.on_hand).quantize(Decimal("0.0001"))
    supply = PartSupply.objects.filter(part_id=part.pk).only("last_cost").first()
    return supply.last_cost if supply else Decimal(0)


def stock_move(*, part_id: int, quantity: Decimal, kind: str, actor: User | None, unit_cost: Decimal | None = None,
               from_shelf: Decimal = Decimal(0), to_shelf: Decimal = Decimal(0), keep_reserved: bool = True,
               work_order: WorkOrder | None = None, line: WorkOrderLine | None = None, note: str = "") -> StockMove:
    """Move `quantity` of a part in (+) or out (-) and write the ledger row.

    Out of the stock, `from_shelf` of it comes off the appointment shelf (the
    reserved count goes down with it) and the rest from free stock, which
    must hold it unless `keep_reserved` is False (a count that finds fewer
    than the shelf promised: the truth is booked, the shelf is short). Into
    the stock, `to_shelf` of it goes straight onto the appointment shelf.
    `unit_cost` values what comes in (a receipt, a return at the cost it went
    out at); without it, the moving average of the moment."""
    quantity = Decimal(quantity)
    if quantity == 0:
        raise ProcessError(_("Nothing to move."))
    with transaction.atomic():
        part = Part.objects.select_for_update().get(pk=part_id)
        on_hand, reserved, value = part.on_hand, part.reserved, part.stock_value
        if quantity < 0:
            out = -quantity
            if from_shelf > reserved or from_shelf > out:
                raise NotEnoughStock(_("Only %(reserved)s of %(part)s are on the appointment shelf.") % {
                    "reserved": quantity_text(reserved), "part": part.name}, part=part, rule="APT-8")
            free = on_hand - reserved
            if out > on_hand or (keep_reserved and out - from_shelf > free):
                raise NotEnoughStock(_("Not enough free stock of %(part)s: %(free)s free (%(reserved)s reserved "
                                       "for appointments).") % {"part": part.name, "free": quantity_text(max(free, 0)),
                                                                "reserved": quantity_text(reserved)},
                                     part=part, rule="APT-8")
            moved_value = -value if out == on_hand else -money(value * out / on_hand)
            new_reserved = reserved - from_shelf
        else:
            cost = unit_cost if unit_cost is not None else average_cost(part)
            moved_value = money(quantity * cost)
            new_reserved = reserved + min(to_shelf, quantity)
        Part.objects.filter(pk=part.pk).update(on_hand=on_hand + quantity, reserved=new_reserved,
                                               stock_value=value + moved_value)
        return StockMove.objects.create(
            store_id=part.store_id, part_id=part.pk, quantity=quantity, value=moved_value, kind=kind,
            work_order=work_order, line=line, by=actor, note=note.strip()[:200])


def ledger_check(result: MoneyCheck, store_ids: list[int] | None) -> None:
    """Each part's stock and value against the sum of its ledger."""
    parts = Part.objects.all()
    if store_ids is not None:
        parts = parts.filter(store_id__in=store_ids)
    zero_q = Value(Decimal(0), output_field=DecimalField(max_digits=12, decimal_places=2))
    moves = StockMove.objects.filter(part_id=OuterRef("pk")).order_by().values("part_id")
    sums = parts.annotate(
        # rounded to the cent: SQLite sums decimals as floats (0.1 + 0.2), PostgreSQL exactly (a no-op there)
        ledger_quantity=Coalesce(Subquery(moves.annotate(s=Round(Sum("quantity"), 2)).values("s")), zero_q),
        ledger_value=Coalesce(Subquery(moves.annotate(s=Round(Sum("value"), 2)).values("s")), zero_q))
    bad = sums.filter(~Q(on_hand=F("ledger_quantity")) | ~Q(stock_value=F("ledger_value")))
    result.checked["parts in stock"] = parts.count()
    result.counts["parts in stock"] = bad.count()
    for part in bad.order_by("id")[:EXAMPLES]:
        if part.on_hand != part.ledger_quantity:
            result.differences.append(Difference("stock quantity", f"{part.number} {part.name}", part.on_hand,
                                                 part.ledger_quantity))
        if part.stock_value != part.ledger_value:
            result.differences.append(Difference("stock value", f"{part.number} {part.name}", part.stock_value,
                                                 part.ledger_value))


def stock_set(*, counts: dict[int, Decimal], costs: dict[int, Decimal] | None = None, kind: str,
              actor: User | None, note: str = "") -> dict[int, StockMove]:
    """Set many parts' stock to what was counted (an opening stock import, a
    stock count), each difference one ledger move, in a few queries for the
    whole batch: the parts' rows are locked together (in id order, so two
    batches cannot deadlock), then updated and their moves created in bulk.
    A part found with more is valued at `costs` (or its average cost); one
    found with fewer gives up its share of the value. What the appointment
    shelf holds is left as it is: a count that finds fewer than the shelf
    promises makes the shelf short, and the counter is told (workshop.parts).
    Returns the moves by part id."""
    costs = costs or {}
    with transaction.atomic():
        parts = list(Part.objects.select_for_update().filter(pk__in=list(counts)).order_by("pk"))
        last_costs = dict(PartSupply.objects.filter(part_id__in=[p.pk for p in parts]).values_list(
            "part_id", "last_cost"))
        moves, changed = [], []
        for part in parts:
            new = Decimal(counts[part.pk])
            if new < 0:
                raise ProcessError(_("A stock count cannot be below zero."))
            delta = new - part.on_hand
            if delta == 0:
                continue
            if delta > 0:
                cost = costs.get(part.pk)
                if cost is None:
                    cost = (part.stock_value / part.on_hand) if part.on_hand > 0 else last_costs.get(part.pk, 0)
                value = money(delta * cost)
            else:
                value = -part.stock_value if new == 0 else -money(part.stock_value * -delta / part.on_hand)
            part.on_hand, part.stock_value = new, part.stock_value + value
            changed.append(part)
            moves.append(StockMove(store_id=part.store_id, part_id=part.pk, quantity=delta, value=value, kind=kind,
                                   by=actor, note=note.strip()[:200]))
        Part.objects.bulk_update(changed, ["on_hand", "stock_value"], batch_size=1000)
        StockMove.objects.bulk_create(moves, batch_size=1000)
    return {move.part_id: move for move in moves}
