"""FU-9 with the history brought over from the old system (issue 18): a past
maintenance visit counts as the car's last maintenance when no work order of
this system is as recent; a newer order wins (its settlement wrote the plan)."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from dealership.models import OutboundMessage, PastVisit, Vehicle, WorkOrder
from followup.models import ServiceReminder
from followup.pastservice import counted_past_maintenance
from followup.services import reminders_send_due

from ..factories import CustomerFactory, VehicleFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def car(store):
    store.service_interval_months, store.service_interval_km, store.reminder_days_before = 6, 5000, 14
    store.save()
    return VehicleFactory(store=store, customer=CustomerFactory(store=store, consent_to_messages=True))


def past(car, on, number="OLD-1", maintenance=True, mileage=30000):
    return PastVisit.objects.create(store=car.store, vehicle=car, customer=car.customer, old_number=number,
                                    visited_on=on, mileage=mileage, maintenance=maintenance, total=Decimal("500"))


def order_on(car, advisor, day, status=WorkOrder.Status.DRAFT):
    order = WorkOrder.objects.create(store=car.store, number=f"N{day:%Y%m%d}", customer=car.customer, vehicle=car,
                                     advisor=advisor, status=status)  # created in the state the sweep reads
    WorkOrder.objects.filter(pk=order.pk).update(
        created_at=timezone.make_aware(timezone.datetime(day.year, day.month, day.day, 10)))
    return order


def test_fu9_a_car_whose_only_maintenance_is_a_past_visit_is_reminded_before_its_next_service(car):
    past(car, date(2026, 3, 20))
    past(car, date(2026, 5, 2), number="OLD-2", maintenance=False)  # a repair: not a maintenance
    due = date(2026, 9, 20)  # six months after the maintenance
    assert reminders_send_due(today=due - timedelta(days=15)) == 0
    assert reminders_send_due(today=due - timedelta(days=14)) == 1
    assert reminders_send_due(today=due - timedelta(days=13)) == 0  # once
    reminder = ServiceReminder.objects.get(vehicle=car)
    assert reminder.kind == ServiceReminder.Kind.NEXT_SERVICE and reminder.due_on == due
    message = OutboundMessage.objects.get(key=f"reminder-{reminder.key}")
    assert "2026-09-20" in message.body and "35000" in message.body  # its mileage then, plus the interval


def test_fu9_the_latest_past_maintenance_counts(car):
    past(car, date(2025, 9, 20), number="OLD-1")
    past(car, date(2026, 3, 20), number="OLD-2")
    assert reminders_send_due(today=date(2026, 3, 10)) == 0  # the older one's due day: superseded
    assert reminders_send_due(today=date(2026, 9, 10)) == 1
    assert ServiceReminder.objects.get(vehicle=car).due_on == date(2026, 9, 20)


def test_fu9_a_newer_work_order_wins_over_an_older_past_visit(car, advisor):
    past(car, date(2026, 3, 20))
    order_on(car, advisor, date(2026, 4, 1))
    Vehicle.objects.filter(pk=car.pk).update(next_service_on=date(2026, 10, 1), next_service_km=36000)
    assert list(counted_past_maintenance()) == []
    assert reminders_send_due(today=date(2026, 9, 10)) == 0  # the past visit's day is no longer a plan
    assert reminders_send_due(today=date(2026, 9, 20)) == 1
    assert ServiceReminder.objects.get(vehicle=car).due_on == date(2026, 10, 1)  # the order's plan


def test_fu9_a_newer_past_visit_wins_over_an_older_order_and_a_cancelled_order_does_not_count(car, advisor):
    order_on(car, advisor, date(2025, 1, 10))
    Vehicle.objects.filter(pk=car.pk).update(next_service_on=date(2026, 9, 25), next_service_km=20000)
    order_on(car, advisor, date(2026, 4, 1), status=WorkOrder.Status.CANCELLED)
    past(car, date(2026, 3, 20))
    assert reminders_send_due(today=date(2026, 9, 12)) == 1
    assert list(ServiceReminder.objects.values_list("due_on", flat=True)) == [date(2026, 9, 20)]


def test_fu9_a_past_visit_of_another_store_is_reminded_by_its_own_store(car, other_team):
    theirs = VehicleFactory(store=other_team.store,
                            customer=CustomerFactory(store=other_team.store, consent_to_messages=True))
    past(theirs, date(2026, 3, 20))
    assert reminders_send_due(today=date(2026, 9, 10)) == 1
    assert ServiceReminder.objects.get().store_id == other_team.store.pk
