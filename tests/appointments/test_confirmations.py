"""APT-11, SCH-7: confirmations a day and an hour before, at most once per
appointment and kind whatever the sweeps, retries and crashes; APT-10:
changes by the shop reach the customer at once. The sweep puts the messages
in the outbox; its delivery (after commit: `sweep` runs the commit's callbacks,
Celery being eager in the tests) sends them and marks the confirmations
(issue 20)."""

import logging
import uuid
from datetime import timedelta
from unittest import mock

import pytest
import time_machine
from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from appointments.confirmations import LEASE, RETRY_AFTER, confirmations_sweep
from appointments.models import AppointmentChange, Confirmation
from appointments.services import appointment_cancel, appointment_reschedule, appointments_mark_no_shows
from appointments.tasks import sweep_confirmations, wake_confirmations
from dealership import celery_app
from dealership.models import Customer, OutboundMessage, Role, StaffTask
from dealership.notify import FIRST_RETRY, MAX_ATTEMPTS, LocmemBackend, messages_deliver_due

from ..conftest import celery_reconnect
from ..refusals import refused_saying
from .helpers import at, book

K = Confirmation.Kind
C = Confirmation.Status


pytestmark = pytest.mark.usefixtures("outbox")  # tests/appointments/conftest.py


@pytest.fixture
def booked(team, catalogue):
    """An appointment three days ahead at 10:00 for a customer who agreed to messages."""
    Customer.objects.update(consent_to_messages=True)
    day = timezone.localdate() + timedelta(days=3)
    appointment = book(team, at(day, 10), labour=[catalogue["labour"]])
    Customer.objects.filter(pk=appointment.customer_id).update(consent_to_messages=True)
    appointment.customer.refresh_from_db()
    return appointment


@pytest.fixture
def sweep(django_capture_on_commit_callbacks):
    """The confirmation sweep, and the outbox's delivery of what it queued (after its commit)."""
    def run():
        with django_capture_on_commit_callbacks(execute=True):
            return confirmations_sweep()
    return run


def test_apt11_sch7_the_day_before_confirmation_goes_once_with_what_to_bring(booked, outbox, sweep,
                                                                            django_capture_on_commit_callbacks):
    with time_machine.travel(booked.starts_at - timedelta(hours=23), tick=False):
        first = sweep()
        sweep()
        with django_capture_on_commit_callbacks(execute=True):
            sweep_confirmations()  # the task, retried
    assert first.queued == 1
    assert [m.key for m in outbox] == [f"apt-{booked.pk}-day_before-0"]
    assert "行驶证" in outbox[0].body and "/appointments/a/" in outbox[0].body  # SCH-7 and the signed link
    confirmation = Confirmation.objects.get(appointment=booked, kind=K.DAY_BEFORE)
    assert confirmation.status == C.SENT and confirmation.sent_at is not None
    assert OutboundMessage.objects.get(key=f"apt-{booked.pk}-day_before-0").status == "sent"


def test_apt11_nothing_is_sent_before_it_is_due(booked, outbox, sweep):
    with time_machine.travel(booked.starts_at - timedelta(hours=30), tick=False):
        assert sweep().claimed == 0
    assert outbox == []


def test_apt11_the_hour_before_confirmation_goes_once_and_alerts_the_advisor_to_what_is_missing(booked, outbox,
                                                                                                 sweep):
    with time_machine.travel(booked.starts_at - timedelta(minutes=50), tick=False):
        result = sweep()
        sweep()
    assert result.queued == 1 and result.alerts == 1
    assert Confirmation.objects.get(appointment=booked, kind=K.HOUR_BEFORE).status == C.SENT
    assert [m.key for m in outbox] == [f"apt-{booked.pk}-hour_before-0"]
    alert = StaffTask.objects.get(assignee=booked.advisor, key__endswith="hour_before-0-missing")
    assert alert.params["plate"] == booked.vehicle.plate and alert.params["missing"]


def test_apt11_two_sweeps_at_the_same_moment_send_once(booked, outbox, django_capture_on_commit_callbacks):
    from appointments.confirmations import SweepResult, confirmations_claim, confirmations_send

    now = booked.starts_at - timedelta(minutes=30)
    with time_machine.travel(now, tick=False), django_capture_on_commit_callbacks(execute=True):
        mine = confirmations_claim(kind=K.HOUR_BEFORE, now=now, token="a" * 32)
        theirs = confirmations_claim(kind=K.HOUR_BEFORE, now=now, token="b" * 32)
        confirmations_send(mine, token="a" * 32, result=SweepResult())
        confirmations_send(theirs, token="b" * 32, result=SweepResult())
    assert (len(mine), len(theirs)) == (1, 0)
    assert len(outbox) == 1


def test_apt11_a_worker_that_died_after_claiming_is_taken_over_and_the_message_goes_once(booked, outbox, sweep):
    now = booked.starts_at - timedelta(minutes=40)
    Confirmation.objects.create(store=booked.store, appointment=booked, kind=K.HOUR_BEFORE, round=0,
                                claim="dead" * 8, claimed_at=now - LEASE - timedelta(minutes=1))
    with time_machine.travel(now, tick=False):
        assert sweep().queued == 1
        assert sweep().queued == 0
    assert len(outbox) == 1


def test_apt11_a_crash_between_sending_and_recording_does_not_send_twice(booked, outbox, sweep):
    """The message went out and was recorded in the outbox, but the worker died
    before marking the confirmation: the retry finds the sent message."""
    now = booked.starts_at - timedelta(minutes=40)
    with time_machine.travel(now, tick=False):
        sweep()
    Confirmation.objects.filter(appointment=booked).update(status=C.PENDING, sent_at=None,
                                                          claimed_at=now - LEASE - timedelta(minutes=1))
    with time_machine.travel(now + timedelta(minutes=1), tick=False):
        result = sweep()
    assert result.sent == 1  # recorded as sent again ...
    assert len(outbox) == 1  # ... without a second message


def test_apt11_a_failed_send_is_retried_later_and_recorded(booked, outbox, sweep):
    """The outbox retries a failed send (issue 20); the confirmation waits for it
    instead of claiming the message again, and is marked when it goes."""
    LocmemBackend.fail_next = 1
    now = booked.starts_at - timedelta(minutes=55)
    with time_machine.travel(now, tick=False):
        assert sweep().queued == 1
    message = OutboundMessage.objects.get(key=f"apt-{booked.pk}-hour_before-0")
    assert (message.status, message.attempts, message.next_attempt_at) == ("retrying", 1, now + FIRST_RETRY)
    assert Confirmation.objects.get(appointment=booked).status == C.PENDING
    with time_machine.travel(now + RETRY_AFTER + LEASE, tick=False):
        assert sweep().claimed == 0  # in the outbox's hands: not claimed again
    with time_machine.travel(now + FIRST_RETRY, tick=False):
        assert messages_deliver_due().sent == 1
    assert len(outbox) == 1
    confirmation = Confirmation.objects.get(appointment=booked)
    assert (confirmation.status, confirmation.attempts) == (C.SENT, 1) and confirmation.sent_at == now + FIRST_RETRY


def test_apt11_a_message_the_outbox_gives_up_fails_the_confirmation(booked, outbox, sweep):
    LocmemBackend.fail_next = MAX_ATTEMPTS
    now = booked.starts_at - timedelta(minutes=55)
    with time_machine.travel(now, tick=False) as traveller:
        sweep()
        for _attempt in range(MAX_ATTEMPTS - 1):
            traveller.move_to(OutboundMessage.objects.get().next_attempt_at)
            messages_deliver_due()
    assert OutboundMessage.objects.get().status == "failed" and outbox == []
    assert Confirmation.objects.get(appointment=booked).status == C.FAILED


def test_apt11_a_customer_without_consent_gets_a_call_instead(booked, outbox, sweep):
    Customer.objects.filter(pk=booked.customer_id).update(consent_to_messages=False)
    with time_machine.travel(booked.starts_at - timedelta(minutes=45), tick=False):
        assert sweep().calls == 1
    assert outbox == []
    assert StaffTask.objects.filter(role=Role.APPOINTMENT_AGENT, key=f"apt-{booked.pk}-hour_before-0-call").exists()
    assert Confirmation.objects.get(appointment=booked).status == C.CALL


def test_apt11_a_booking_made_less_than_a_day_ahead_gets_no_day_before_message(team, catalogue, outbox):
    Customer.objects.update(consent_to_messages=True)
    day = timezone.localdate() + timedelta(days=2)
    with time_machine.travel(at(day, 12), tick=False):  # booked at noon for 09:00 the next morning: 21 hours ahead
        appointment = book(team, at(day + timedelta(days=1), 9), labour=[catalogue["labour"]])
    with time_machine.travel(appointment.starts_at - timedelta(hours=3), tick=False):
        confirmations_sweep()
    assert not Confirmation.objects.filter(appointment=appointment, kind=K.DAY_BEFORE).exists()
    assert Confirmation.objects.filter(appointment=appointment).count() == 0  # the hour-before one is not due yet


def test_apt10_a_moved_appointment_is_told_at_once_and_confirmed_again(booked, outbox, team, sweep,
                                                                       django_capture_on_commit_callbacks):
    new_time = booked.starts_at + timedelta(days=1, hours=4)
    with django_capture_on_commit_callbacks(execute=True):
        appointment_reschedule(appointment=booked, actor=team[Role.SERVICE_ADVISOR], starts_at=new_time,
                               reason="技师病假", by_shop=True)
    assert len(outbox) == 1 and "抱歉" in outbox[0].body and "技师病假" not in outbox[0].body  # the reason stays inside
    change = AppointmentChange.objects.get(appointment=booked)
    assert change.by_shop and change.customer_told_at is not None and change.new_starts_at == new_time
    booked.refresh_from_db()
    assert booked.schedule_version == 1
    with time_machine.travel(new_time - timedelta(minutes=30), tick=False):
        sweep()
    assert outbox[-1].key == f"apt-{booked.pk}-hour_before-1"


def test_apt10_a_cancellation_by_the_shop_is_told_at_once(booked, outbox, team, sweep,
                                                          django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        appointment_cancel(appointment=booked, actor=team[Role.SERVICE_ADVISOR], reason="配件延误", by_shop=True)
    assert len(outbox) == 1 and "抱歉" in outbox[0].body
    booked.work_order.refresh_from_db()
    assert booked.work_order.status == "cancelled"
    with time_machine.travel(booked.starts_at - timedelta(minutes=30), tick=False):
        assert sweep().claimed == 0  # a cancelled appointment is not confirmed


def test_apt10_without_consent_the_shop_calls_to_say_it_cannot_keep_it(booked, outbox, team,
                                                                       django_capture_on_commit_callbacks):
    Customer.objects.filter(pk=booked.customer_id).update(consent_to_messages=False)
    booked.customer.consent_to_messages = False
    with django_capture_on_commit_callbacks(execute=True):
        appointment_cancel(appointment=booked, actor=team[Role.SERVICE_ADVISOR], reason="配件延误", by_shop=True)
    assert outbox == []
    assert StaffTask.objects.filter(key=f"apt-{booked.pk}-cancel-call", role=Role.APPOINTMENT_AGENT).exists()


def test_no_shows_are_marked_by_the_sweep_and_give_back_their_capacity(booked):
    from appointments.capacity import workshop_day

    day = timezone.localtime(booked.starts_at).date()
    assert workshop_day(store=booked.store, day=day, trade="mechanical").booked_hours == 1
    with time_machine.travel(booked.starts_at + timedelta(minutes=booked.store.no_show_after_minutes - 5), tick=False):
        assert appointments_mark_no_shows() == 0
    with time_machine.travel(booked.starts_at + timedelta(minutes=booked.store.no_show_after_minutes + 5), tick=False):
        assert appointments_mark_no_shows() == 1
    booked.refresh_from_db()
    assert booked.status == "no_show"
    assert workshop_day(store=booked.store, day=day, trade="mechanical").booked_hours == 0


def test_a_broker_that_is_down_delays_only_the_wake_up(team, catalogue):
    with mock.patch("appointments.tasks.sweep_confirmations.delay", side_effect=OSError("broker down")):
        wake_confirmations()  # logs, does not raise
        appointment = book(team, at(timezone.localdate() + timedelta(days=2), 9), labour=[catalogue["labour"]])
    assert appointment.pk


@pytest.fixture
def through_the_broker(tmp_path):
    """Tasks are sent through the configured broker, as in production, instead of running in the test's process
    (the filesystem transport's folders in tmp_path, a queue of the test's own on Redis, emptied afterwards)."""
    conf = celery_app.conf
    saved = conf.task_always_eager, conf.broker_transport_options, conf.task_default_queue
    routes = conf.task_routes
    queue = f"test-{uuid.uuid4().hex[:8]}"
    conf.update(task_routes={})  # every task to the test's queue, not to its kind's (issue 23), so it is emptied
    if settings.CELERY_BROKER_URL.startswith("filesystem:"):
        conf.broker_transport_options = {**conf.broker_transport_options, "data_folder_in": str(tmp_path),
                                         "data_folder_out": str(tmp_path), "control_folder": str(tmp_path)}
    conf.task_always_eager, conf.task_default_queue = False, queue
    celery_reconnect()  # the connection pool is made again with these settings
    try:
        yield
        with celery_app.connection_for_write() as connection:
            connection.default_channel.queue_purge(queue)
    finally:
        conf.task_always_eager, conf.broker_transport_options, conf.task_default_queue = saved
        conf.update(task_routes=routes)
        celery_reconnect()


def test_a_booking_wakes_the_sweep_without_a_warning_from_the_broker(team, catalogue, through_the_broker, caplog,
                                                                    django_capture_on_commit_callbacks):
    """The default broker URL named no host, and kombu logged "No hostname was supplied. Reverting to default
    'localhost'" for every booking (issue 16)."""
    with caplog.at_level(logging.INFO), django_capture_on_commit_callbacks(execute=True) as callbacks:
        book(team, at(timezone.localdate() + timedelta(days=2), 9), labour=[catalogue["labour"]])
        book(team, at(timezone.localdate() + timedelta(days=2), 11), labour=[catalogue["labour"]])
    assert callbacks  # the wake-ups were sent
    assert [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING] == []


def test_apt10_a_move_the_customer_asked_for_is_confirmed_without_an_apology(booked, outbox, team,
                                                                               django_capture_on_commit_callbacks):
    new_time = booked.starts_at + timedelta(days=1)
    with django_capture_on_commit_callbacks(execute=True):
        appointment_reschedule(appointment=booked, actor=team[Role.SERVICE_ADVISOR], starts_at=new_time,
                               reason="客户要求改到周五", by_shop=False)
    assert len(outbox) == 1 and "抱歉" not in outbox[0].body and "客户要求" not in outbox[0].body
    assert timezone.localtime(new_time).strftime("%m-%d %H:%M") in outbox[0].body


def test_a_no_show_cannot_be_marked_before_the_time(booked, team):
    from appointments.services import appointment_no_show

    with refused_saying(_("The appointment time has not come yet; a customer can only be a no-show after it.")):
        appointment_no_show(appointment=booked, actor=team[Role.SERVICE_ADVISOR])
    booked.refresh_from_db()
    assert booked.status == "booked"


@pytest.mark.parametrize("count", [2, 6])
def test_apt11_a_batch_of_confirmations_costs_the_same_statements_whatever_its_size(
        team, catalogue, outbox, count, django_assert_max_num_queries, django_capture_on_commit_callbacks):
    """The sweep writes per batch, not per confirmation (issue 9: 20,000 due at
    once); the outbox's delivery sends each message after commit, in its own task."""
    day = timezone.localdate() + timedelta(days=3)
    hours = [(day, 14), (day, 15), (day, 16), (day + timedelta(days=1), 9), (day + timedelta(days=1), 10),
             (day + timedelta(days=1), 11)]  # three hours of work a day fit the appointment capacity
    booked = [book(team, at(d, h), labour=[catalogue["labour"]]) for d, h in hours[:count]]
    Customer.objects.update(consent_to_messages=True)
    Customer.objects.filter(pk=booked[0].customer_id).update(consent_to_messages=False)  # one is called
    with time_machine.travel(at(day, 12), tick=False):
        # with the store's own message texts (issue 18), read once per batch; the outbox's records in one INSERT
        with django_capture_on_commit_callbacks(execute=True):
            with django_assert_max_num_queries(17):
                result = confirmations_sweep()
    assert (result.queued, result.calls, result.alerts) == (count - 1, 1, count)
    assert Confirmation.objects.filter(status=C.SENT).count() == count - 1
    assert len(outbox) == count - 1
    assert StaffTask.objects.filter(key__endswith="-missing").count() == count


@pytest.mark.parametrize("by_shop", [True, False])
def test_apt6_every_message_confirming_a_time_says_who_will_receive_the_customer(
        booked, outbox, team, by_shop, sweep, django_capture_on_commit_callbacks):
    """APT-6 (RECORD, PROMPT): the customer hears the advisor's name with every time the shop confirms, not only
    on the booking screen: the day before, the hour before, and a new time, whoever asked for it."""
    advisor = str(booked.advisor)
    with time_machine.travel(booked.starts_at - timedelta(hours=23), tick=False):
        sweep()
    with time_machine.travel(booked.starts_at - timedelta(minutes=50), tick=False):
        sweep()
    with django_capture_on_commit_callbacks(execute=True):
        appointment_reschedule(appointment=booked, actor=team[Role.SERVICE_ADVISOR],
                               starts_at=booked.starts_at + timedelta(days=1), reason="改期", by_shop=by_shop)
    assert [m.key.split("-")[2] for m in outbox] == ["day_before", "hour_before", "moved"]
    assert all(advisor in m.body for m in outbox), [m.body for m in outbox]
