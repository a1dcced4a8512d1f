"""Messages to customers go through a backend chosen in settings, like
Django's email backends (design.md, "Scheduled jobs"): console, file or
locmem for development and tests; an SMS gateway or email in production.
Every message is recorded under a unique key (OutboundMessage), so a message
that was sent is never sent again; the key also goes to the gateway as the
client message id, so a retry after a crash between sending and recording
can be dropped there."""

from __future__ import annotations

import json
import logging
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.module_loading import import_string

from .doors import Door
from .models import Customer, OutboundMessage, Store, WorkOrder

OUTBOUND_MESSAGE = Door(OutboundMessage)

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Message:
    channel: str
    to: str
    subject: str
    body: str
    key: str


@dataclass(frozen=True)
class SendResult:
    ok: bool
    detail: str = ""


class BaseBackend:
    channel = "sms"

    def address(self, customer: Customer) -> str:
        return customer.mobile

    def send(self, message: Message) -> SendResult:  # pragma: no cover - interface
        raise NotImplementedError


class ConsoleBackend(BaseBackend):
    def send(self, message: Message) -> SendResult:
        log.info("[%s to %s] %s\n%s", message.channel, message.to, message.subject, message.body)
        return SendResult(ok=True, detail="console")


class LocmemBackend(BaseBackend):
    """Keeps messages in memory (tests). `fail_next` makes sends fail."""

    outbox: list[Message] = []
    fail_next: int = 0

    def send(self, message: Message) -> SendResult:
        if LocmemBackend.fail_next > 0:
            LocmemBackend.fail_next -= 1
            return SendResult(ok=False, detail="locmem: simulated failure")
        LocmemBackend.outbox.append(message)
        return SendResult(ok=True, detail="locmem")


class FileBackend(BaseBackend):
    """One text file per message in NOTIFICATION_FILE_DIR (development)."""

    def send(self, message: Message) -> SendResult:
        folder = Path(settings.NOTIFICATION_FILE_DIR)
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"{message.key.replace('/', '_')}.txt"
        path.write_text(f"To: {message.to}\nSubject: {message.subject}\n\n{message.body}\n", encoding="utf-8")
        return SendResult(ok=True, detail="file")


class SmsGatewayBackend(BaseBackend):
    """POSTs JSON {to, text, client_id} to SMS_GATEWAY_URL with a bearer token;
    most Chinese SMS platforms take this shape behind a small adapter. The
    client id is the message key, for the gateway's duplicate check."""

    def send(self, message: Message) -> SendResult:
        payload = json.dumps({"to": message.to, "text": f"{message.subject}\n{message.body}",
                              "client_id": message.key}).encode()
        request = urllib.request.Request(settings.SMS_GATEWAY_URL, data=payload, method="POST", headers={
            "Content-Type": "application/json", "Authorization": f"Bearer {settings.SMS_GATEWAY_TOKEN}"})
        try:
            with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310 (configured URL)
                return SendResult(ok=200 <= response.status < 300, detail=f"HTTP {response.status}")
        except OSError as exc:
            return SendResult(ok=False, detail=str(exc)[:300])


class EmailBackend(BaseBackend):
    channel = "email"

    def address(self, customer: Customer) -> str:
        return customer.email

    def send(self, message: Message) -> SendResult:
        if not message.to:
            return SendResult(ok=False, detail="no email address")
        try:
            send_mail(message.subject, message.body, None, [message.to])
        except Exception as exc:  # noqa: BLE001 - any mail failure is recorded, not raised
            return SendResult(ok=False, detail=str(exc)[:300])
        return SendResult(ok=True, detail="email")


def get_backend() -> BaseBackend:
    return import_string(settings.NOTIFICATION_BACKEND)()


@dataclass(frozen=True)
class Draft:
    """A message to send once under `key` (see customer_messages_send)."""
    store_id: int
    customer: Customer
    key: str
    subject: str
    body: str
    work_order_id: int | None = None


def customer_message_send(*, store: Store | int, customer: Customer, key: str, subject: str, body: str,
                          work_order: WorkOrder | None = None) -> OutboundMessage | None:
    """Send once per key. Returns the record (sent or failed), or None when
    the customer has not agreed to messages: the caller then puts a call task
    in front of staff. Call it outside a transaction: it talks to the outside."""
    store_id = store if isinstance(store, int) else store.pk
    draft = Draft(store_id, customer, key, subject, body, work_order.pk if work_order else None)
    return customer_messages_send([draft])[key]


def customer_messages_record(drafts: list[Draft]) -> list[Draft]:
    """Put messages in the outbox without sending them, each once per key
    (one INSERT … ON CONFLICT DO NOTHING). Called inside the transaction that
    decides to tell the customer, so the message exists exactly when the
    decision does; a task sends it after commit (customer_messages_send finds
    the record and sends what was recorded). Returns the drafts of customers
    who agreed to messages."""
    drafts = [d for d in drafts if d.customer.consent_to_messages]
    if drafts:
        backend = get_backend()
        OutboundMessage.objects.bulk_create(
            [OutboundMessage(store_id=d.store_id, key=d.key, customer=d.customer, work_order_id=d.work_order_id,
                             channel=backend.channel, to=backend.address(d.customer), subject=d.subject, body=d.body)
             for d in drafts], ignore_conflicts=True)
    return drafts


def customer_messages_send(drafts: list[Draft]) -> dict[str, OutboundMessage | None]:
    """Send many messages, each once per key, by key: the records go in with
    one INSERT … ON CONFLICT DO NOTHING and are read back in one query; each
    send is recorded as soon as it returns, so a crash loses at most the record
    of the message in flight (whose key the gateway sees again on the retry).
    None for a customer who has not agreed to messages."""
    out: dict[str, OutboundMessage | None] = {d.key: None for d in drafts}
    drafts = customer_messages_record(drafts)
    if not drafts:
        return out
    backend = get_backend()
    wanted = {(d.store_id, d.key) for d in drafts}
    records = {(r.store_id, r.key): r for r in OutboundMessage.objects.filter(
        store_id__in={d.store_id for d in drafts}, key__in=[d.key for d in drafts]) if (r.store_id, r.key) in wanted}
    for d in drafts:
        record = records[(d.store_id, d.key)]
        out[d.key] = record
        if record.status == OutboundMessage.Status.SENT:
            continue
        result = backend.send(Message(record.channel, record.to, record.subject, record.body, record.key))
        record.attempts += 1
        OUTBOUND_MESSAGE.move(record, to=OutboundMessage.Status.SENT if result.ok else OutboundMessage.Status.FAILED,
                              fields={"attempts": F("attempts") + 1, "result": result.detail[:300],
                                      "sent_at": timezone.now() if result.ok else None})
    return out


def number_message_send(*, store: Store | int, to: str, key: str, subject: str, body: str) -> OutboundMessage:
    """A message to a mobile number that need not be a customer's (a one-time
    code proving the number on the public booking page), once per key, by SMS
    whatever the customers' channel. Recorded now; sent after commit."""
    store_id = store if isinstance(store, int) else store.pk
    backend = get_backend()
    record, _created = OutboundMessage.objects.get_or_create(
        store_id=store_id, key=key, defaults={"channel": "sms", "to": to, "subject": subject, "body": body})

    def deliver() -> None:
        fresh = OutboundMessage.objects.get(pk=record.pk)
        if fresh.status == OutboundMessage.Status.SENT:
            return
        result = backend.send(Message(fresh.channel, fresh.to, fresh.subject, fresh.body, fresh.key))
        OUTBOUND_MESSAGE.move(fresh, to=OutboundMessage.Status.SENT if result.ok else OutboundMessage.Status.FAILED,
                              fields={"attempts": F("attempts") + 1, "result": result.detail[:300],
                                      "sent_at": timezone.now() if result.ok else None})

    transaction.on_commit(deliver)
    return record
