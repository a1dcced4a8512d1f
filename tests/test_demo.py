"""The demo data that `make run` loads: every role, orders in every status,
appointments today and tomorrow, and loading twice changes nothing."""

from datetime import datetime, time

import pytest
import time_machine
from django.core.management import call_command
from django.utils import timezone

from appointments.models import Appointment
from dealership.models import Customer, Role, StaffRole, Store, WorkOrder


def test_seed_demo_loads_a_group_with_every_role_and_every_status(db, tmp_path):
    call_command("seed_demo")
    assert Store.objects.count() == 2
    assert set(StaffRole.objects.values_list("role", flat=True)) == set(Role.values)
    assert set(WorkOrder.objects.values_list("status", flat=True)) == set(WorkOrder.Status.values)
    assert Customer.objects.count() >= 30
    days = {timezone.localtime(a.starts_at).date() for a in Appointment.objects.all()}
    assert days == {timezone.localdate(), timezone.localdate() + timezone.timedelta(days=1)}
    counts = (WorkOrder.objects.count(), Appointment.objects.count(), Customer.objects.count())
    call_command("seed_demo")
    assert (WorkOrder.objects.count(), Appointment.objects.count(), Customer.objects.count()) == counts
    call_command("render_samples", "--out", str(tmp_path))
    assert list(tmp_path.glob("*.pdf"))


@pytest.mark.parametrize("hour", [time(2, 0), time(7, 55), time(21, 30)])
def test_demo_times_fall_within_opening_hours_whatever_the_hour_it_is_loaded(db, hour):
    """Loaded at 02:00, the demo promised its cars in the workshop for 06:09 (issue 16): every promised delivery
    and every appointment is a time of day the store is open."""
    day = datetime(2026, 12, 2)  # a Wednesday
    with time_machine.travel(datetime.combine(day, hour, tzinfo=timezone.get_current_timezone())):
        call_command("seed_demo")
    outside = []
    for store in Store.objects.all():
        promised = WorkOrder.objects.filter(store=store, promised_at__isnull=False).values_list("number", "promised_at")
        booked = Appointment.objects.filter(store=store).values_list("work_order__number", "starts_at")
        for kind, rows in (("promised", promised), ("appointment", booked)):
            for number, moment in rows:
                if not store.opens_at <= timezone.localtime(moment).time() <= store.closes_at:
                    outside.append(f"{store.code} {number} {kind} {timezone.localtime(moment):%Y-%m-%d %H:%M}")
    assert WorkOrder.objects.filter(promised_at__isnull=False).count() > 10
    assert outside == []
