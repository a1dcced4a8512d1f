"""Returns to the supplier and scrapping (issue 19): stock that leaves without
going to an order, each one ledger move with its reason, taken from free stock
only: what the appointment shelf holds is promised to booked visits (APT-8)."""

from __future__ import annotations

from django.utils.translation import gettext as _

from dealership.errors import ProcessError
from dealership.messages import quantity_text
from dealership.models import Part, Role, User

from .ledger import NotEnoughStock, quantity_check, stock_move
from .models import PartSupply, ReceiptLine, StockMove, Supplier

K = StockMove.Kind
WRITERS = (Role.PARTS_CLERK, Role.PARTS_MANAGER, Role.AFTERSALES_MANAGER)


def _write_off(*, actor: User, part: Part, quantity, kind: str, reason: str, note: str) -> StockMove:
    if not actor.has_role(*WRITERS):
        raise ProcessError(_("Only the parts department returns or scraps stock."))
    if not reason.strip():
        raise ProcessError(_("Give the reason."), field="reason")
    quantity = quantity_check(part, quantity, field="quantity")
    try:
        return stock_move(part_id=part.pk, quantity=-quantity, kind=kind, actor=actor, note=note)
    except NotEnoughStock as short:
        stock = short.part
        raise ProcessError(_("Only %(free)s of %(part)s are free: %(reserved)s are on the appointment shelf for "
                             "booked visits and cannot leave the stock.") % {
            "free": quantity_text(max(stock.on_hand - stock.reserved, 0)), "part": stock.name,
            "reserved": quantity_text(stock.reserved)}, rule="APT-8", field="quantity") from None


def stock_return_to_supplier(*, actor: User, part: Part, quantity, supplier: Supplier, reason: str) -> StockMove:
    """Send parts back to the supplier (wrong part, damaged in transport, over-delivered): one SUPPLIER_RETURN
    move at the moving average cost, from free stock."""
    if supplier.store_id != part.store_id:
        raise ProcessError(_("Choose a supplier of the part's store."), field="supplier")
    # a part goes back to whoever supplied it: one of its deliveries, or its usual supplier
    delivered = ReceiptLine.objects.filter(part=part, receipt__order__supplier=supplier).exists()
    usual = PartSupply.objects.filter(part=part, supplier=supplier).exists()
    if not (delivered or usual):
        raise ProcessError(_("%(supplier)s never delivered %(part)s and is not its usual supplier: return it to "
                             "the supplier it came from.") % {"supplier": supplier.name, "part": part.name},
                           field="supplier")
    return _write_off(actor=actor, part=part, quantity=quantity, kind=K.SUPPLIER_RETURN, reason=reason,
                      note=f"{supplier.name}: {reason.strip()}")


def stock_scrap(*, actor: User, part: Part, quantity, reason: str) -> StockMove:
    """Scrap parts (broken, expired, lost): one SCRAP move at the moving average cost, from free stock."""
    return _write_off(actor=actor, part=part, quantity=quantity, kind=K.SCRAP, reason=reason, note=reason.strip())
