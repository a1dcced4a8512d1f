"""SET-9: when the car should come back, from the service done and the
car's own use: the store's maintenance interval in km and in months,
whichever comes first by the car's average daily distance."""

from __future__ import annotations

import calendar
import math
from dataclasses import dataclass
from datetime import date, timedelta

from django.utils import timezone

from dealership.models import JobType, MileageReading, WorkOrder, WorkOrderLine

MIN_SPAN_DAYS = 30  # readings closer together say little about the car's use


@dataclass(frozen=True)
class NextService:
    on: date
    km: int
    km_per_day: float | None  # the car's use it was computed from, if known
    kept: bool = False  # no maintenance on this visit: the earlier plan still stands


def add_months(day: date, months: int) -> date:
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def km_per_day(order: WorkOrder, today: date) -> float | None:
    """The car's average use: from its mileage readings over a month or more,
    else from its model year (a new car is assumed delivered mid-year)."""
    vehicle = order.vehicle
    now_km = order.mileage_in or vehicle.mileage
    readings = list(MileageReading.objects.filter(vehicle=vehicle).order_by("recorded_at", "id")
                    .values_list("km", "recorded_at")[:1])
    if readings:
        first_km, first_at = readings[0]
        span = (today - timezone.localdate(first_at)).days  # the local day, as `today` is
        if span >= MIN_SPAN_DAYS and now_km > first_km:
            return (now_km - first_km) / span
    if vehicle.year and now_km:
        span = (today - date(vehicle.year, 7, 1)).days
        if span >= MIN_SPAN_DAYS:
            return now_km / span
    return None


def next_service_compute(order: WorkOrder, today: date) -> NextService:
    store, vehicle = order.store, order.vehicle
    now_km = order.mileage_in or vehicle.mileage
    maintenance = order.lines.filter(approval=WorkOrderLine.Approval.APPROVED,
                                     labour_operation__job_type=JobType.MAINTENANCE).exists()
    use = km_per_day(order, today)
    if (not maintenance and vehicle.next_service_on and vehicle.next_service_km
            and vehicle.next_service_on > today and vehicle.next_service_km > now_km):
        return NextService(vehicle.next_service_on, vehicle.next_service_km, use, kept=True)
    due_km = now_km + store.service_interval_km
    due_on = add_months(today, store.service_interval_months)
    if use and use > 0:
        due_on = min(due_on, today + timedelta(days=math.ceil(store.service_interval_km / use)))
    return NextService(due_on, due_km, use)
