"""Parts supply in the support desk's admin (issue 19; rules in dealership.admin_base):
suppliers and each part's supply settings are set-up; the ledger, orders,
receipts and counts are records, changed only through their pages."""

from django.contrib import admin

from dealership.admin_base import ReadOnlyAdmin, StoreScopedAdmin

from .models import (
    PartSupply,
    PurchaseOrder,
    PurchaseOrderLine,
    Receipt,
    ReceiptLine,
    StockCount,
    StockCountLine,
    StockMove,
    Supplier,
)

DAY = admin.DateFieldListFilter


@admin.register(Supplier)
class SupplierAdmin(StoreScopedAdmin):
    list_display = ["name", "kind", "lead_days", "phone", "active", "store"]
    list_select_related = ["store"]
    list_filter = ["kind", "active"]
    search_fields = ["name", "contact", "phone"]


@admin.register(PartSupply)
class PartSupplyAdmin(StoreScopedAdmin):
    list_display = ["part", "supplier", "location", "min_stock", "order_quantity", "last_cost", "store"]
    list_select_related = ["part", "supplier", "store"]
    search_fields = ["part__number", "part__name", "location"]
    raw_id_fields = ["part"]
    readonly_fields = ["last_cost"]  # set by receipts


@admin.register(StockMove)
class StockMoveAdmin(ReadOnlyAdmin):
    list_display = ["part", "quantity", "value", "kind", "work_order", "by", "at", "note", "store"]
    list_select_related = ["part", "work_order", "by", "store"]
    list_filter = ["kind", ("at", DAY)]
    search_fields = ["part__number", "part__name", "work_order__number"]


@admin.register(PurchaseOrder)
class PurchaseOrderAdmin(ReadOnlyAdmin):
    list_display = ["number", "supplier", "status", "urgent", "expected_on", "created_at", "store"]
    list_select_related = ["supplier", "store"]
    list_filter = ["status", "urgent", ("created_at", DAY)]
    search_fields = ["number", "supplier__name"]


@admin.register(PurchaseOrderLine)
class PurchaseOrderLineAdmin(ReadOnlyAdmin):
    list_display = ["order", "part", "quantity", "received", "unit_cost", "needed_on", "need_label", "store"]
    list_select_related = ["order", "part", "store"]
    search_fields = ["order__number", "part__number", "part__name"]


@admin.register(Receipt)
class ReceiptAdmin(ReadOnlyAdmin):
    list_display = ["order", "delivery_note", "received_by", "received_at", "store"]
    list_select_related = ["order", "received_by", "store"]
    list_filter = [("received_at", DAY)]
    search_fields = ["order__number", "delivery_note"]


@admin.register(ReceiptLine)
class ReceiptLineAdmin(ReadOnlyAdmin):
    list_display = ["receipt", "part", "quantity", "unit_cost", "difference", "store"]
    list_select_related = ["receipt__order", "part", "store"]
    list_filter = ["difference"]
    search_fields = ["receipt__delivery_note", "part__number", "part__name"]


@admin.register(StockCount)
class StockCountAdmin(ReadOnlyAdmin):
    list_display = ["number", "status", "location", "number_from", "number_to", "created_at", "approved_by",
                    "store"]
    list_select_related = ["approved_by", "store"]
    list_filter = ["status", ("created_at", DAY)]
    search_fields = ["number"]


@admin.register(StockCountLine)
class StockCountLineAdmin(ReadOnlyAdmin):
    list_display = ["count", "part", "location", "expected", "counted", "store"]
    list_select_related = ["count", "part", "store"]
    search_fields = ["count__number", "part__number", "part__name"]
