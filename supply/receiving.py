"""Goods receipt (issue 19): a supplier's delivery taken in at the counter
against a purchase order, once per delivery note, and each part sent where it
is needed: the appointment's shelf it was ordered for (APT-8), the workshop's
waiting requisition (REP-9), or into stock."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from dealership.errors import ProcessError
from dealership.messages import quantity_text
from dealership.models import Part, Role, User

from . import demand
from .doors import PURCHASE_ORDER
from .ledger import CENT, quantity_check, stock_move
from .models import PartSupply, PurchaseOrder, PurchaseOrderLine, Receipt, ReceiptLine, StockMove

S = PurchaseOrder.Status
D = ReceiptLine.Difference


@dataclass(frozen=True)
class ReceiptInput:
    """One part of the delivery: against a line of the order, or (order_line
    None) a part that is not on it. `unit_cost` None: the order line's price
    (or the part's last purchase price)."""

    order_line: PurchaseOrderLine | None
    quantity: Decimal | str | int
    unit_cost: Decimal | str | None = None
    part: Part | None = None


@dataclass(frozen=True)
class _Checked:
    order_line: PurchaseOrderLine | None
    part: Part
    quantity: Decimal
    unit_cost: Decimal


def quantity_field(order_line: PurchaseOrderLine | None) -> str:
    """The form field of a line's quantity (the page shows a refusal there)."""
    return f"quantity_{order_line.pk}" if order_line else "extra_quantity"


def cost_field(order_line: PurchaseOrderLine | None) -> str:
    return f"unit_cost_{order_line.pk}" if order_line else "extra_unit_cost"


def _line_check(order: PurchaseOrder, item: ReceiptInput, last_costs: dict[int, Decimal]) -> _Checked:
    line = item.order_line
    if line is not None and line.order_id != order.pk:
        raise ProcessError(_("This line is not on order %(number)s.") % {"number": order.number})
    part = line.part if line is not None else item.part
    if part is None:
        raise ProcessError(_("Say which part came."), field="extra_part")
    if part.store_id != order.store_id:
        raise ProcessError(_("%(part)s is not a part of this store.") % {"part": part.number}, field="extra_part")
    try:
        quantity = quantity_check(part, item.quantity, field=quantity_field(line))
    except ProcessError as exc:  # name the line: the page may show several
        raise ProcessError(f"{part.number}: {exc.message}", field=exc.field) from None
    cost = item.unit_cost
    if cost is None or cost == "":
        cost = line.unit_cost if line is not None else last_costs.get(part.pk, Decimal(0))
    try:
        cost = Decimal(cost)
    except (InvalidOperation, TypeError, ValueError):
        cost = Decimal(-1)
    if not cost.is_finite() or cost < 0 or cost != cost.quantize(CENT) or cost >= Decimal("100000000"):
        raise ProcessError(_("%(part)s: enter the purchase price in yuan, zero or more, to the fen.") % {
            "part": f"{part.number} {part.name}"}, field=cost_field(line))
    return _Checked(line, part, quantity, cost)


def _order_lock(order: PurchaseOrder) -> PurchaseOrder:
    locked = PurchaseOrder.objects.select_for_update().get(pk=order.pk)
    if locked.status == S.CANCELLED:
        raise ProcessError(_("Order %(number)s is cancelled: nothing can be received against it.") % {
            "number": locked.number})
    if locked.status == S.DRAFT:
        raise ProcessError(_("Order %(number)s has not been sent to the supplier yet.") % {"number": locked.number})
    if locked.status == S.RECEIVED:
        raise ProcessError(_("Order %(number)s is already received in full: record an extra delivery on a new "
                             "order.") % {"number": locked.number})
    return locked


def _already(order: PurchaseOrder, note: str) -> ProcessError | None:
    earlier = Receipt.objects.filter(order=order, delivery_note=note).select_related("received_by").first()
    if earlier is None:
        return None
    return ProcessError(_("Delivery note %(note)s was already received on this order by %(who)s at %(when)s.") % {
        "note": note, "who": str(earlier.received_by),
        "when": date_format(timezone.localtime(earlier.received_at), "SHORT_DATETIME_FORMAT")},
        field="delivery_note")


def _difference(line: PurchaseOrderLine | None, quantity: Decimal) -> str:
    if line is None:
        return D.NOT_ORDERED
    outstanding = line.quantity - line.received
    if quantity > outstanding:
        return D.MORE
    if quantity < outstanding:
        return D.FEWER
    return D.NONE


def _offers(store_id: int, part_id: int, line: PurchaseOrderLine | None) -> list[demand.Need]:
    """The needs to offer a delivered part to: the one its order line was
    ordered for first, then every open need of the part, most pressing first.
    Read before the stock comes in: a requisition is a need only while the
    stock does not cover it."""
    needs = demand.needs_for(store_id, [part_id])
    if line is None or not line.need_source or line.need_ref is None:
        return needs
    key = (line.need_source, line.need_ref)
    own = next((n for n in needs if (n.source, n.ref) == key), None)
    if own is None:  # not listed any more (or a source that lists no such need): its source decides on delivery
        own = demand.Need(line.need_source, line.need_ref, store_id, part_id, line.quantity, line.needed_on,
                          line.need_label)
    return [own, *(n for n in needs if (n.source, n.ref) != key)]


def _route(needs: list[demand.Need], quantity: Decimal, actor: User, location: str) -> list[dict]:
    """Offer the quantity to each need in turn until it is used; the rest goes into stock."""
    remaining, out = quantity, []
    for need in needs:
        if remaining <= 0:
            break
        source = demand.source(need.source)
        if source is None or source.deliver is None:
            continue
        try:
            with transaction.atomic():  # a source that refuses leaves the receipt whole
                delivered = source.deliver(need, actor)
        except ProcessError:
            delivered = None
        if delivered is None or delivered.quantity <= 0:
            continue
        taken = min(Decimal(delivered.quantity), remaining)
        remaining -= taken
        out.append({"to": delivered.to, "quantity": quantity_text(taken), "label": str(delivered.label),
                    "source": need.source, "ref": need.ref})
    if remaining > 0:
        out.append({"to": "stock", "quantity": quantity_text(remaining), "label": location})
    return out


def receipt_record(*, actor: User, order: PurchaseOrder, delivery_note: str,
                   lines: list[ReceiptInput], note: str = "") -> Receipt:
    """Take a delivery in against a purchase order (issue 19): each part into
    the ledger at its purchase price, the order's lines counted, a difference
    from the order recorded (never forced), and each part routed to where it
    is needed (APT-8, REP-9). A delivery note is received once per order, even
    by two clerks at the same moment: the order's row is locked, and the
    unique receipt is the last guard."""
    if not actor.has_role(Role.PARTS_CLERK, Role.PARTS_MANAGER):
        raise ProcessError(_("Only the parts department receives deliveries."))
    if actor.store_id != order.store_id:
        raise ProcessError(_("Deliveries are received in your own store."))
    # one note, however it is typed: "dn-010 " is DN-010 (two clerks at one delivery count it once)
    delivery_note = "".join((delivery_note or "").split()).upper()
    if not delivery_note:
        raise ProcessError(_("Enter the supplier's delivery note number."), field="delivery_note")
    if len(delivery_note) > Receipt._meta.get_field("delivery_note").max_length:
        raise ProcessError(_("The delivery note number is too long."), field="delivery_note")
    if not lines:
        raise ProcessError(_("Enter at least one part that came."))
    last_costs = dict(PartSupply.objects.filter(part_id__in=[i.part.pk for i in lines if i.part is not None])
                      .values_list("part_id", "last_cost"))
    checked = [_line_check(order, item, last_costs) for item in lines]
    with transaction.atomic():
        locked = _order_lock(order)
        if (refusal := _already(locked, delivery_note)) is not None:
            raise refusal
        try:
            with transaction.atomic():
                receipt = Receipt.objects.create(store_id=locked.store_id, order=locked, delivery_note=delivery_note,
                                                 received_by=actor, note=note.strip()[:200])
        except IntegrityError:
            raise (_already(locked, delivery_note) or ProcessError(
                _("Delivery note %(note)s was already received on this order.") % {"note": delivery_note},
                field="delivery_note")) from None
        locations = dict(PartSupply.objects.filter(part_id__in=[c.part.pk for c in checked])
                         .values_list("part_id", "location"))
        for item in checked:
            _receive_line(receipt=receipt, item=item, actor=actor, location=locations.get(item.part.pk, ""))
        _order_status(locked)
    return receipt


def _receive_line(*, receipt: Receipt, item: _Checked, actor: User, location: str) -> ReceiptLine:
    order_line = item.order_line
    if order_line is not None:  # its received count as it is now, under the order's lock
        order_line = PurchaseOrderLine.objects.get(pk=order_line.pk)
    needs = _offers(receipt.store_id, item.part.pk, order_line)
    move = stock_move(part_id=item.part.pk, quantity=item.quantity, kind=StockMove.Kind.RECEIPT, actor=actor,
                      unit_cost=item.unit_cost, note=f"{receipt.order.number} / {receipt.delivery_note}")
    supply, created = PartSupply.objects.get_or_create(
        part_id=item.part.pk, defaults={"store_id": item.part.store_id, "last_cost": item.unit_cost,
                                        "supplier_id": receipt.order.supplier_id})
    if not created:
        PartSupply.objects.filter(pk=supply.pk).update(last_cost=item.unit_cost)
    difference = _difference(order_line, item.quantity)
    if order_line is not None:
        PurchaseOrderLine.objects.filter(pk=order_line.pk).update(received=F("received") + item.quantity)
    return ReceiptLine.objects.create(
        store_id=receipt.store_id, receipt=receipt, order_line=order_line, part_id=item.part.pk,
        quantity=item.quantity, unit_cost=item.unit_cost, difference=difference, move=move,
        destinations=_route(needs, item.quantity, actor, location))


def _order_status(order: PurchaseOrder) -> None:
    lines = list(PurchaseOrderLine.objects.filter(order=order).only("quantity", "received"))
    if lines and all(line.received >= line.quantity for line in lines):
        PURCHASE_ORDER.move(order, to=S.RECEIVED, fields={"closed_at": timezone.now()})
    else:
        PURCHASE_ORDER.move(order, to=S.PARTLY_RECEIVED)
