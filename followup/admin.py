"""Follow-up in the support desk's admin, view only (issue 18; rules in
dealership.admin_base): calls, complaints and their history are records of the
follow-up services (FU- rules)."""

from django.contrib import admin
from django.db.models import Q

from dealership.admin_base import ReadOnlyAdmin, visible
from dealership.models import Store

from .models import (
    Complaint,
    ComplaintEvent,
    ComplianceCount,
    ComplianceRun,
    ComplianceThreshold,
    CorrectiveAction,
    FollowUpCall,
    FollowUpTask,
    MonthlyReport,
    ServiceReminder,
    SpotCheck,
    SpotCheckAnswer,
)

DAY = admin.DateFieldListFilter
ORDER_SEARCH = ["work_order__number", "work_order__vehicle__plate"]


@admin.register(FollowUpTask)
class FollowUpTaskAdmin(ReadOnlyAdmin):
    list_display = ["work_order", "status", "attempts", "due_from", "due_by", "next_try_at", "done_at", "store"]
    list_select_related = ["work_order", "store"]
    list_filter = ["status", ("due_by", DAY)]
    search_fields = [*ORDER_SEARCH, "work_order__customer__mobile"]


@admin.register(FollowUpCall)
class FollowUpCallAdmin(ReadOnlyAdmin):
    list_display = ["task", "agent", "channel", "reached", "satisfaction", "complaint", "at", "store"]
    list_select_related = ["task", "agent", "store"]
    list_filter = ["channel", "reached", "complaint", ("at", DAY)]
    search_fields = ["task__work_order__number", "task__work_order__vehicle__plate"]


@admin.register(Complaint)
class ComplaintAdmin(ReadOnlyAdmin):
    list_display = ["work_order", "description", "status", "category", "department", "owner", "due_at",
                    "closed_at", "store"]
    list_select_related = ["work_order", "owner", "store"]
    list_filter = ["status", "stage", "category", "department", ("created_at", DAY)]
    search_fields = [*ORDER_SEARCH, "work_order__customer__mobile", "description"]


@admin.register(ComplaintEvent)
class ComplaintEventAdmin(ReadOnlyAdmin):
    list_display = ["complaint", "message", "actor", "at", "store"]
    list_select_related = ["complaint", "actor", "store"]
    list_filter = [("at", DAY)]
    search_fields = ["complaint__work_order__number", "note"]


@admin.register(CorrectiveAction)
class CorrectiveActionAdmin(ReadOnlyAdmin):
    list_display = ["title", "kind", "owner", "due_on", "done_at", "created_at", "store"]
    list_select_related = ["owner", "store"]
    list_filter = ["kind", ("due_on", DAY), ("done_at", admin.EmptyFieldListFilter)]
    search_fields = ["title", "trend"]


@admin.register(ServiceReminder)
class ServiceReminderAdmin(ReadOnlyAdmin):
    list_display = ["vehicle", "kind", "due_on", "sent_at", "result", "booked_at", "store"]
    list_select_related = ["vehicle", "store"]
    list_filter = ["kind", ("due_on", DAY), ("sent_at", admin.EmptyFieldListFilter)]
    search_fields = ["vehicle__plate", "vehicle__vin", "vehicle__customer__mobile"]


@admin.register(MonthlyReport)
class MonthlyReportAdmin(ReadOnlyAdmin):
    list_display = ["month", "group", "store", "pdf", "generated_at"]
    list_select_related = ["group", "store"]
    list_filter = [("month", DAY)]

    def get_queryset(self, request):
        """A store's reports, and for a group manager also the group's own (no store)."""
        user = request.user
        qs = admin.ModelAdmin.get_queryset(self, request)  # not the store scope: a group report has no store
        if user.is_superuser:
            return qs
        group_reports = Q(store__isnull=True, group_id=user.group_id) if user.is_group_manager and user.group_id \
            else Q(pk__in=[])
        return qs.filter(Q(store__in=visible(Store.objects.all(), user)) | group_reports)


# --- issue 21: the must-avoid items (set on the compliance pages, counted by the job) ---------------------

@admin.register(ComplianceCount)
class ComplianceCountAdmin(ReadOnlyAdmin):
    list_display = ["month", "code", "person_kind", "person", "cases", "base", "overrides", "store"]
    list_select_related = ["person", "store"]
    list_filter = [("month", DAY), "person_kind"]
    search_fields = ["code"]


@admin.register(ComplianceRun)
class ComplianceRunAdmin(ReadOnlyAdmin):
    list_display = ["month", "store", "trigger", "started_at", "finished_at", "stores", "rows", "tasks"]
    list_select_related = ["store"]
    list_filter = [("started_at", DAY), "trigger"]

    def get_queryset(self, request):
        """A run for every store (no store) is shown to all who may see a store; one store's to its users."""
        qs = admin.ModelAdmin.get_queryset(self, request)
        if request.user.is_superuser:
            return qs
        return qs.filter(Q(store__isnull=True) | Q(store__in=visible(Store.objects.all(), request.user)))


@admin.register(ComplianceThreshold)
class ComplianceThresholdAdmin(ReadOnlyAdmin):
    list_display = ["code", "limit", "updated_by", "updated_at", "store"]
    list_select_related = ["updated_by", "store"]


@admin.register(SpotCheck)
class SpotCheckAdmin(ReadOnlyAdmin):
    list_display = ["work_order", "created_by", "created_at", "store"]
    list_select_related = ["work_order", "created_by", "store"]
    list_filter = [("created_at", DAY)]
    search_fields = ORDER_SEARCH


@admin.register(SpotCheckAnswer)
class SpotCheckAnswerAdmin(ReadOnlyAdmin):
    store_via = "spot_check"
    list_display = ["spot_check", "code", "kept", "note"]
    list_select_related = ["spot_check__work_order"]
    list_filter = ["kept"]
    search_fields = ["code"]
