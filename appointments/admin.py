"""The appointment desk's records in the support desk's admin, view only (issue 18;
rules in dealership.admin_base): they change through the appointment services,
which hold the scheduling rules and tell the customer."""

from django.contrib import admin

from dealership.admin_base import ReadOnlyAdmin

from .models import (
    Appointment,
    AppointmentChange,
    BookingRequest,
    Confirmation,
    MobileCode,
    PartReservation,
    QueueTicket,
    RebookingOffer,
    WorkshopDay,
)

DAY = admin.DateFieldListFilter


@admin.register(Appointment)
class AppointmentAdmin(ReadOnlyAdmin):
    list_display = ["starts_at", "vehicle", "customer", "advisor", "status", "in_buffer", "work_order", "store"]
    list_select_related = ["vehicle", "customer", "advisor", "work_order", "store"]
    list_filter = ["status", "in_buffer", "needs_expert", ("starts_at", DAY)]
    search_fields = ["vehicle__plate", "vehicle__vin", "customer__mobile", "customer__name", "work_order__number"]


# An appointment's name shows its car's plate, a reservation's its part: the lists that show them
# select them (`appointment__vehicle`, `part`).


@admin.register(QueueTicket)
class QueueTicketAdmin(ReadOnlyAdmin):
    list_display = ["plate", "name", "arrived_at", "called_at", "called_by", "left_at", "appointment", "store"]
    list_select_related = ["called_by", "store", "appointment__vehicle"]
    list_filter = [("arrived_at", DAY)]
    search_fields = ["plate", "name"]


@admin.register(BookingRequest)
class BookingRequestAdmin(ReadOnlyAdmin):
    list_display = ["name", "mobile", "plate", "source", "created_at", "handled_at", "handled_by", "store"]
    list_select_related = ["handled_by", "store"]
    list_filter = ["source", ("created_at", DAY), ("handled_at", admin.EmptyFieldListFilter)]
    search_fields = ["mobile", "plate", "name"]


@admin.register(WorkshopDay)
class WorkshopDayAdmin(ReadOnlyAdmin):
    list_display = ["day", "trade", "capacity_hours", "booked_hours", "note", "store"]
    list_select_related = ["store"]
    list_filter = ["trade", ("day", DAY)]


@admin.register(Confirmation)
class ConfirmationAdmin(ReadOnlyAdmin):
    list_display = ["appointment", "kind", "round", "status", "attempts", "sent_at", "channel", "store"]
    list_select_related = ["appointment__vehicle", "store"]
    list_filter = ["kind", "status", ("sent_at", DAY)]
    search_fields = ["appointment__vehicle__plate", "appointment__customer__mobile"]


@admin.register(AppointmentChange)
class AppointmentChangeAdmin(ReadOnlyAdmin):
    list_display = ["appointment", "kind", "by_shop", "old_starts_at", "new_starts_at", "reason", "actor", "at",
                    "store"]
    list_select_related = ["appointment__vehicle", "actor", "store"]
    list_filter = ["kind", "by_shop", ("at", DAY)]
    search_fields = ["appointment__vehicle__plate", "appointment__customer__mobile", "reason"]


@admin.register(RebookingOffer)
class RebookingOfferAdmin(ReadOnlyAdmin):
    list_display = ["appointment", "status", "made_by", "made_at", "answer_by", "answered_at", "store"]
    list_select_related = ["appointment__vehicle", "made_by", "store"]
    list_filter = ["status", ("made_at", DAY)]
    search_fields = ["appointment__vehicle__plate", "appointment__customer__mobile"]


@admin.register(PartReservation)
class PartReservationAdmin(ReadOnlyAdmin):
    list_display = ["part", "quantity", "status", "expected_on", "shelf", "appointment", "reserved_by",
                    "reserved_at", "store"]
    list_select_related = ["part", "appointment__vehicle", "reserved_by", "store"]
    list_filter = ["status", ("expected_on", DAY)]
    search_fields = ["part__number", "part__name", "appointment__vehicle__plate"]


@admin.register(MobileCode)
class MobileCodeAdmin(ReadOnlyAdmin):
    """The booking page's one-time codes (issue 20): who asked when and what came of it; the code is only a hash."""

    list_display = ["created_at", "mobile", "client", "tries", "used_at", "appointment_id_done", "request_id_done",
                    "store"]
    list_select_related = ["store"]
    list_filter = [("created_at", DAY)]
    search_fields = ["mobile", "client"]
    exclude = ["code_hash"]
