"""The core's models in the support desk's admin (issue 18; rules in admin_base)."""

from django import forms
from django.contrib import admin
from django.contrib.auth import admin as auth_admin
from django.contrib.auth import forms as auth_forms
from django.utils.translation import gettext_lazy as _

from .admin_base import ReadOnlyAdmin, ReadOnlyInline, StoreScopedAdmin
from .errors import ProcessError
from .messagetexts import message_text_check
from .models import (
    ArchiveRun,
    Customer,
    DealerGroup,
    ImportRun,
    LabourOperation,
    MessageText,
    MileageReading,
    OutboundMessage,
    Part,
    PastVisit,
    PriceChange,
    RefusedAttempt,
    SettingChange,
    StaffRole,
    StaffTask,
    Store,
    StoreCounter,
    SweepStore,
    TextOverflow,
    User,
    Vehicle,
    WorkOrder,
    WorkOrderEvent,
    WorkOrderLine,
)

# ---- set-up and master data: editable ----


@admin.register(DealerGroup)
class DealerGroupAdmin(StoreScopedAdmin):
    list_display = ["name"]
    search_fields = ["name"]


@admin.register(Store)
class StoreAdmin(StoreScopedAdmin):
    list_display = ["code", "name", "group", "phone", "opens_at", "closes_at", "labour_rate"]
    list_select_related = ["group"]
    list_filter = ["group"]
    search_fields = ["code", "name"]


class StaffRoleInline(admin.TabularInline):
    model = StaffRole
    extra = 1


class StaffCreationForm(auth_forms.AdminUserCreationForm):
    class Meta(auth_forms.AdminUserCreationForm.Meta):
        model = User


class StaffChangeForm(auth_forms.UserChangeForm):
    class Meta(auth_forms.UserChangeForm.Meta):
        model = User


# who may make someone a superuser or give permissions: a superuser only
PRIVILEGES = ("is_superuser", "is_staff", "groups", "user_permissions")


@admin.register(User)
class StaffAdmin(StoreScopedAdmin, auth_admin.UserAdmin):
    form = StaffChangeForm
    add_form = StaffCreationForm
    inlines = [StaffRoleInline]
    list_display = ["username", "display_name", "store", "trade", "is_active", "is_staff", "last_login"]
    list_select_related = ["store"]
    list_filter = ["is_active", "is_staff", "is_superuser", "trade", "staff_roles__role"]
    search_fields = ["username", "display_name", "first_name", "last_name", "phone", "email"]
    fieldsets = [
        *auth_admin.UserAdmin.fieldsets,
        (_("Store"), {"fields": ["group", "store", "display_name", "trade", "phone"]}),
    ]
    add_fieldsets = [
        *auth_admin.UserAdmin.add_fieldsets,
        (_("Store"), {"fields": ["group", "store", "display_name", "trade"]}),
    ]

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if not request.user.is_superuser:
            fields += [f for f in PRIVILEGES if f not in fields]
        return fields


@admin.register(StaffRole)
class StaffRoleAdmin(StoreScopedAdmin):
    store_via = "user"
    list_display = ["user", "role"]
    list_select_related = ["user"]
    list_filter = ["role"]
    search_fields = ["user__username", "user__display_name"]
    autocomplete_fields = ["user"]


@admin.register(LabourOperation)
class LabourOperationAdmin(StoreScopedAdmin):
    list_display = ["code", "name", "store", "trade", "job_type", "standard_hours", "price", "active"]
    list_select_related = ["store"]
    list_filter = ["active", "trade", "job_type"]
    search_fields = ["code", "name"]

    def get_readonly_fields(self, request, obj=None):
        # a price moves through a dated price change (the catalogue page), which keeps what orders were quoted at
        return [*super().get_readonly_fields(request, obj), *(["price"] if obj else [])]


@admin.register(Part)
class PartAdmin(StoreScopedAdmin):
    list_display = ["number", "name", "store", "unit", "price", "on_hand", "reserved", "active"]
    list_select_related = ["store"]
    list_filter = ["active"]
    search_fields = ["number", "name"]
    readonly_fields = ["on_hand", "reserved", "stock_value"]  # stock moves only through the ledger (supply.ledger)

    def get_readonly_fields(self, request, obj=None):
        # a price moves through a dated price change (the catalogue page), which keeps what orders were quoted at
        return [*super().get_readonly_fields(request, obj), *(["price"] if obj else [])]


@admin.register(PriceChange)
class PriceChangeAdmin(ReadOnlyAdmin):
    list_display = ["effective_from", "labour_operation", "part", "store", "price", "applied", "created_by",
                    "created_at"]
    list_select_related = ["labour_operation", "part", "store", "created_by"]
    list_filter = ["applied", ("effective_from", admin.DateFieldListFilter)]
    search_fields = ["labour_operation__code", "labour_operation__name", "part__number", "part__name", "reason"]


@admin.register(Customer)
class CustomerAdmin(StoreScopedAdmin):
    list_display = ["name", "mobile", "store", "preferred_channel", "consent_to_messages", "created_at"]
    list_select_related = ["store"]
    list_filter = ["consent_to_messages", "preferred_channel", ("created_at", admin.DateFieldListFilter)]
    search_fields = ["name", "mobile", "email", "vehicles__plate"]


@admin.register(Vehicle)
class VehicleAdmin(StoreScopedAdmin):
    list_display = ["plate", "vin", "make", "model", "year", "customer", "store", "mileage", "next_service_on"]
    list_select_related = ["store", "customer"]
    list_filter = [("next_service_on", admin.DateFieldListFilter)]
    search_fields = ["plate", "vin", "customer__mobile", "customer__name"]
    autocomplete_fields = ["customer"]
    readonly_fields = ["mileage"]  # a reading goes through the mileage readings, which keep the history


# ---- records: view only ----


@admin.register(TextOverflow)
class TextOverflowAdmin(ReadOnlyAdmin):
    list_display = ["model", "object_id", "field", "kept_at"]
    search_fields = ["=object_id", "model"]


@admin.register(StoreCounter)
class StoreCounterAdmin(ReadOnlyAdmin):
    list_display = ["store", "key", "value"]
    list_select_related = ["store"]
    search_fields = ["key"]


@admin.register(SweepStore)
class SweepStoreAdmin(ReadOnlyAdmin):
    """Issue 23: which worker took each store's share of a sweep's last round, and when it finished."""

    list_display = ["sweep", "store", "last_round", "runs", "worker", "started_at", "finished_at"]
    list_select_related = ["store"]
    list_filter = ["sweep"]


@admin.register(ArchiveRun)
class ArchiveRunAdmin(ReadOnlyAdmin):
    list_display = ["before", "started_at", "finished_at", "moved"]


@admin.register(MileageReading)
class MileageReadingAdmin(ReadOnlyAdmin):
    list_display = ["vehicle", "km", "previous_km", "reason", "recorded_by", "recorded_at", "store"]
    list_select_related = ["vehicle", "recorded_by", "store"]
    list_filter = [("recorded_at", admin.DateFieldListFilter)]
    search_fields = ["vehicle__plate", "vehicle__vin"]


@admin.register(PastVisit)
class PastVisitAdmin(ReadOnlyAdmin):
    list_display = ["old_number", "visited_on", "vehicle", "customer", "mileage", "total", "store"]
    list_select_related = ["vehicle", "customer", "store"]
    list_filter = [("visited_on", admin.DateFieldListFilter), "maintenance"]
    search_fields = ["old_number", "vehicle__plate", "vehicle__vin", "customer__mobile"]


@admin.register(ImportRun)
class ImportRunAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "kind", "file_name", "status", "rows_total", "rows_bad", "created", "changed",
                    "created_by", "store"]
    list_select_related = ["created_by", "store"]
    list_filter = ["kind", "status", ("created_at", admin.DateFieldListFilter)]
    search_fields = ["file_name", "sha256"]
    exclude = ["file"]  # the uploaded file holds customers' data: kept beside the database, never served


@admin.register(StaffTask)
class StaffTaskAdmin(ReadOnlyAdmin):
    list_display = ["subject", "key", "role", "assignee", "work_order", "urgent", "due_at", "done_at", "store"]
    list_select_related = ["assignee", "work_order", "store"]
    list_filter = ["role", "urgent", ("created_at", admin.DateFieldListFilter), ("done_at", admin.EmptyFieldListFilter)]
    search_fields = ["key", "subject", "work_order__number"]


@admin.register(OutboundMessage)
class OutboundMessageAdmin(ReadOnlyAdmin):
    # the delivery state (issue 20): attempts, the last result, when it went or is tried next
    list_display = ["key", "channel", "to", "status", "attempts", "result", "next_attempt_at", "customer", "work_order",
                    "created_at", "sent_at", "store"]
    list_select_related = ["customer", "work_order", "store"]
    list_filter = ["status", "channel", ("created_at", admin.DateFieldListFilter)]
    search_fields = ["to", "key", "customer__mobile", "work_order__number"]


class WorkOrderLineInline(ReadOnlyInline):
    model = WorkOrderLine
    fields = ["kind", "code", "description", "quantity", "unit_price", "hours", "amount", "approval", "warranty"]


@admin.register(WorkOrder)
class WorkOrderAdmin(ReadOnlyAdmin):
    list_display = ["number", "status", "vehicle", "customer", "advisor", "total", "created_at", "store"]
    list_select_related = ["vehicle", "customer", "advisor", "store"]
    list_filter = ["status", "origin", ("created_at", admin.DateFieldListFilter)]
    search_fields = ["number", "vehicle__plate", "vehicle__vin", "customer__mobile", "customer__name"]
    inlines = [WorkOrderLineInline]


@admin.register(WorkOrderLine)
class WorkOrderLineAdmin(ReadOnlyAdmin):
    list_display = ["work_order", "kind", "code", "description", "quantity", "amount", "approval", "source"]
    list_select_related = ["work_order"]
    list_filter = ["kind", "approval", "source", "warranty"]
    search_fields = ["work_order__number", "code", "description"]


@admin.register(WorkOrderEvent)
class WorkOrderEventAdmin(ReadOnlyAdmin):
    list_display = ["work_order", "kind", "from_status", "to_status", "actor", "at", "rule", "override_by"]
    list_select_related = ["work_order", "actor", "override_by"]
    list_filter = ["kind", "to_status", ("at", admin.DateFieldListFilter)]
    search_fields = ["work_order__number", "work_order__vehicle__plate", "rule"]


@admin.register(SettingChange)
class SettingChangeAdmin(ReadOnlyAdmin):
    list_display = ["at", "store", "actor", "object_text", "field", "old", "new"]
    list_select_related = ["store", "actor"]
    list_filter = ["model", "field"]
    search_fields = ["object_text", "field", "actor__username", "actor__display_name"]
    date_hierarchy = "at"


class MessageTextForm(forms.ModelForm):
    """The same check as the settings page: a text that does not compile or uses an unknown variable is refused."""

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        try:
            message_text_check(name=data["name"], language=data["language"], subject=data["subject"],
                               body=data["body"])
        except KeyError:
            self.add_error("name", _("There is no such message."))
        except ProcessError as exc:
            self.add_error(exc.field if exc.field in ("subject", "body") else None, str(exc))
        return data


@admin.register(MessageText)
class MessageTextAdmin(StoreScopedAdmin):
    """A store's own text of a customer message (set-up: the managers keep it on their settings page)."""

    form = MessageTextForm
    list_display = ["name", "language", "subject", "store", "updated_by", "updated_at"]
    list_select_related = ["store", "updated_by"]
    list_filter = ["name", "language"]
    search_fields = ["name", "subject", "body"]
    readonly_fields = ["updated_by", "updated_at"]

    def save_model(self, request, obj, form, change):
        obj.updated_by = request.user
        super().save_model(request, obj, form, change)


# ---- opening hours and closed days (issue 18): changed on the store's settings page, which logs each change ----
from .models.hours import ClosedDay, StoreHours  # noqa: E402


@admin.register(StoreHours)
class StoreHoursAdmin(ReadOnlyAdmin):
    list_display = ["store", "weekday", "opens_at", "closes_at", "closed"]
    list_select_related = ["store"]


@admin.register(ClosedDay)
class ClosedDayAdmin(ReadOnlyAdmin):
    list_display = ["store", "date", "name"]
    list_select_related = ["store"]
    list_filter = [("date", admin.DateFieldListFilter)]


@admin.register(RefusedAttempt)
class RefusedAttemptAdmin(ReadOnlyAdmin):
    # issue 21: what a guard refused a person, counted on the compliance page
    list_display = ["at", "rule", "message", "actor", "work_order", "path", "store"]
    list_select_related = ["actor", "work_order", "store"]
    list_filter = [("at", admin.DateFieldListFilter), "rule"]
    search_fields = ["rule", "work_order__number"]
