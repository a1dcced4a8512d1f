"""The workshop in the support desk's admin (issue 18; rules in dealership.admin_base):
bays and self-check lists are set-up, jobs, clocks, findings and requisitions
(the stock ledger is supply's)."""

from django.contrib import admin

from dealership.admin_base import ReadOnlyAdmin, StoreScopedAdmin

from .models import Bay, ClockEntry, Finding, FreeFix, Job, OldPart, Requisition, SelfCheckItem

DAY = admin.DateFieldListFilter
ORDER_SEARCH = ["work_order__number", "work_order__vehicle__plate"]


@admin.register(Bay)
class BayAdmin(StoreScopedAdmin):
    list_display = ["name", "trade", "active", "store"]
    list_select_related = ["store"]
    list_filter = ["trade", "active"]
    search_fields = ["name"]

    def get_readonly_fields(self, request, obj=None):
        fields = super().get_readonly_fields(request, obj)
        return [*fields, "name"] if obj is not None else fields  # jobs and appointments name their bay


@admin.register(SelfCheckItem)
class SelfCheckItemAdmin(StoreScopedAdmin):
    list_display = ["label", "job_type", "position", "active", "store"]
    list_select_related = ["store"]
    list_filter = ["job_type", "active"]
    search_fields = ["label"]


@admin.register(Job)
class JobAdmin(ReadOnlyAdmin):
    list_display = ["work_order", "description", "trade", "status", "technician", "bay", "started_at", "finished_at",
                    "store"]
    list_select_related = ["work_order", "technician", "store"]
    list_filter = ["status", "kind", "trade", "job_type", ("created_at", DAY)]
    search_fields = [*ORDER_SEARCH, "description"]


@admin.register(ClockEntry)
class ClockEntryAdmin(ReadOnlyAdmin):
    list_display = ["job", "technician", "kind", "reason", "started_at", "ended_at", "store"]
    list_select_related = ["job", "technician", "store"]
    list_filter = ["kind", "reason", ("started_at", DAY)]
    search_fields = ["job__work_order__number", "technician__username", "technician__display_name"]


@admin.register(Finding)
class FindingAdmin(ReadOnlyAdmin):
    list_display = ["work_order", "description", "source", "status", "reported_by", "reported_at", "decided_via",
                    "store"]
    list_select_related = ["work_order", "reported_by", "store"]
    list_filter = ["status", "source", "decided_via", ("reported_at", DAY)]
    search_fields = [*ORDER_SEARCH, "description"]


@admin.register(FreeFix)
class FreeFixAdmin(ReadOnlyAdmin):
    list_display = ["work_order", "description", "technician", "at", "store"]
    list_select_related = ["work_order", "technician", "store"]
    list_filter = [("at", DAY)]
    search_fields = [*ORDER_SEARCH, "description"]


@admin.register(Requisition)
class RequisitionAdmin(ReadOnlyAdmin):
    list_display = ["work_order", "part", "quantity", "status", "requested_by", "requested_at", "issued_at", "store"]
    list_select_related = ["work_order", "part", "requested_by", "store"]
    list_filter = ["status", "from_shelf", ("requested_at", DAY)]
    search_fields = [*ORDER_SEARCH, "part__number", "part__name"]


@admin.register(OldPart)
class OldPartAdmin(ReadOnlyAdmin):
    list_display = ["work_order", "description", "wish", "recorded_by", "recorded_at", "store"]
    list_select_related = ["work_order", "recorded_by", "store"]
    list_filter = ["wish", ("recorded_at", DAY)]
    search_fields = [*ORDER_SEARCH, "description"]
