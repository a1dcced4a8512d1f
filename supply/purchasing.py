"""Purchase suggestions and purchase orders (issue 19).

The suggestions put together what the stages need (supply.demand: the
appointment shelf's short parts, the workshop's waiting requisitions, the
parts under their minimum) and net it against free stock and what is
already on order, by supplier, with the date each part is needed and
whether the supplier's lead time still makes it. An order is drafted from
them (one line per need, so the receipt sends each part where it was
ordered for) or by hand, edited while a draft, sent (the sources hear the
date the part is due: APT-10) or cancelled with a reason."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import ROUND_CEILING, Decimal

from django.db import transaction
from django.db.models import F, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from dealership.errors import ProcessError
from dealership.models import Part, Store, User, WorkOrder
from dealership.services import store_next_sequence

from . import demand
from .demand import Need
from .doors import PURCHASE_ORDER
from .ledger import quantity_check
from .models import PartSupply, PurchaseOrder, PurchaseOrderLine, Supplier
from .suppliers import purchaser_check

PO = PurchaseOrder.Status
MAX_UNIT_COST = Decimal("9999999.99")
MAX_LINES = 200
# The statuses whose lines count as on order: sent and not all received, and drafts about to be sent.
ON_ORDER = (PO.DRAFT, PO.SENT, PO.PARTLY_RECEIVED)
CLOSED_ORDERS = (WorkOrder.Status.CLOSED, WorkOrder.Status.CANCELLED)


# --- suggestions --------------------------------------------------------------------

@dataclass(frozen=True)
class NeedShare:
    """A need and how much of it is not covered by free stock or an open order."""

    need: Need
    short: Decimal


@dataclass
class SuggestionLine:
    part: Part
    needs: list[NeedShare]          # the needs still short, most pressing first
    needed: Decimal                 # all the part's needs (and its minimum stock)
    free: Decimal                   # on hand less reserved
    on_order: Decimal               # outstanding on open and draft orders
    quantity: Decimal               # to order: the shortfall up to the order quantity's multiple
    order_quantity: Decimal
    unit_cost: Decimal
    needed_on: date | None          # the earliest date of the short needs
    in_time: bool                   # the supplier's lead time makes it
    min_stock: Decimal = Decimal(0)

    @property
    def too_late(self) -> bool:
        return not self.in_time

    @property
    def urgent(self) -> bool:
        return any(share.need.urgent for share in self.needs)


@dataclass
class SupplierSuggestion:
    supplier: Supplier | None       # None: parts with no supplier to order from
    arrives_on: date | None         # ordered today, at the counter on
    lines: list[SuggestionLine] = field(default_factory=list)

    @property
    def too_late(self) -> int:
        return sum(1 for line in self.lines if line.too_late)


def _round_up(quantity: Decimal, multiple: Decimal) -> Decimal:
    if multiple <= 0:
        return quantity
    return (quantity / multiple).to_integral_value(rounding=ROUND_CEILING) * multiple


def _on_order(store_id: int, part_ids: list[int]) -> tuple[dict[int, Decimal], dict[tuple[str, int], Decimal]]:
    """Outstanding quantities on the store's open and draft orders: by part,
    and by the need each line was ordered for."""
    by_part: dict[int, Decimal] = defaultdict(Decimal)
    by_need: dict[tuple[str, int], Decimal] = defaultdict(Decimal)
    rows = (PurchaseOrderLine.objects.filter(store_id=store_id, part_id__in=part_ids, order__status__in=ON_ORDER,
                                             quantity__gt=F("received"))
            .values("part_id", "need_source", "need_ref").annotate(q=Sum("quantity"), r=Sum("received")))
    for row in rows:
        outstanding = row["q"] - row["r"]
        by_part[row["part_id"]] += outstanding
        if row["need_source"] and row["need_ref"] is not None:
            by_need[(row["need_source"], row["need_ref"])] += outstanding
    return by_part, by_need


def first_maker(store_id: int) -> Supplier | None:
    return (Supplier.objects.filter(store_id=store_id, kind=Supplier.Kind.MAKER, active=True)
            .order_by("id").first())


def _suggestion_line(part: Part, needs: list[Need], min_stock: Decimal, on_order: Decimal,
                     on_order_by_need: dict[tuple[str, int], Decimal], order_quantity: Decimal,
                     unit_cost: Decimal, arrives_on: date) -> SuggestionLine | None:
    dated = [n for n in needs if n.source != "minimum"]
    free = part.on_hand - part.reserved
    needed = sum((n.quantity for n in dated), Decimal(0)) + min_stock
    short_total = needed - max(free, Decimal(0)) - on_order
    if short_total <= 0:
        return None
    # Each need first takes what was ordered for it, then the free stock and the rest on order, most pressing first.
    cover = max(free, Decimal(0)) + on_order - sum(
        (min(on_order_by_need.get((n.source, n.ref), Decimal(0)), n.quantity) for n in dated), Decimal(0))
    shares = []
    for n in dated:
        own = min(on_order_by_need.get((n.source, n.ref), Decimal(0)), n.quantity)
        rest = n.quantity - own
        taken = min(max(cover, Decimal(0)), rest)
        cover -= taken
        if rest - taken > 0:
            shares.append(NeedShare(n, rest - taken))
    needed_on = min((s.need.needed_on for s in shares if s.need.needed_on), default=None)
    return SuggestionLine(
        part=part, needs=shares, needed=needed, free=free, on_order=on_order,
        quantity=_round_up(short_total, order_quantity), order_quantity=order_quantity, unit_cost=unit_cost,
        needed_on=needed_on, in_time=needed_on is None or arrives_on <= needed_on, min_stock=min_stock)


def suggestions(store: Store, needs: list[Need] | None = None) -> list[SupplierSuggestion]:
    """What to order today, by supplier: each part's needs netted against its
    free stock and what is already on order, rounded up to its order
    quantity, with the earliest date it is needed and whether the supplier's
    lead time makes it. A handful of queries for the whole store. `needs`:
    the store's open needs when the caller has read them already."""
    needs = demand.needs_for(store.pk) if needs is None else needs
    by_part: dict[int, list[Need]] = defaultdict(list)
    for need in needs:
        by_part[need.part_id].append(need)
    if not by_part:
        return []
    part_ids = list(by_part)
    parts = {p.pk: p for p in Part.objects.filter(store=store, pk__in=part_ids)}
    settings = {s.part_id: s for s in PartSupply.objects.filter(part_id__in=part_ids).select_related("supplier")}
    on_order, on_order_by_need = _on_order(store.pk, part_ids)
    maker = first_maker(store.pk)
    today = timezone.localdate()
    groups: dict[int | None, SupplierSuggestion] = {}
    for part_id, part_needs in by_part.items():
        part = parts.get(part_id)
        if part is None:
            continue
        setting = settings.get(part_id)
        supplier = setting.supplier if setting and setting.supplier and setting.supplier.active else maker
        key = supplier.pk if supplier else None
        if key not in groups:
            groups[key] = SupplierSuggestion(
                supplier, today + timedelta(days=supplier.lead_days) if supplier else None)
        line = _suggestion_line(
            part, part_needs, setting.min_stock if setting else Decimal(0), on_order.get(part_id, Decimal(0)),
            on_order_by_need, setting.order_quantity if setting else Decimal(1),
            setting.last_cost if setting else Decimal(0), groups[key].arrives_on or today)
        if line is not None:
            groups[key].lines.append(line)
    out = [g for g in groups.values() if g.lines]
    for group in out:
        group.lines.sort(key=lambda line: (line.needed_on or date.max, line.part.number))
    return sorted(out, key=lambda g: (g.supplier is None, g.supplier.name if g.supplier else ""))


# --- purchase orders -------------------------------------------------------------------

@dataclass(frozen=True)
class OrderLine:
    """A line to put on an order; `unit_cost` None: the part's last purchase price."""

    part: Part
    quantity: Decimal
    unit_cost: Decimal | None = None
    needed_on: date | None = None
    need_source: str = ""
    need_ref: int | None = None
    need_label: str = ""


def po_number(store: Store) -> str:
    day = timezone.localdate()
    seq = store_next_sequence(store=store, key=f"po-{day:%Y%m%d}")
    return f"PO{day:%Y%m%d}-{seq:03d}"


def _unit_cost_check(value) -> Decimal:
    try:
        value = Decimal(value)
    except (ArithmeticError, TypeError, ValueError):
        raise ProcessError(_("Enter the purchase price as a number."), field="unit_cost") from None
    if not value.is_finite() or value < 0:
        raise ProcessError(_("The purchase price cannot be below zero."), field="unit_cost")
    if value > MAX_UNIT_COST or value != value.quantize(Decimal("0.01")):
        raise ProcessError(_("Enter the purchase price in yuan, to the fen."), field="unit_cost")
    return value


def _work_order_check(store: Store, work_order: WorkOrder | None, urgent: bool) -> None:
    if work_order is None:
        if urgent:
            raise ProcessError(_("An urgent order is for a car in the workshop: choose its work order."),
                               field="work_order")
        return
    if work_order.store_id != store.pk:
        raise ProcessError(_("This work order belongs to another store."), field="work_order")
    if work_order.status in CLOSED_ORDERS:
        raise ProcessError(_("Work order %(number)s is %(status)s: no part is ordered for it any more.") % {
            "number": work_order.number, "status": work_order.get_status_display()}, field="work_order")


def _line_row(po: PurchaseOrder, line: OrderLine, last_costs: dict[int, Decimal]) -> PurchaseOrderLine:
    part = line.part
    if part.store_id != po.store_id:
        raise ProcessError(_("This part belongs to another store."), field="part")
    if not part.active:
        raise ProcessError(_("%(part)s is no longer in the catalogue.") % {"part": part.name}, field="part")
    quantity = quantity_check(part, line.quantity, field="quantity")
    cost = _unit_cost_check(line.unit_cost if line.unit_cost is not None else last_costs.get(part.pk, Decimal(0)))
    return PurchaseOrderLine(store_id=po.store_id, order=po, part=part, quantity=quantity, unit_cost=cost,
                             needed_on=line.needed_on, need_source=line.need_source[:20], need_ref=line.need_ref,
                             need_label=line.need_label[:120])


def _last_costs(part_ids) -> dict[int, Decimal]:
    return dict(PartSupply.objects.filter(part_id__in=list(part_ids)).values_list("part_id", "last_cost"))


def po_create(*, actor: User, store: Store, supplier: Supplier, lines: list[OrderLine], urgent: bool = False,
              work_order: WorkOrder | None = None, note: str = "") -> PurchaseOrder:
    """A draft order to `supplier`; each line's price defaults to the part's
    last purchase price (editable while a draft). An urgent order names the
    work order of the car in the workshop that waits for it."""
    purchaser_check(actor, store.pk)
    if supplier.store_id != store.pk:
        raise ProcessError(_("This supplier belongs to another store."), field="supplier")
    if not supplier.active:
        raise ProcessError(_("%(supplier)s is no longer an active supplier.") % {"supplier": supplier.name},
                           field="supplier")
    if not lines:
        raise ProcessError(_("An order needs at least one part."))
    if len(lines) > MAX_LINES:
        raise ProcessError(_("An order has at most %(max)s lines.") % {"max": MAX_LINES})
    _work_order_check(store, work_order, urgent)
    last_costs = _last_costs(line.part.pk for line in lines)
    with transaction.atomic():
        po = PurchaseOrder.objects.create(store=store, number=po_number(store), supplier=supplier, urgent=urgent,
                                          work_order=work_order, note=note.strip()[:200], created_by=actor)
        PurchaseOrderLine.objects.bulk_create([_line_row(po, line, last_costs) for line in lines])
    return po


def po_from_suggestions(*, actor: User, store: Store, supplier_id: int | None, part_ids: list[int]) -> PurchaseOrder:
    """A draft order from the chosen lines of a supplier's suggestions: one
    line per need it serves (so the receipt sends the part there), and the
    rest (the minimum stock, the order quantity's rounding) one line for stock."""
    purchaser_check(actor, store.pk)
    chosen = {int(pk) for pk in part_ids}
    if not chosen:
        raise ProcessError(_("Tick the parts to order."))
    group = next((g for g in suggestions(store) if (g.supplier.pk if g.supplier else None) == supplier_id), None)
    if group is None or group.supplier is None:
        raise ProcessError(_("Give these parts a supplier first (the part's supply settings)."))
    picked = [line for line in group.lines if line.part.pk in chosen]
    if not picked:
        raise ProcessError(_("Nothing of what you ticked is still to order: reload the page."))
    lines: list[OrderLine] = []
    for line in picked:
        for share in line.needs:
            lines.append(OrderLine(line.part, share.short, line.unit_cost, share.need.needed_on, share.need.source,
                                   share.need.ref, share.need.label))
        rest = line.quantity - sum((share.short for share in line.needs), Decimal(0))
        if rest > 0:
            lines.append(OrderLine(line.part, rest, line.unit_cost))
    urgent_orders = {share.need.work_order_id for line in picked for share in line.needs if share.need.urgent}
    work_order = None
    if len(urgent_orders) == 1 and None not in urgent_orders:
        work_order = WorkOrder.objects.filter(store=store, pk=urgent_orders.pop()).exclude(
            status__in=CLOSED_ORDERS).first()
    return po_create(actor=actor, store=store, supplier=group.supplier, lines=lines, urgent=work_order is not None,
                     work_order=work_order)


def _draft(po: PurchaseOrder) -> PurchaseOrder:
    locked = PurchaseOrder.objects.select_for_update().get(pk=po.pk)
    if locked.status != PO.DRAFT:
        raise ProcessError(_("Order %(number)s is %(status)s: only a draft can be changed.") % {
            "number": locked.number, "status": locked.get_status_display()})
    return locked


def po_line_add(*, actor: User, po: PurchaseOrder, line: OrderLine) -> PurchaseOrderLine:
    purchaser_check(actor, po.store_id)
    with transaction.atomic():
        locked = _draft(po)
        if locked.lines.count() >= MAX_LINES:
            raise ProcessError(_("An order has at most %(max)s lines.") % {"max": MAX_LINES})
        row = _line_row(locked, line, _last_costs([line.part.pk]))
        row.save()
    return row


def po_line_set(*, actor: User, line: PurchaseOrderLine, quantity, unit_cost) -> PurchaseOrderLine:
    """Change a draft's line: its quantity and purchase price."""
    purchaser_check(actor, line.store_id)
    with transaction.atomic():
        _draft(line.order)
        line.quantity = quantity_check(line.part, quantity, field="quantity")
        line.unit_cost = _unit_cost_check(unit_cost)
        line.save(update_fields=["quantity", "unit_cost"])
    return line


def po_line_remove(*, actor: User, line: PurchaseOrderLine) -> None:
    """Take a line off a draft (nothing was sent or received against it)."""
    purchaser_check(actor, line.store_id)
    with transaction.atomic():
        _draft(line.order)
        PurchaseOrderLine.objects.filter(pk=line.pk, received=0).delete()


def _need_of(line: PurchaseOrderLine, po: PurchaseOrder) -> Need:
    return Need(line.need_source, line.need_ref, po.store_id, line.part_id, line.quantity, line.needed_on,
                line.need_label, po.work_order_id, po.urgent)


def po_send(*, actor: User, po: PurchaseOrder) -> PurchaseOrder:
    """Send a draft to its supplier: due today + the supplier's lead time (an
    urgent order the same day). Each need it was ordered for hears the date
    (APT-10: a part coming after its appointment warns the advisor now)."""
    purchaser_check(actor, po.store_id)
    with transaction.atomic():
        locked = PurchaseOrder.objects.select_for_update().select_related("supplier").get(pk=po.pk)
        if locked.status != PO.DRAFT:
            raise ProcessError(_("Order %(number)s is %(status)s: only a draft is sent.") % {
                "number": locked.number, "status": locked.get_status_display()})
        lines = list(locked.lines.all())
        if not lines:
            raise ProcessError(_("An order needs at least one part."))
        if not locked.supplier.active:
            raise ProcessError(_("%(supplier)s is no longer an active supplier.") % {
                "supplier": locked.supplier.name})
        expected_on = timezone.localdate() + timedelta(days=0 if locked.urgent else locked.supplier.lead_days)
        PURCHASE_ORDER.move(locked, to=PO.SENT, fields={
            "sent_by": actor, "sent_at": timezone.now(), "expected_on": expected_on})
        for line in lines:
            source = demand.source(line.need_source) if line.need_source and line.need_ref is not None else None
            if source is not None and source.ordered is not None:
                source.ordered(_need_of(line, locked), expected_on, actor)
    return locked


def po_cancel(*, actor: User, po: PurchaseOrder, reason: str) -> PurchaseOrder:
    """Cancel a draft or a sent order, with the reason; an order something
    was received against is not cancelled (it is received, or its rest
    returned)."""
    purchaser_check(actor, po.store_id)
    reason = (reason or "").strip()
    if not reason:
        raise ProcessError(_("Give a reason for the cancellation."), field="reason")
    with transaction.atomic():
        locked = PurchaseOrder.objects.select_for_update().get(pk=po.pk)
        if locked.receipts.exists() or locked.lines.filter(received__gt=0).exists():
            raise ProcessError(_("Parts of order %(number)s were already received: it cannot be cancelled.") % {
                "number": locked.number})
        if locked.status not in (PO.DRAFT, PO.SENT):
            raise ProcessError(_("Order %(number)s is %(status)s: it cannot be cancelled.") % {
                "number": locked.number, "status": locked.get_status_display()})
        PURCHASE_ORDER.move(locked, to=PO.CANCELLED, fields={"cancel_reason": reason[:200],
                                                                "closed_at": timezone.now()})
    return locked


def po_overdue(po: PurchaseOrder) -> bool:
    return po.status in PurchaseOrder.OPEN and po.expected_on is not None and po.expected_on < timezone.localdate()
