"""Issue 20, "Messages leave the request": every message to a customer is
recorded in the outbox with the change that causes it and sent by a Celery
task after commit, claimed first, retried with backoff, its delivery state
recorded (dealership/notify.py, docs/messages.md).

The rules these tests prove:
- OUTBOX-1 a hanging gateway never slows a staff action: the request only
  records the message and queues its delivery (Celery not eager here);
- OUTBOX-2 a delivery against a hanging gateway gives up after
  SMS_GATEWAY_TIMEOUT and records a failure with the next attempt;
- OUTBOX-3 a gateway that is down (refusing, then 503) and comes back: the
  sweep delivers every message exactly once, none lost, none twice;
- OUTBOX-4 two deliveries of one message at once send it once (the claim);
- OUTBOX-5 e-mail goes through Django's SMTP backend to a real SMTP server;
- OUTBOX-6 one-time codes go by SMS even when customers get e-mail.
"""

import email
import json
import socket
import threading
import time
from datetime import timedelta
from email import policy
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
import time_machine
from aiosmtpd.controller import Controller
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from dealership import celery_app
from dealership.models import Customer, OutboundMessage, StaffTask, WorkOrder
from dealership.notify import (
    FIRST_RETRY,
    LEASE,
    MAX_ATTEMPTS,
    Draft,
    LocmemBackend,
    customer_message_send,
    customer_messages_send,
    message_deliver,
    messages_deliver_due,
    number_message_send,
    retry_wait,
)

from ..conftest import celery_reconnect, login
from ..factories import CustomerFactory

S = WorkOrder.Status


class ReentrantBackend(LocmemBackend):
    """Runs `during_send` (once) while it sends: a second delivery at the same moment."""
    during_send = None

    def send(self, message):
        during, ReentrantBackend.during_send = ReentrantBackend.during_send, None
        if during is not None:
            during()
        return super().send(message)


class Gateway:
    """A fake SMS gateway on loopback: `mode` "up" accepts (and counts each
    client_id it accepted), "down" answers 503, "hang" sleeps `hang` seconds
    before answering (released at the end of the test)."""

    def __init__(self, mode="up", hang=30.0):
        self.mode, self.hang = mode, hang
        self.accepted: list[str] = []
        self.requests = 0
        self.release = threading.Event()
        gateway = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 - http.server's name
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                gateway.requests += 1
                if gateway.mode == "hang":
                    gateway.release.wait(gateway.hang)
                status = 503 if gateway.mode == "down" else 200
                if status == 200:
                    gateway.accepted.append(body["client_id"])
                try:
                    self.send_response(status)
                    self.end_headers()
                except OSError:
                    pass  # the client gave up waiting

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.server.block_on_close = False
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        self.url = f"http://127.0.0.1:{self.server.server_port}/send"

    def close(self):
        self.release.set()
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def gateway():
    gateways = []

    def make(**kwargs):
        gateways.append(Gateway(**kwargs))
        return gateways[-1]
    yield make
    for g in gateways:
        g.close()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def through_a_broker():
    """Celery as in production: `.delay` only puts the task on a (memory) broker; nothing runs it here."""
    conf = celery_app.conf
    saved = conf.task_always_eager, conf.broker_url
    conf.task_always_eager, conf.broker_url = False, "memory://"
    celery_reconnect()
    try:
        yield
    finally:
        conf.task_always_eager, conf.broker_url = saved
        celery_reconnect()


@pytest.fixture
def customer(store):
    return CustomerFactory(store=store, consent_to_messages=True, email="li@example.com")


def sms_settings(url, **more):
    return override_settings(NOTIFICATION_BACKEND="dealership.notify.SmsGatewayBackend", SMS_GATEWAY_URL=url,
                             SMS_GATEWAY_TOKEN="t0ken", **more)


@pytest.mark.parametrize("action", ["work_order_copy", "delay"])
def test_outbox_1_a_hanging_gateway_does_not_slow_the_advisors_click(order_in, gateway, through_a_broker, action,
                                                                     django_capture_on_commit_callbacks):
    hanging = gateway(mode="hang", hang=30)
    order = order_in(S.IN_REPAIR)
    Customer.objects.filter(pk=order.customer_id).update(consent_to_messages=True)
    client = login(order.advisor, "en")
    client.get(reverse("dealership:order", args=[order.pk]))  # the advisor has the order open (a warm process)
    with sms_settings(hanging.url, SMS_GATEWAY_TIMEOUT=30):
        started = time.monotonic()
        with django_capture_on_commit_callbacks(execute=True) as callbacks:  # the commit's work is the request's too
            if action == "work_order_copy":
                response = client.post(reverse("reception:order_send_copy", args=[order.pk]), follow=True)
            else:
                new_time = timezone.localtime(order.promised_at + timedelta(hours=3))
                response = client.post(reverse("workshop:delay", args=[order.pk]), {
                    "new_promised_at": new_time.strftime("%Y-%m-%dT%H:%M"), "cause": "parts", "reason": "等配件"}, follow=True)
        took = time.monotonic() - started
    assert response.status_code == 200 and callbacks
    assert took < 2, f"the click took {took:.1f} s"
    message = OutboundMessage.objects.get(work_order=order)
    assert (message.status, message.attempts) == ("sending", 0)  # queued, not sent in the request
    assert hanging.requests == 0
    if action == "work_order_copy":  # the advisor is told honestly that it is queued
        assert "queued" in response.content.decode()
    page = client.get(reverse("dealership:order", args=[order.pk])).content.decode()
    assert 'data-testid="order-messages"' in page and "Queued" in page


def test_outbox_2_a_delivery_against_a_hanging_gateway_records_a_failure_and_the_next_attempt(customer, gateway,
                                                                                             store):
    hanging = gateway(mode="hang", hang=30)
    with sms_settings(hanging.url, SMS_GATEWAY_TIMEOUT=0.5):
        record = customer_message_send(store=store, customer=customer, key="k-hang", subject="s", body="b")
        started = time.monotonic()
        assert message_deliver(record.pk) == "retrying"
        took = time.monotonic() - started
    assert took < 5, took
    record.refresh_from_db()
    assert record.attempts == 1 and "timed out" in record.result
    assert record.next_attempt_at is not None and record.sent_at is None and record.claimed_until is None


def test_the_waits_between_attempts_double_up_to_an_hour():
    assert [retry_wait(n) for n in (1, 2, 3, 4)] == [timedelta(minutes=m) for m in (1, 2, 4, 8)]
    assert retry_wait(MAX_ATTEMPTS) == timedelta(hours=1)


def test_outbox_3_a_gateway_down_then_back_delivers_every_message_once(store, gateway):
    customers = [CustomerFactory(store=store, consent_to_messages=True) for _ in range(5)]
    down = gateway(mode="down")
    refused = f"http://127.0.0.1:{free_port()}/send"  # nothing listens: connection refused
    start = timezone.now()
    with time_machine.travel(start, tick=False) as traveller:
        customer_messages_send([Draft(store.pk, c, f"k-{i}", "s", f"b{i}") for i, c in enumerate(customers)])
        for minute in range(0, 120):
            url = refused if minute < 5 else down.url
            with sms_settings(url, SMS_GATEWAY_TIMEOUT=2):
                if minute == 20:
                    down.mode = "up"
                messages_deliver_due()
            traveller.move_to(start + timedelta(minutes=minute + 1))
    assert sorted(down.accepted) == [f"k-{i}" for i in range(5)]  # each once
    assert set(OutboundMessage.objects.values_list("status", flat=True)) == {"sent"}
    assert down.requests > 5  # the 503s were attempts too, recorded and retried
    assert all(m.attempts > 1 for m in OutboundMessage.objects.all())


def test_a_message_that_never_goes_fails_for_good_after_the_last_attempt(store, customer, gateway):
    down = gateway(mode="down")
    start = timezone.now()
    with sms_settings(down.url), time_machine.travel(start, tick=False) as traveller:
        record = customer_message_send(store=store, customer=customer, key="k-never", subject="s", body="b")
        for _ in range(3 * MAX_ATTEMPTS):
            messages_deliver_due()
            traveller.shift(timedelta(hours=1))
    record.refresh_from_db()
    assert (record.status, record.attempts, record.next_attempt_at) == ("failed", MAX_ATTEMPTS, None)
    assert down.requests == MAX_ATTEMPTS


def test_outbox_4_two_deliveries_of_one_message_at_once_send_it_once(store, customer):
    """The second delivery comes while the first is talking to the gateway:
    the first holds the claim, the second finds nothing to send."""
    record = customer_message_send(store=store, customer=customer, key="k-twice", subject="s", body="b")
    inner = []
    LocmemBackend.outbox = []
    ReentrantBackend.during_send = lambda: inner.append(message_deliver(record.pk))  # another worker, at once
    with override_settings(NOTIFICATION_BACKEND=f"{__name__}.ReentrantBackend"):
        assert message_deliver(record.pk) == "sent"
    assert inner == ["sending"]  # the second delivery saw the claim and sent nothing
    assert [m.key for m in LocmemBackend.outbox] == ["k-twice"]
    assert message_deliver(record.pk) == "sent" and len(LocmemBackend.outbox) == 1  # and never again


def test_a_claim_of_a_worker_that_died_mid_send_is_taken_over_with_the_same_key(store, customer, gateway):
    up = gateway(mode="up")
    record = customer_message_send(store=store, customer=customer, key="k-dead", subject="s", body="b")
    now = timezone.now()
    OutboundMessage.objects.filter(pk=record.pk).update(claim="dead" * 8, claimed_until=now + LEASE)
    with sms_settings(up.url):
        assert message_deliver(record.pk) == "sending"  # claimed by the other worker: left alone
        with time_machine.travel(now + LEASE + timedelta(seconds=1), tick=False):
            assert message_deliver(record.pk) == "sent"
    assert up.accepted == ["k-dead"]  # the gateway sees the key (its duplicate check covers a send that went)


@pytest.fixture
def smtp_server():
    received = []

    class Handler:
        async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's name
            received.append(envelope)
            return "250 OK"

    port = free_port()
    controller = Controller(Handler(), hostname="127.0.0.1", port=port)
    controller.start()
    yield port, received
    controller.stop()


def test_outbox_5_email_goes_through_django_smtp_to_a_real_server(store, customer, smtp_server,
                                                                 django_capture_on_commit_callbacks):
    port, received = smtp_server
    with override_settings(NOTIFICATION_BACKEND="dealership.notify.EmailBackend",
                           EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend", EMAIL_HOST="127.0.0.1",
                           EMAIL_PORT=port, EMAIL_USE_TLS=False, DEFAULT_FROM_EMAIL="aftersales@example.com"):
        with django_capture_on_commit_callbacks(execute=True):
            record = customer_message_send(store=store, customer=customer, key="k-mail", subject="预约确认",
                                           body="明天10:00见")
    record.refresh_from_db()
    assert record.status == "sent" and record.channel == "email"
    [envelope] = received
    assert envelope.rcpt_tos == ["li@example.com"] and envelope.mail_from == "aftersales@example.com"
    mail = email.message_from_bytes(envelope.original_content, policy=policy.default)
    assert mail["Subject"] == "预约确认" and mail.get_content().strip() == "明天10:00见"


def test_outbox_5_an_smtp_server_that_is_down_is_a_failed_attempt_retried(store, customer):
    with override_settings(NOTIFICATION_BACKEND="dealership.notify.EmailBackend",
                           EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend", EMAIL_HOST="127.0.0.1",
                           EMAIL_PORT=free_port()):
        record = customer_message_send(store=store, customer=customer, key="k-mail-down", subject="s", body="b")
        assert message_deliver(record.pk) == "retrying"
    record.refresh_from_db()
    assert record.attempts == 1 and record.next_attempt_at is not None


def test_outbox_6_a_one_time_code_goes_by_sms_when_customers_get_email(store, django_capture_on_commit_callbacks):
    LocmemBackend.outbox = []
    with override_settings(NOTIFICATION_BACKEND="dealership.notify.EmailBackend",
                           SMS_BACKEND="dealership.notify.LocmemBackend"):
        with django_capture_on_commit_callbacks(execute=True):
            record = number_message_send(store=store, to="13800000000", key="otp-1", subject="验证码", body="123456")
    record.refresh_from_db()
    assert record.status == "sent" and record.channel == "sms"
    [sent] = LocmemBackend.outbox
    assert (sent.channel, sent.to, sent.body) == ("sms", "13800000000", "123456")


def test_a_broker_that_is_down_loses_no_message(store, customer, django_capture_on_commit_callbacks, monkeypatch):
    from dealership import tasks

    def down(*args, **kwargs):
        raise OSError("broker down")

    monkeypatch.setattr(tasks.deliver_message, "delay", down)
    LocmemBackend.outbox = []
    with django_capture_on_commit_callbacks(execute=True):
        record = customer_message_send(store=store, customer=customer, key="k-broker", subject="s", body="b")
    assert LocmemBackend.outbox == []  # not sent yet, but recorded ...
    assert messages_deliver_due().sent == 1  # ... and the beat sweep sends it
    record.refresh_from_db()
    assert record.status == "sent" and [m.key for m in LocmemBackend.outbox] == ["k-broker"]


def test_the_retry_waits_for_its_time(store, customer):
    LocmemBackend.outbox, LocmemBackend.fail_next = [], 1
    now = timezone.now()
    with time_machine.travel(now, tick=False):
        record = customer_message_send(store=store, customer=customer, key="k-wait", subject="s", body="b")
        assert message_deliver(record.pk) == "retrying"
        assert messages_deliver_due().sent == 0  # not before its time
    with time_machine.travel(now + FIRST_RETRY, tick=False):
        assert messages_deliver_due().sent == 1
    assert len(LocmemBackend.outbox) == 1


def test_a_message_about_an_order_that_fails_for_good_asks_the_advisor_to_call_once(order_in, gateway):
    """A status message (the delay, the copy, the documents …) that the outbox gave up on: nobody would know the
    customer was not told, so the order's advisor gets an urgent call task, however often the outcome is read."""
    order = order_in(WorkOrder.Status.IN_REPAIR)
    Customer.objects.filter(pk=order.customer_id).update(consent_to_messages=True)
    order.customer.refresh_from_db()
    down = gateway(mode="down")
    with sms_settings(down.url), time_machine.travel(timezone.now(), tick=False) as traveller:
        record = customer_message_send(store=order.store_id, customer=order.customer, key=f"wo-{order.pk}-x",
                                       subject="车辆进度", body="b", work_order=order)
        for _ in range(2 * MAX_ATTEMPTS):
            messages_deliver_due()
            traveller.shift(timedelta(hours=1))
        assert message_deliver(record.pk) == "failed"  # read again: the hooks run again, the task is not repeated
    record.refresh_from_db()
    assert record.status == "failed"
    [task] = StaffTask.objects.filter(work_order=order, key=f"message-{record.pk}-call")
    assert (task.assignee, task.urgent) == (order.advisor, True)
    assert "车辆进度" in task.text
