"""A real Celery worker, started as its own process against the configured
broker (Redis in CI, the filesystem transport on a laptop), runs the
follow-up sweep twice: one task is created, not two (FU-1); the outbox's
sweep sends each queued message once (issue 20)."""

import os
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from dealership import celery_app
from dealership.models import WorkOrder
from followup.models import FollowUpTask

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]
ROOT = Path(settings.BASE_DIR)


def database_url() -> str:
    db = connection.settings_dict
    if db["ENGINE"].endswith("sqlite3"):
        return f"sqlite:///{db['NAME']}"
    auth = db["USER"] + (f":{db['PASSWORD']}" if db["PASSWORD"] else "")
    return f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


@contextmanager
def workers(tmp_path, count: int = 1, kinds: tuple[str, ...] = (), **env) -> Iterator[tuple[str, list[Path]]]:
    """Start `count` real workers, each its own process, on queues of the test's own (its default queue and each
    kind's, settings.WORK_QUEUES), and yield that default queue's name and the workers' logs once every worker is
    ready. `kinds`: the workers take only those kinds' queues (`-Q`), as a deployment that scales them apart does;
    else every queue, as a worker started without -Q does."""
    queue = f"test-{uuid.uuid4().hex[:8]}"
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "dealership.settings", "DATABASE_URL": database_url(),
           "CELERY_BROKER_URL": settings.CELERY_BROKER_URL, "CELERY_TASK_DEFAULT_QUEUE": queue, **env}
    only = ["-Q", ",".join(f"{queue}.{kind}" for kind in kinds)] if kinds else []
    logs = [tmp_path / f"worker{n}.log" for n in range(count)]
    started = [subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "dealership", "worker", "--pool=solo", "--concurrency=1", *only,
         "--loglevel=INFO", "--without-gossip", "--without-mingle", "--without-heartbeat", "-n", f"w{n}@%h"],
        cwd=ROOT, env=env, stdout=log.open("w"), stderr=subprocess.STDOUT) for n, log in enumerate(logs)]
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and not all("ready." in log.read_text() for log in logs):
            time.sleep(0.2)
        yield queue, logs
    finally:
        for worker in started:
            worker.terminate()
        for worker in started:
            worker.wait(timeout=30)


def send(queue: str, task: str, **kwargs) -> None:
    """`task` on the test's queue of its kind, as the beat sends it."""
    kind = next((k for k, tasks in settings.WORK_QUEUES.items() if task in tasks), "")
    celery_app.send_task(task, kwargs=kwargs, queue=f"{queue}.{kind}" if kind else queue)


def wait_for(logs: list[Path], done: int) -> str:
    """Until the workers have run `done` tasks between them (and, a moment later, not one more): their logs."""
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline and sum(log.read_text().count("succeeded in") for log in logs) < done:
        time.sleep(0.5)
    time.sleep(1)  # nothing more than expected
    output = "\n".join(log.read_text() for log in logs)
    assert output.count("succeeded in") == done, output[-3000:]
    return output


def run_on_worker(task: str, times: int, tmp_path, more: int = 0, kinds: tuple[str, ...] = (), **env) -> str:
    """A real worker (`workers`) is sent `task` `times` times on the queue its kind is routed to; wait until each
    has succeeded, with the `more` tasks they queue themselves (the outbox's deliveries, routed to the worker's
    messages queue), and return the worker's log."""
    with workers(tmp_path, 1, kinds, **env) as (queue, logs):
        for _ in range(times):
            send(queue, task)
        return wait_for(logs, times + more)


def test_fu1_a_real_worker_runs_the_sweep_twice_and_creates_one_task(order_in, tmp_path):
    order = order_in(WorkOrder.Status.DELIVERED)
    output = run_on_worker("followup.tasks.sweep_followup_tasks", 2, tmp_path)
    assert FollowUpTask.objects.filter(work_order=order).count() == 1
    results = sorted(line.rsplit(":", 1)[-1].strip() for line in output.splitlines() if "succeeded in" in line)
    assert results == ["0", "1"]


def test_apt11_the_broker_down_for_an_hour_then_back_sends_each_confirmation_once(team, catalogue, tmp_path):
    """Appointments are booked while the broker is down (the wake-up after each
    booking is lost; the booking is not). When the broker is back, the beat's
    sweep reaches a real worker, twice (the beat's run and a duplicate): every
    confirmation due goes out, and only once."""
    from datetime import timedelta
    from unittest import mock

    from django.utils import timezone
    from kombu.exceptions import OperationalError

    from appointments.models import Appointment, Confirmation
    from appointments.timetable import reception_slots
    from dealership.models import Customer, OutboundMessage

    from .appointments.helpers import book

    Customer.objects.update(consent_to_messages=True)
    now = timezone.now()
    slots = [t for day in (timezone.localdate(), timezone.localdate() + timedelta(days=1))
             for t in reception_slots(store=team.store, day=day) if now + timedelta(hours=2) < t <= now + timedelta(hours=22)]
    chosen = [slots[0], slots[len(slots) // 2], slots[-1]]  # spread over the day: the capacity holds three hours
    with mock.patch("appointments.tasks.sweep_confirmations.delay", side_effect=OperationalError("broker down")):
        booked = [book(team, starts_at, labour=[catalogue["labour"]]) for starts_at in chosen]
    for appointment in booked:  # made three days ago, so the day-before confirmation is due now
        Customer.objects.filter(pk=appointment.customer_id).update(consent_to_messages=True)
    Appointment.objects.filter(pk__in=[a.pk for a in booked]).update(created_at=now - timedelta(days=3))
    assert not Confirmation.objects.exists()  # nothing went out during the outage

    # the sweep records the messages; the outbox's delivery tasks (one per message, issue 20) send them
    run_on_worker("appointments.tasks.sweep_confirmations", 2, tmp_path, more=len(booked),
                  NOTIFICATION_BACKEND="dealership.notify.FileBackend", NOTIFICATION_FILE_DIR=str(tmp_path / "sent"))
    for appointment in booked:
        [confirmation] = Confirmation.objects.filter(appointment=appointment, kind=Confirmation.Kind.DAY_BEFORE)
        assert confirmation.status == Confirmation.Status.SENT
        [message] = OutboundMessage.objects.filter(key=f"apt-{appointment.pk}-day_before-{appointment.schedule_version}")
        assert message.attempts == 1 and message.status == OutboundMessage.Status.SENT
    assert len(list((tmp_path / "sent").iterdir())) == len(booked)


def test_a_real_worker_sends_the_messages_waiting_in_the_outbox_once(store, tmp_path):
    """Messages recorded while no task reached a worker (a lost wake-up): the
    beat's delivery sweep, run twice on a real worker, sends each once."""
    from dealership.models import OutboundMessage
    from dealership.notify import Draft, customer_messages_record

    from .factories import CustomerFactory

    customers = [CustomerFactory(store=store, consent_to_messages=True) for _ in range(2)]
    customer_messages_record([Draft(store.pk, c, f"w-{c.pk}", "s", "b") for c in customers])
    run_on_worker("dealership.tasks.deliver_due_messages", 2, tmp_path,
                  NOTIFICATION_BACKEND="dealership.notify.FileBackend", NOTIFICATION_FILE_DIR=str(tmp_path / "sent"))
    assert sorted(OutboundMessage.objects.values_list("status", "attempts")) == [("sent", 1), ("sent", 1)]
    assert len(list((tmp_path / "sent").iterdir())) == 2


def test_each_kind_of_work_has_a_queue_of_its_own():
    """Issue 23: messages, sweeps, printing and imports are routed to queues of their own, every task of the app
    to the queue of its kind, so each kind can be given its own workers."""
    import re

    # every task the code defines (read from the source: Celery registers a module's tasks only once imported)
    declared = re.compile(r'@shared_task\((?:bind=True, )?name="([^"]+)"')
    code = [d for d in ROOT.iterdir() if d.is_dir() and not d.name.startswith(".") and d.name not in {"var", "tests"}]
    ours = sorted(name for d in code for path in d.rglob("*.py") for name in declared.findall(path.read_text()))
    assert len(ours) > 10
    routed = {name: celery_app.amqp.router.route({}, name)["queue"].name for name in ours}
    default = settings.CELERY_TASK_DEFAULT_QUEUE
    expected = {task: f"{default}.{kind}" for kind, tasks in settings.WORK_QUEUES.items() for task in tasks}
    assert routed == expected  # every task has a kind, and no kind names a task that does not exist
    # the queues a worker started without -Q takes (Celery adds others to its list as tasks are sent to them)
    queues = {queue.name: (queue.exchange.name, queue.routing_key) for queue in celery_app.conf.task_queues}
    assert set(queues) == {default, *(f"{default}.{kind}" for kind in settings.WORK_QUEUES)}
    # each bound by its own name: a task sent to one queue is not copied into the others
    assert all(binding == (name, name) for name, binding in queues.items()), queues


def test_a_worker_on_the_messages_queue_alone_sends_the_outbox(store, tmp_path):
    """A deployment that scales the kinds apart: a worker started with -Q for the messages queue only runs the
    delivery sweep and the deliveries it queues (they are routed to the same queue), each message once."""
    from dealership.models import OutboundMessage
    from dealership.notify import Draft, customer_messages_record

    from .factories import CustomerFactory

    customers = [CustomerFactory(store=store, consent_to_messages=True) for _ in range(3)]
    customer_messages_record([Draft(store.pk, c, f"q-{c.pk}", "s", "b") for c in customers])
    output = run_on_worker("dealership.tasks.deliver_due_messages", 1, tmp_path, kinds=("messages",),
                           NOTIFICATION_BACKEND="dealership.notify.FileBackend",
                           NOTIFICATION_FILE_DIR=str(tmp_path / "sent"))
    assert ".messages" in output and ".sweeps" not in output.split("[tasks]")[0]
    assert sorted(OutboundMessage.objects.values_list("status", "attempts")) == [("sent", 1)] * 3
    assert len(list((tmp_path / "sent").iterdir())) == 3


def test_three_workers_share_a_sweep_by_store_and_do_each_stores_share_once(tmp_path):
    """Issue 23: three real workers on the real broker (Redis in CI) take the service-reminder sweep of twelve
    stores, sent twice (a beat delivered twice), split into pieces of two stores: every reminder due goes out once,
    each store's share of the round is taken once, and the workers share the pieces."""
    from datetime import timedelta

    from django.utils import timezone

    from dealership.models import OutboundMessage, SweepStore
    from dealership.sweeps import round_now, sweep_period
    from followup.models import ServiceReminder

    from .factories import StoreFactory, VehicleFactory

    name = "followup.tasks.sweep_reminders"
    stores = StoreFactory.create_batch(12)
    for store in stores:
        for vehicle in VehicleFactory.create_batch(2, store=store, next_service_on=timezone.localdate() + timedelta(days=5)):
            vehicle.customer.consent_to_messages = True
            vehicle.customer.save(update_fields=["consent_to_messages"])
    period = sweep_period(name)
    if period - time.time() % period < 90:  # the two sends must fall in one round (the beat's period, an hour)
        time.sleep(period - time.time() % period + 1)
    with workers(tmp_path, 3, SWEEP_STORES_PER_TASK="2", NOTIFICATION_BACKEND="dealership.notify.FileBackend",
                 NOTIFICATION_FILE_DIR=str(tmp_path / "sent")) as (queue, logs):
        send(queue, name)
        send(queue, name)
        # 2 sends, 2 x 6 pieces (the second's find their stores taken), 24 deliveries
        output = wait_for(logs, 2 + 12 + 24)
    swept = [int(line.rsplit(":", 1)[-1]) for line in output.splitlines() if f"{name}[" in line and "succeeded in" in line]
    assert sorted(swept) == [0] * 8 + [4] * 6  # the two sends and the six pieces found taken; six pieces of 2 x 2
    assert ServiceReminder.objects.count() == 24
    assert sorted(OutboundMessage.objects.values_list("status", "attempts").distinct()) == [("sent", 1)]
    assert OutboundMessage.objects.count() == 24 and len(list((tmp_path / "sent").iterdir())) == 24
    shares = SweepStore.objects.filter(sweep=name)
    assert sorted(shares.values_list("store_id", flat=True)) == sorted(s.pk for s in stores)
    assert set(shares.values_list("runs", "last_round")) == {(1, round_now(name))}
    assert all(share.finished_at is not None for share in shares)
    assert len(set(shares.values_list("worker", flat=True))) >= 2, "the pieces were shared between the workers"
