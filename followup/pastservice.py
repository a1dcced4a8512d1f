"""FU-9 with the service history brought over from the old system (issue 18):
a past visit marked as a maintenance counts as the car's last maintenance when
no work order of this system is as recent. The next service is then due the
store's maintenance interval (SET-9, in months; at its mileage plus the
interval in km) after it, and the reminder goes out as for a plan that
settlement wrote. A newer work order wins: its settlement wrote the car's plan."""

from __future__ import annotations

from datetime import date, timedelta

from django.db.models import Exists, OuterRef, Q, QuerySet

from dealership.models import PastVisit, Store, Vehicle, WorkOrder
from dealership.sweeps import in_stores
from settlement.nextservice import add_months

REMIND_AHEAD_DAYS = 60  # as far ahead as the sweep looks at the plans settlement wrote


def counted_past_maintenance() -> QuerySet[PastVisit]:
    """Past maintenance visits that are their car's last maintenance: no work order of the car (not cancelled)
    on their day or later, and no later past maintenance of the car."""
    later_order = (WorkOrder.objects.filter(vehicle=OuterRef("vehicle"), created_at__date__gte=OuterRef("visited_on"))
                   .exclude(status=WorkOrder.Status.CANCELLED))
    later_past = PastVisit.objects.filter(vehicle=OuterRef("vehicle"), maintenance=True).filter(
        Q(visited_on__gt=OuterRef("visited_on")) | Q(visited_on=OuterRef("visited_on"), pk__gt=OuterRef("pk")))
    return PastVisit.objects.filter(maintenance=True).filter(~Exists(later_order), ~Exists(later_past))


def past_service_plan(visit: PastVisit, store: Store) -> tuple[date, int | None]:
    """When and at what mileage the next service is due after a past maintenance."""
    km = visit.mileage + store.service_interval_km if visit.mileage is not None else None
    return add_months(visit.visited_on, store.service_interval_months), km


def past_maintenance_due(*, today: date, batch: int,
                         store_ids: list[int] | None = None) -> list[tuple[Vehicle, date, int | None]]:
    """(car, due on, due at km) of each car whose last maintenance is a past visit and whose next service is
    within its store's reminder days: per store, the visits of the days that fall due (an indexed range)."""
    due = []
    stores = Store.objects.only("service_interval_months", "service_interval_km", "reminder_days_before")
    for store in in_stores(stores, store_ids, "pk"):
        ahead = min(store.reminder_days_before, REMIND_AHEAD_DAYS)
        first = add_months(today, -store.service_interval_months) - timedelta(days=3)  # month ends (31 Aug → 28 Feb)
        last = add_months(today + timedelta(days=ahead), -store.service_interval_months) + timedelta(days=3)
        visits = (counted_past_maintenance().filter(store=store, vehicle__store=store,
                                                    visited_on__range=(first, last))
                  .select_related("vehicle__store", "vehicle__customer").order_by("visited_on", "id")[:batch])
        for visit in visits:
            on, km = past_service_plan(visit, store)
            if today <= on <= today + timedelta(days=ahead):
                due.append((visit.vehicle, on, km))
    return due
