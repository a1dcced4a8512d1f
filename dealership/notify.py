"""Messages to customers leave through an outbox (issue 20, docs/messages.md).

A message is RECORDED (OutboundMessage, once per key) in the transaction of
the change that causes it, and SENT after commit by a Celery task
(`dealership.tasks.deliver_message`), never in a staff member's request.
A delivery claims the row first (a conditional UPDATE with a lease), so two
workers never send the same message; a failed send is retried with backoff
(1, 2, 4 … minutes, capped) until MAX_ATTEMPTS, then the message is "failed"
for good. A beat sweep (`deliver_due_messages`) re-sends what is due, so a
lost task, a stopped worker or a broker hiccup delays a message but loses
none. The key goes to the gateway as the client message id, so a crash
between sending and recording is dropped there.

Backends are chosen in settings, like Django's email backends: console, file
or locmem for development and tests; an SMS gateway or email in production.
The stages learn the outcome through hooks registered by purpose
(`outcome_hook`), run by the delivery when a message is sent or given up."""

from __future__ import annotations

import json
import logging
import time
import urllib.request
import uuid
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from pathlib import Path

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.module_loading import import_string
from django.utils.translation import gettext_noop as N_

from .doors import Door
from .models import Customer, OutboundMessage, Store, WorkOrder

OUTBOUND_MESSAGE = Door(OutboundMessage)
M = OutboundMessage.Status
LEASE = timedelta(minutes=2)  # a claim older than this (a worker that died mid-send) is taken over
FIRST_RETRY = timedelta(minutes=1)  # then 2, 4, 8 … minutes
LONGEST_WAIT = timedelta(minutes=60)
MAX_ATTEMPTS = 10  # about 4½ hours of trying (1+2+…+32+60+60+60 min); then the message has failed for good
SWEEP_BATCH = 200
SWEEP_SECONDS = 50  # a sweep stops taking messages after this long, before the next one starts

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
            with urllib.request.urlopen(request, timeout=settings.SMS_GATEWAY_TIMEOUT) as response:  # noqa: S310 (configured URL)
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
    """The backend of the customers' channel (NOTIFICATION_BACKEND)."""
    return import_string(settings.NOTIFICATION_BACKEND)()


def backend_for(channel: str) -> BaseBackend:
    """The backend that sends on `channel`: the customers' one, or for a text to
    a number while customers get e-mail, SMS_BACKEND."""
    backend = get_backend()
    if backend.channel == channel:
        return backend
    if channel == "sms":
        return import_string(settings.SMS_BACKEND)()
    raise ValueError(f"no backend sends on {channel!r}")


@dataclass(frozen=True)
class Draft:
    """A message to send once under `key` (see customer_messages_record).
    `purpose` names the outcome hooks to run when it is sent or given up, and
    `ref` the id of the record they update (e.g. a confirmation)."""
    store_id: int
    customer: Customer
    key: str
    subject: str
    body: str
    work_order_id: int | None = None
    purpose: str = ""
    ref: int | None = None


# --- outcome hooks ---------------------------------------------------------------------------------------------

Hook = Callable[[OutboundMessage], None]
_HOOKS: dict[str, list[Hook]] = {}


_CALLS_ON_FAILURE: set[str] = set()


def outcome_hook(purpose: str, *, calls_on_failure: bool = False) -> Callable[[Hook], Hook]:
    """Register `hook(message)` for messages of `purpose`: the delivery runs it
    after each attempt it records: SENT, RETRYING (this attempt failed, the
    outbox tries again at next_attempt_at) or FAILED for good (message.status
    says which; most hooks act on SENT and FAILED only). A stage registers its hooks from a module its AppConfig.ready
    imports (the core imports no stage). Hooks must be idempotent (they may run
    again, e.g. when a caller asks for a message that was already sent) and
    should not talk to the outside."""
    if calls_on_failure:  # the stage puts its own call in front of someone when the message fails for good
        _CALLS_ON_FAILURE.add(purpose)

    def register(hook: Hook) -> Hook:
        hooks = _HOOKS.setdefault(purpose, [])
        if hook not in hooks:
            hooks.append(hook)
        return hook
    return register


def outcome_hooks_run(message: OutboundMessage) -> None:
    if message.status == M.FAILED and message.purpose not in _CALLS_ON_FAILURE:
        _call_instead(message)
    for hook in _HOOKS.get(message.purpose, ()):
        try:
            hook(message)
        except Exception:  # noqa: BLE001 - the message's own state is recorded; the hook is logged and the sweep goes on
            log.exception("outcome hook %s of message %s failed", hook.__name__, message.key)


def _call_instead(message: OutboundMessage) -> None:
    """A message about an order failed for good and no stage calls instead: its advisor is asked to call the
    customer (once per message: the task's key), so the customer hears it after all."""
    if message.work_order_id is None or message.customer_id is None:
        return
    from .services import staff_task_create  # the services import this module

    order = WorkOrder.objects.select_related("customer", "vehicle", "advisor").get(pk=message.work_order_id)
    staff_task_create(store=order.store_id, assignee=order.advisor, work_order=order,
                      key=f"message-{message.pk}-call", urgent=True,
                      link=reverse("dealership:order", args=[order.pk]),
                      message=N_("Call %(name)s (%(plate)s): the message “%(subject)s” could not be sent"),
                      params={"name": order.customer.name, "plate": order.vehicle.plate,
                              "subject": message.subject[:80]})


# --- recording -------------------------------------------------------------------------------------------------

def customer_message_send(*, store: Store | int, customer: Customer, key: str, subject: str, body: str,
                          work_order: WorkOrder | None = None, purpose: str = "",
                          ref: int | None = None) -> OutboundMessage | None:
    """Record the message once per key and have it sent after commit (see
    customer_messages_send). Returns the record, still waiting ("sending")
    unless it went before, or None when the customer has not agreed to
    messages: the caller then puts a call task in front of staff."""
    store_id = store if isinstance(store, int) else store.pk
    draft = Draft(store_id, customer, key, subject, body, work_order.pk if work_order else None, purpose, ref)
    return customer_messages_send([draft])[key]


def customer_messages_record(drafts: list[Draft]) -> list[Draft]:
    """Put messages in the outbox without sending them, each once per key
    (one INSERT … ON CONFLICT DO NOTHING). Called inside the transaction that
    decides to tell the customer, so the message exists exactly when the
    decision does; customer_messages_send after commit has it delivered.
    Returns the drafts of customers who agreed to messages."""
    drafts = [d for d in drafts if d.customer.consent_to_messages]
    if drafts:
        backend = get_backend()
        OutboundMessage.objects.bulk_create(
            [OutboundMessage(store_id=d.store_id, key=d.key, customer=d.customer, work_order_id=d.work_order_id,
                             purpose=d.purpose, ref=d.ref, channel=backend.channel, to=backend.address(d.customer),
                             subject=d.subject, body=d.body)
             for d in drafts], ignore_conflicts=True)
    return drafts


def customer_messages_send(drafts: list[Draft]) -> dict[str, OutboundMessage | None]:
    """Record the messages (each once per key, unless recorded already) and
    queue their delivery after commit: nothing here waits on a gateway. By
    key: the record as it stands now, or None for a customer who has not
    agreed to messages. A message that already went (or failed for good) is
    not sent again; its outcome hooks run again instead, so a caller that
    lost track of it (a crash after the send) catches up."""
    out: dict[str, OutboundMessage | None] = {d.key: None for d in drafts}
    drafts = customer_messages_record(drafts)
    if not drafts:
        return out
    wanted = {(d.store_id, d.key) for d in drafts}
    records = [r for r in OutboundMessage.objects.filter(
        store_id__in={d.store_id for d in drafts}, key__in=[d.key for d in drafts]) if (r.store_id, r.key) in wanted]
    for record in records:
        out[record.key] = record
    messages_deliver_after_commit([r.pk for r in records])
    return out


def number_message_send(*, store: Store | int, to: str, key: str, subject: str, body: str) -> OutboundMessage:
    """A message to a mobile number that need not be a customer's (a one-time
    code proving the number on the public booking page), once per key, by SMS
    whatever the customers' channel. Recorded now; sent after commit."""
    store_id = store if isinstance(store, int) else store.pk
    record, _created = OutboundMessage.objects.get_or_create(
        store_id=store_id, key=key, defaults={"channel": "sms", "to": to, "subject": subject, "body": body})
    messages_deliver_after_commit([record.pk])
    return record


def messages_deliver_after_commit(message_ids: list[int]) -> None:
    """Queue a delivery task per message once the transaction commits (at once
    outside one). A task lost on the way is made up by the sweep."""
    if not message_ids:
        return
    from .tasks import deliver_message  # the tasks module imports the services, which import this one

    def enqueue() -> None:
        for pk in message_ids:
            try:
                deliver_message.delay(pk)
            except Exception:  # noqa: BLE001 - the broker is down: the sweep delivers it when it is back
                log.warning("could not queue message %s; the sweep will send it", pk, exc_info=True)

    transaction.on_commit(enqueue)


# --- delivery --------------------------------------------------------------------------------------------------

def retry_wait(attempts: int) -> timedelta:
    """How long to wait after the `attempts`-th failed send: 1, 2, 4 … minutes, at most LONGEST_WAIT."""
    return min(FIRST_RETRY * 2 ** max(attempts - 1, 0), LONGEST_WAIT)


def _due(now: datetime) -> Q:
    return (Q(status__in=OutboundMessage.WAITING)
            & (Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now))
            & (Q(claimed_until__isnull=True) | Q(claimed_until__lt=now)))


def message_deliver(message_id: int) -> str:
    """Send one message if it is due and nobody else is sending it, record the
    outcome, run the outcome hooks when it is final; returns the status it is
    left in. The claim (one conditional UPDATE) makes two deliveries of the
    same message at once send it once; a worker that dies mid-send leaves a
    claim that lapses after LEASE, and the gateway drops the repeated key."""
    now = timezone.now()
    token = uuid.uuid4().hex
    claimed = OutboundMessage.objects.filter(_due(now), pk=message_id).update(claim=token, claimed_until=now + LEASE)
    message = OutboundMessage.objects.filter(pk=message_id).first()
    if message is None:
        return "missing"
    if not claimed:
        if message.status in (M.SENT, M.FAILED):
            outcome_hooks_run(message)
        return message.status
    try:
        result = backend_for(message.channel).send(
            Message(message.channel, message.to, message.subject, message.body, message.key))
    except Exception as exc:  # noqa: BLE001 - a backend that raises is a failed attempt, recorded and retried
        log.exception("message %s: the backend failed", message.key)
        result = SendResult(ok=False, detail=f"{type(exc).__name__}: {exc}")
    done = timezone.now()
    attempts = message.attempts + 1
    if result.ok:
        to, fields = M.SENT, {"sent_at": done, "next_attempt_at": None}
    elif attempts >= MAX_ATTEMPTS:
        to, fields = M.FAILED, {"next_attempt_at": None}
    else:
        to, fields = M.RETRYING, {"next_attempt_at": done + retry_wait(attempts)}
    moved = OUTBOUND_MESSAGE.claim(
        OutboundMessage.objects.filter(pk=message.pk, claim=token), to=to,
        fields={**fields, "attempts": F("attempts") + 1, "result": result.detail[:300], "claim": "",
                "claimed_until": None})
    if not moved:  # the lease lapsed mid-send and another worker took the message over: its outcome counts
        log.warning("message %s: claim lost during the send", message.key)
        return OutboundMessage.objects.get(pk=message.pk).status
    message.refresh_from_db()
    outcome_hooks_run(message)
    return to


@dataclass
class DeliverySweep:
    sent: int = 0
    retrying: int = 0
    failed: int = 0
    left: int = 0  # due but not reached in this sweep's time


def messages_deliver_due(*, seconds: float = SWEEP_SECONDS, batch: int = SWEEP_BATCH) -> DeliverySweep:
    """The beat sweep: deliver every message that is due (never queued, its task
    lost, or its retry time come), oldest first, for at most `seconds`."""
    result = DeliverySweep()
    started = time.monotonic()
    due = list(OutboundMessage.objects.filter(_due(timezone.now())).order_by("created_at", "pk")
               .values_list("pk", flat=True)[:batch])
    for index, pk in enumerate(due):
        if time.monotonic() - started > seconds:
            result.left = len(due) - index
            break
        status = message_deliver(pk)
        if status == M.SENT:
            result.sent += 1
        elif status == M.RETRYING:
            result.retrying += 1
        elif status == M.FAILED:
            result.failed += 1
    return result


def with_purpose(draft: Draft, purpose: str, ref: int | None = None) -> Draft:
    return replace(draft, purpose=purpose, ref=ref)
