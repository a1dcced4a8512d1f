"""Reception in the support desk's admin (issue 18; rules in dealership.admin_base):
the walk-around checklist is set-up, the rest records of a reception."""

from django.contrib import admin

from dealership.admin_base import ReadOnlyAdmin, StoreScopedAdmin

from .models import DamageMark, ExpertRequest, Reception, Signature, WalkAround, WalkAroundCheckItem, WalkAroundPhoto

DAY = admin.DateFieldListFilter
ORDER_SEARCH = ["work_order__number", "work_order__vehicle__plate"]


@admin.register(WalkAroundCheckItem)
class WalkAroundCheckItemAdmin(StoreScopedAdmin):
    list_display = ["label", "key", "position", "active", "store"]
    list_select_related = ["store"]
    list_filter = ["active"]
    search_fields = ["label", "key"]

    def get_readonly_fields(self, request, obj=None):
        fields = super().get_readonly_fields(request, obj)
        return [*fields, "key"] if obj is not None else fields  # recorded walk-arounds name their checks by key


@admin.register(WalkAround)
class WalkAroundAdmin(ReadOnlyAdmin):
    list_display = ["work_order", "mileage", "fuel_level", "completed_by", "completed_at", "store"]
    list_select_related = ["work_order", "completed_by", "store"]
    list_filter = ["fuel_level", ("completed_at", DAY)]
    search_fields = ORDER_SEARCH


@admin.register(DamageMark)
class DamageMarkAdmin(ReadOnlyAdmin):
    list_display = ["walkaround", "kind", "x", "y", "note", "created_by", "created_at", "store"]
    list_select_related = ["walkaround", "created_by", "store"]
    list_filter = ["kind", ("created_at", DAY)]
    search_fields = ["walkaround__work_order__number", "walkaround__work_order__vehicle__plate"]


@admin.register(WalkAroundPhoto)
class WalkAroundPhotoAdmin(ReadOnlyAdmin):
    list_display = ["walkaround", "image", "width", "height", "uploaded_by", "uploaded_at", "store"]
    list_select_related = ["walkaround", "uploaded_by", "store"]
    list_filter = [("uploaded_at", DAY)]
    search_fields = ["walkaround__work_order__number", "walkaround__work_order__vehicle__plate"]


@admin.register(Reception)
class ReceptionAdmin(ReadOnlyAdmin):
    list_display = ["work_order", "greeted_at", "greeted_by", "store"]
    list_select_related = ["work_order", "greeted_by", "store"]
    list_filter = [("greeted_at", DAY)]
    search_fields = ORDER_SEARCH


@admin.register(ExpertRequest)
class ExpertRequestAdmin(ReadOnlyAdmin):
    list_display = ["work_order", "kind", "question", "asked_by", "asked_at", "answered_by", "answered_at", "store"]
    list_select_related = ["work_order", "asked_by", "answered_by", "store"]
    list_filter = ["kind", ("asked_at", DAY), ("answered_at", admin.EmptyFieldListFilter)]
    search_fields = ORDER_SEARCH


@admin.register(Signature)
class SignatureAdmin(ReadOnlyAdmin):
    list_display = ["work_order", "signer", "name", "device", "signed_at", "store"]
    list_select_related = ["work_order", "store"]
    list_filter = ["signer", ("signed_at", DAY)]
    search_fields = [*ORDER_SEARCH, "name"]
    exclude = ["image"]  # the drawing itself is on the order's printed documents
