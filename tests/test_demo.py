"""The demo data that `make run` loads: every role, orders in every status,
appointments today and tomorrow, and loading twice changes nothing."""

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
