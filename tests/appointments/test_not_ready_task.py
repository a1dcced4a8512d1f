"""APT-9, APT-11: the day-before and hour-before checks put ONE open "not
ready" task per appointment in front of the advisor, updated with what is
still missing, never a second one (issue 16)."""

from datetime import timedelta

import pytest
import time_machine
from django.db import IntegrityError, transaction
from django.utils import timezone

from appointments.confirmations import confirmations_sweep
from appointments.models import Appointment
from dealership.models import Customer, Role, StaffTask

from .helpers import at, book

NOT_READY = "%(plate)s at %(when)s is not ready: %(missing)s"


pytestmark = pytest.mark.usefixtures("outbox")  # tests/appointments/conftest.py


@pytest.fixture
def booked(team, catalogue):
    """Three days ahead at 10:00, nothing prepared yet, a customer who agreed to messages."""
    appointment = book(team, at(timezone.localdate() + timedelta(days=3), 10), labour=[catalogue["labour"]])
    Customer.objects.filter(pk=appointment.customer_id).update(consent_to_messages=True)
    return appointment


def not_ready(appointment, **kw):
    return StaffTask.objects.filter(message=NOT_READY, work_order=appointment.work_order, **kw)


def test_apt11_both_sweeps_leave_one_open_not_ready_task_updated_with_what_is_still_missing(booked, team):
    with time_machine.travel(booked.starts_at - timedelta(hours=23), tick=False):
        confirmations_sweep()
    day_before = not_ready(booked).get()
    # the advisor gets the tools and the documents ready in the evening
    Appointment.objects.filter(pk=booked.pk).update(tools_ready_at=timezone.now(), docs_ready_at=timezone.now())
    with time_machine.travel(booked.starts_at - timedelta(minutes=50), tick=False):
        confirmations_sweep()
        confirmations_sweep()  # run twice: still one
    task = not_ready(booked, done_at__isnull=True).get()
    assert task.pk == day_before.pk and not_ready(booked).count() == 1
    assert task.params["missing"] != day_before.params["missing"]  # what is still missing, not yesterday's list
    assert task.assignee == booked.advisor and task.due_at == booked.starts_at  # due when the customer comes


def test_apt11_a_not_ready_task_closed_before_the_hour_check_comes_back_once(booked):
    with time_machine.travel(booked.starts_at - timedelta(hours=23), tick=False):
        confirmations_sweep()
    not_ready(booked).update(done_at=timezone.now())
    with time_machine.travel(booked.starts_at - timedelta(minutes=50), tick=False):
        confirmations_sweep()
    assert not_ready(booked, done_at__isnull=True).count() == 1  # still not ready: the advisor is told again


def test_apt9_a_check_that_finds_everything_ready_closes_the_not_ready_task(booked, team):
    with time_machine.travel(booked.starts_at - timedelta(hours=23), tick=False):
        confirmations_sweep()
    now = timezone.now()
    Appointment.objects.filter(pk=booked.pk).update(
        technician=team[Role.TECHNICIAN], bay="3", tools_ready_at=now, docs_ready_at=now, file_pulled_at=now)
    with time_machine.travel(booked.starts_at - timedelta(minutes=50), tick=False):
        confirmations_sweep()
    assert not_ready(booked, done_at__isnull=True).count() == 0
    assert not_ready(booked).count() == 1


def test_apt12_receiving_the_customer_closes_the_not_ready_and_prepare_tasks(booked, team):
    from reception.services import appointment_receive

    with time_machine.travel(booked.starts_at - timedelta(minutes=50), tick=False):
        confirmations_sweep()
    with time_machine.travel(booked.starts_at - timedelta(minutes=10), tick=False):
        appointment_receive(appointment=booked, actor=team[Role.SERVICE_ADVISOR])
    assert not_ready(booked, done_at__isnull=True).count() == 0
    assert not StaffTask.objects.filter(key=f"apt-{booked.pk}-prepare", done_at__isnull=True).exists()


def test_apt11_two_workers_upserting_the_same_subject_leave_one_open_task(booked):
    """The database holds the rule (a unique index on the open tasks of a
    subject), so two sweeps at once cannot both insert."""
    from dealership.services import staff_tasks_upsert

    def alert(missing):
        return StaffTask(store_id=booked.store_id, assignee=booked.advisor, work_order=booked.work_order,
                         key=f"apt-{booked.pk}-{missing}", subject=f"apt-{booked.pk}-not-ready", message=NOT_READY,
                         params={"plate": "x", "when": "y", "missing": missing}, due_at=booked.starts_at)

    staff_tasks_upsert([alert("tools")])
    staff_tasks_upsert([alert("docs")])
    staff_tasks_upsert([alert("docs")])
    assert not_ready(booked).get().params["missing"] == "docs"
    with pytest.raises(IntegrityError), transaction.atomic():
        StaffTask.objects.create(store_id=booked.store_id, key="another", subject=f"apt-{booked.pk}-not-ready",
                                 message=NOT_READY)
