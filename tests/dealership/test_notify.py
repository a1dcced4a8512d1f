"""Messages to customers: one interface, several backends, each message sent
once per key and its outcome recorded. Sending is recorded now and delivered
after commit (issue 20): the tests run the commit's callbacks (Celery is eager
in the test settings), then read the records again."""

import json
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest
from django.core import mail
from django.test import override_settings

from dealership.models import OutboundMessage
from dealership.notify import LocmemBackend, customer_message_send

from ..factories import CustomerFactory


@pytest.fixture
def customer(store):
    return CustomerFactory(store=store, consent_to_messages=True, email="li@example.com")


@pytest.fixture
def gateway():
    received = []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):  # noqa: N802 - http.server's name
            body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
            received.append((self.headers["Authorization"], body))
            self.send_response(500 if body["text"].endswith("FAIL") else 200)
            self.end_headers()

        def log_message(self, *args):
            pass

    server = HTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}/send", received
    server.shutdown()


def test_the_sms_gateway_gets_the_text_and_the_key_as_client_id(store, customer, gateway,
                                                                 django_capture_on_commit_callbacks):
    url, received = gateway
    with override_settings(NOTIFICATION_BACKEND="dealership.notify.SmsGatewayBackend", SMS_GATEWAY_URL=url,
                           SMS_GATEWAY_TOKEN="t0ken"):
        with django_capture_on_commit_callbacks(execute=True):
            record = customer_message_send(store=store, customer=customer, key="k-1", subject="天河4S店", body="您好")
        with django_capture_on_commit_callbacks(execute=True):
            again = customer_message_send(store=store, customer=customer, key="k-1", subject="天河4S店", body="您好")
            failed = customer_message_send(store=store, customer=customer, key="k-2", subject="x", body="FAIL")
    record.refresh_from_db()
    failed.refresh_from_db()
    assert record.status == "sent" and again.pk == record.pk
    assert received[0] == ("Bearer t0ken", {"to": customer.mobile, "text": "天河4S店\n您好", "client_id": "k-1"})
    assert len(received) == 2  # k-1 once, k-2 once
    # a failed send is recorded and tried again later (dealership.notify.retry_wait)
    assert failed.status == "retrying" and "500" in failed.result and failed.next_attempt_at is not None


def test_an_unreachable_gateway_is_recorded_as_failed_not_raised(store, customer, django_capture_on_commit_callbacks):
    with override_settings(NOTIFICATION_BACKEND="dealership.notify.SmsGatewayBackend",
                           SMS_GATEWAY_URL="http://127.0.0.1:9/none"):
        with django_capture_on_commit_callbacks(execute=True):
            record = customer_message_send(store=store, customer=customer, key="k-3", subject="s", body="b")
    record.refresh_from_db()
    assert record.status == "retrying" and record.attempts == 1


def test_the_email_backend_sends_through_django_mail(store, customer, django_capture_on_commit_callbacks):
    with override_settings(NOTIFICATION_BACKEND="dealership.notify.EmailBackend",
                           EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend"):
        with django_capture_on_commit_callbacks(execute=True):
            record = customer_message_send(store=store, customer=customer, key="k-4", subject="预约确认", body="明天见")
    record.refresh_from_db()
    assert record.status == "sent" and mail.outbox[0].to == ["li@example.com"]


def test_the_file_backend_writes_one_file_per_message(store, customer, tmp_path, django_capture_on_commit_callbacks):
    with override_settings(NOTIFICATION_BACKEND="dealership.notify.FileBackend", NOTIFICATION_FILE_DIR=str(tmp_path)):
        with django_capture_on_commit_callbacks(execute=True):
            customer_message_send(store=store, customer=customer, key="apt-1-day_before-0", subject="s", body="明天见")
    assert "明天见" in (tmp_path / "apt-1-day_before-0.txt").read_text(encoding="utf-8")


def test_no_consent_no_message(store):
    LocmemBackend.outbox = []
    customer = CustomerFactory(store=store, consent_to_messages=False)
    assert customer_message_send(store=store, customer=customer, key="k-5", subject="s", body="b") is None
    assert LocmemBackend.outbox == [] and not OutboundMessage.objects.exists()
