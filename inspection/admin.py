"""Quality control and handover in the support desk's admin (issue 18; rules in
dealership.admin_base): checklists, standards and parking spots are set-up, the
rest records of an inspection or a handover."""

from django.contrib import admin

from dealership.admin_base import ReadOnlyAdmin, ReadOnlyInline, StoreScopedAdmin

from .models import (
    DeferredWork,
    Handover,
    Inspection,
    InspectionItem,
    ParkingSpot,
    QcCheckItem,
    QcStandard,
    WearReading,
)

DAY = admin.DateFieldListFilter
ORDER_SEARCH = ["work_order__number", "work_order__vehicle__plate"]


@admin.register(QcCheckItem)
class QcCheckItemAdmin(StoreScopedAdmin):
    list_display = ["label", "job_type", "position", "active", "store"]
    list_select_related = ["store"]
    list_filter = ["job_type", "active"]
    search_fields = ["label"]


@admin.register(QcStandard)
class QcStandardAdmin(StoreScopedAdmin):
    list_display = ["job_type", "road_test_required", "guarantee_months", "guarantee_km", "store"]
    list_select_related = ["store"]
    list_filter = ["job_type", "road_test_required"]


@admin.register(ParkingSpot)
class ParkingSpotAdmin(StoreScopedAdmin):
    list_display = ["name", "active", "store"]
    list_select_related = ["store"]
    list_filter = ["active"]
    search_fields = ["name"]


class InspectionItemInline(ReadOnlyInline):
    model = InspectionItem


@admin.register(Inspection)
class InspectionAdmin(ReadOnlyAdmin):
    list_display = ["work_order", "round", "passed", "inspector", "road_tested", "at", "store"]
    list_select_related = ["work_order", "inspector", "store"]
    list_filter = ["passed", "road_tested", ("at", DAY)]
    search_fields = ORDER_SEARCH
    inlines = [InspectionItemInline]


@admin.register(InspectionItem)
class InspectionItemAdmin(ReadOnlyAdmin):
    store_via = "inspection"
    list_display = ["inspection", "job_type", "label", "result", "note"]
    list_select_related = ["inspection"]
    list_filter = ["result", "job_type"]
    search_fields = ["inspection__work_order__number", "label"]


@admin.register(WearReading)
class WearReadingAdmin(ReadOnlyAdmin):
    list_display = ["vehicle", "item", "value", "work_order", "recorded_by", "at", "store"]
    list_select_related = ["vehicle", "work_order", "recorded_by", "store"]
    list_filter = ["item", ("at", DAY)]
    search_fields = ["vehicle__plate", "vehicle__vin", "work_order__number"]


@admin.register(DeferredWork)
class DeferredWorkAdmin(ReadOnlyAdmin):
    list_display = ["vehicle", "description", "urgency", "estimate", "status", "work_order", "at", "store"]
    list_select_related = ["vehicle", "work_order", "store"]
    list_filter = ["status", "urgency", ("at", DAY)]
    search_fields = ["vehicle__plate", "vehicle__vin", "work_order__number", "description"]


@admin.register(Handover)
class HandoverAdmin(ReadOnlyAdmin):
    list_display = ["work_order", "cleaned_at", "spot", "parked_at", "acknowledged_by", "customer_told_at", "store"]
    list_select_related = ["work_order", "spot", "acknowledged_by", "store"]
    list_filter = [("parked_at", DAY), ("customer_told_at", admin.EmptyFieldListFilter)]
    search_fields = ORDER_SEARCH
