from datetime import date, datetime, time, timedelta

import django_filters
from django.db.models import Prefetch, QuerySet
from django.utils import timezone

from dealership.access import scoped
from dealership.models import User, WorkOrderLine

from .models import Appointment, BookingRequest, PartReservation
from .preparation import readiness, supply_attach


def _with_preparation(qs: QuerySet[Appointment]) -> QuerySet[Appointment]:
    return qs.select_related("customer", "vehicle", "advisor", "work_order", "technician", "expert").prefetch_related(
        Prefetch("work_order__lines", queryset=WorkOrderLine.objects.select_related("part").order_by("id")),
        Prefetch("reservations", queryset=PartReservation.objects.select_related("part")),
    )


# what the arrivals board's expected list and the readiness checklist (preparation.readiness) read
READINESS_FIELDS = ("store_id", "starts_at", "status", "schedule_version", "needs_expert", "expert_id", "technician_id",
                    "bay", "tools_ready_at", "docs_ready_at", "file_pulled_at", "customer__name", "vehicle__plate",
                    "work_order__status", *(f"advisor__{f}" for f in User.NAME_FIELDS))


DAY_SHOWN = 100  # a desk list's rows of one day: bounded whatever the tables hold (issue 22); the diary has the rest


def first_shown(qs: QuerySet, n: int = DAY_SHOWN) -> tuple[list, bool]:
    """The first n rows, and whether there are more (one row more is read to know)."""
    rows = list(qs[:n + 1])
    return rows[:n], len(rows) > n


def expected_with_readiness(*, user: User, day: date) -> tuple[list[Appointment], bool]:
    """The day's booked appointments with their readiness (the first DAY_SHOWN, and whether there are
    more), read narrowly: the arrivals board is polled all day (issue 9)."""
    qs = appointments_on(user=user, day=day, prepared=False).filter(status=Appointment.Status.BOOKED).select_related(
        None).select_related("customer", "vehicle", "advisor", "work_order").only(*READINESS_FIELDS).prefetch_related(
        Prefetch("work_order__lines", queryset=WorkOrderLine.objects.only(
            "work_order_id", "kind", "approval", "part_id").order_by("id")),
        Prefetch("reservations", queryset=PartReservation.objects.select_related("part").only(
            "appointment_id", "line_id", "status", "expected_on", "part__name")))
    shown, more = first_shown(qs)
    return with_readiness(shown), more


def appointments_on(*, user: User, day: date, prepared: bool = True) -> QuerySet[Appointment]:
    """The day's appointments; `prepared` brings what the readiness checklist
    reads, otherwise only the customer, car, advisor and order."""
    qs = _on_day(scoped(Appointment.objects.all(), user), day)
    qs = _with_preparation(qs) if prepared else qs.select_related("customer", "vehicle", "advisor", "work_order")
    return qs.order_by("starts_at", "id")


def _on_day(qs: QuerySet[Appointment], day: date) -> QuerySet[Appointment]:
    start = datetime.combine(day, time.min, tzinfo=timezone.get_current_timezone())
    return qs.filter(starts_at__gte=start, starts_at__lt=start + timedelta(days=1))


MAX_DIARY_DAYS = 3660  # ten years either way


class AppointmentDayFilter(django_filters.FilterSet):
    """The appointments of one day (YYYY-MM-DD, the shop's day), prepared for
    the readiness checklist; today when the day is not given or not valid."""

    day = django_filters.DateFilter(input_formats=["%Y-%m-%d"], method="on_day")

    def __init__(self, data, *, user: User) -> None:
        super().__init__(data if data is not None else {}, queryset=scoped(Appointment.objects.all(), user))

    @property
    def shown_day(self) -> date:
        self.form.is_valid()
        today = timezone.localdate()
        day = self.form.cleaned_data.get("day")
        # a day the diary can page back and forth from: far dates (9999-12-31) are typing slips
        if day is None or abs((day - today).days) > MAX_DIARY_DAYS:
            return today
        return day

    def filter_queryset(self, queryset: QuerySet[Appointment]) -> QuerySet[Appointment]:
        return _with_preparation(self.on_day(queryset, "day", self.shown_day)).order_by("starts_at", "id")

    def on_day(self, qs: QuerySet[Appointment], name: str, value: date) -> QuerySet[Appointment]:
        return _on_day(qs, value)


def with_readiness(appointments) -> list[Appointment]:
    """Attach the readiness checklist (APT-9) to each appointment."""
    out = list(appointments)
    supply_attach(out)  # the short parts' purchase orders, one query for the page (issue 19)
    for appointment in out:
        items = readiness(appointment)
        appointment.ready_items = items
        appointment.missing_items = [i for i in items if not i.done]
        appointment.done_count = len(items) - len(appointment.missing_items)
        reserved_lines = {r.line_id for r in appointment.reservations.all() if r.status != "released"}
        appointment.parts_to_reserve = any(
            line.kind == "part" and line.approval == "approved" and line.pk not in reserved_lines
            for line in appointment.work_order.lines.all())
    return out


def appointment_for_page(*, user: User, pk: int) -> Appointment:
    from django.shortcuts import get_object_or_404  # noqa: PLC0415

    appointment = get_object_or_404(_with_preparation(scoped(Appointment.objects.all(), user)), pk=pk)
    return with_readiness([appointment])[0]


def upcoming_with_parts(*, user: User, days: int = 7) -> list[Appointment]:
    """The parts clerk's queue: active appointments of the coming days whose
    order has parts (APT-8)."""
    now = timezone.now()
    qs = _with_preparation(scoped(Appointment.objects.filter(status__in=Appointment.ACTIVE), user).filter(
        starts_at__gte=now - timedelta(hours=4), starts_at__lt=now + timedelta(days=days),
        work_order__lines__kind=WorkOrderLine.Kind.PART).distinct()).order_by("starts_at", "id")[:200]
    return with_readiness(qs)


def open_requests(*, user: User) -> QuerySet[BookingRequest]:
    return scoped(BookingRequest.objects.filter(handled_at__isnull=True), user).order_by("created_at")[:50]
