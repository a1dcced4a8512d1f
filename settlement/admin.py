"""Settlement in the support desk's admin, view only (issue 18; rules in
dealership.admin_base): statements, payments and gate passes are money and
exit records, written by the settlement services (SET- rules) and never edited."""

from django.contrib import admin

from dealership.admin_base import ReadOnlyAdmin

from .models import Adjustment, Delivery, GateAlert, GatePass, Payment, Statement

DAY = admin.DateFieldListFilter
ORDER_SEARCH = ["work_order__number", "work_order__vehicle__plate"]


@admin.register(Adjustment)
class AdjustmentAdmin(ReadOnlyAdmin):
    list_display = ["work_order", "kind", "amount", "status", "reason", "requested_by", "decided_by", "decided_at",
                    "store"]
    list_select_related = ["work_order", "requested_by", "decided_by", "store"]
    list_filter = ["status", "kind", ("requested_at", DAY)]
    search_fields = [*ORDER_SEARCH, "reason"]


@admin.register(Statement)
class StatementAdmin(ReadOnlyAdmin):
    list_display = ["number", "work_order", "total", "vat", "issued_by", "issued_at", "superseded", "store"]
    list_select_related = ["work_order", "issued_by", "store"]
    list_filter = ["superseded", ("issued_at", DAY)]
    search_fields = ["number", *ORDER_SEARCH]


@admin.register(Payment)
class PaymentAdmin(ReadOnlyAdmin):
    list_display = ["receipt_number", "work_order", "kind", "amount", "method", "reference", "received_by",
                    "received_at", "store"]
    list_select_related = ["work_order", "received_by", "store"]
    list_filter = ["kind", "method", ("received_at", DAY)]
    search_fields = ["receipt_number", "reference", *ORDER_SEARCH]


@admin.register(Delivery)
class DeliveryAdmin(ReadOnlyAdmin):
    list_display = ["work_order", "delivered_by", "done_at", "store"]
    list_select_related = ["work_order", "delivered_by", "store"]
    list_filter = [("done_at", DAY)]
    search_fields = ORDER_SEARCH
    exclude = ["declined_signature"]  # the drawing itself is on the printed documents


@admin.register(GatePass)
class GatePassAdmin(ReadOnlyAdmin):
    list_display = ["number", "work_order", "issued_by", "issued_at", "used_at", "used_by", "store"]
    list_select_related = ["work_order", "issued_by", "used_by", "store"]
    list_filter = [("issued_at", DAY), ("used_at", admin.EmptyFieldListFilter)]
    search_fields = ["number", *ORDER_SEARCH]


@admin.register(GateAlert)
class GateAlertAdmin(ReadOnlyAdmin):
    list_display = ["reason", "typed_number", "typed_plate", "gate_pass", "guard", "at", "store"]
    list_select_related = ["gate_pass", "guard", "store"]
    list_filter = ["reason", ("at", DAY)]
    search_fields = ["typed_number", "typed_plate", "gate_pass__number"]
