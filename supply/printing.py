"""The purchase order printed for the supplier (采购订单, issue 19), and its
export as a spreadsheet-ready CSV."""

from __future__ import annotations

import csv
import io

from django.conf import settings
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from dealership.messages import quantity_text
from dealership.printing import register_document, render_pdf

from .models import PartSupply, PurchaseOrder


def _lines(po: PurchaseOrder) -> list[dict]:
    rows = list(po.lines.select_related("part").order_by("id"))
    locations = dict(PartSupply.objects.filter(part_id__in=[r.part_id for r in rows]).values_list(
        "part_id", "location"))
    return [{"line": r, "amount": r.quantity * r.unit_cost, "location": locations.get(r.part_id, "")} for r in rows]


def purchase_order_pdf(*, po: PurchaseOrder) -> bytes:
    """The order as the supplier gets it: the parts, quantities and prices,
    the date it is due, urgent orders marked."""
    lines = _lines(po)
    with translation.override(settings.LANGUAGE_CODE):
        return render_pdf("supply/print_order.html", {
            "po": po, "store": po.store, "supplier": po.supplier, "lines": lines,
            "total": sum((row["amount"] for row in lines), 0), "printed_at": timezone.localtime()})


def purchase_order_csv(*, po: PurchaseOrder) -> bytes:
    """The order as rows for a spreadsheet (UTF-8 with a BOM, so Excel reads the Chinese)."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([_("Purchase order"), po.number, _("Supplier"), po.supplier.name,
                     _("Expected on"), po.expected_on.isoformat() if po.expected_on else ""])
    writer.writerow([_("Part number"), _("Part"), _("Unit"), _("Quantity"), _("Purchase price (yuan)"),
                     _("Amount (yuan)"), _("Needed on"), _("For")])
    for row in _lines(po):
        line = row["line"]
        writer.writerow([line.part.number, line.part.name, line.part.unit, quantity_text(line.quantity),
                         f"{line.unit_cost:.2f}", f"{row['amount']:.2f}",
                         line.needed_on.isoformat() if line.needed_on else "", line.need_label])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


@register_document("purchase_order", "采购订单 (purchase order to a supplier)")
def sample_purchase_order() -> tuple[str, bytes] | None:
    po = PurchaseOrder.objects.select_related("store", "supplier").order_by("id").first()
    if po is None:
        return None
    return f"{po.number}.pdf", purchase_order_pdf(po=po)
