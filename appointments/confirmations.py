"""Confirmations a day and an hour before (APT-11, SCH-7), sent by a beat
sweep. Each appointment, kind and schedule round has one Confirmation row;
creating it is the claim, so duplicated sweeps, retried tasks and a worker
that dies half-way never send a confirmation twice (the database is the
record, the broker only wakes the sweep). A claim left pending by a dead
worker is taken over after LEASE and sent with the same message key.

The sweep records the messages in the outbox (issue 20); the outbox's
delivery sends them, retries them with backoff, and tells the confirmation
how it went (_confirmation_outcome): SENT when the message went, FAILED when
it was given up. Meanwhile the confirmation stays PENDING and is not taken
over (its message is in the outbox's hands)."""

import logging
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.db.models import Exists, F, OuterRef, Q
from django.utils import timezone

from dealership.messages import N_, message_params
from dealership.messagetexts import message_texts_load
from dealership.models import OutboundMessage, Role, StaffTask
from dealership.notify import customer_messages_send, outcome_hook, with_purpose
from dealership.services import staff_tasks_create, staff_tasks_upsert
from dealership.sweeps import in_stores

from .doors import CONFIRMATION
from .messages import appointment_message_draft
from .models import Appointment, Confirmation
from .preparation import missing, not_ready_subject

log = logging.getLogger(__name__)
K = Confirmation.Kind
C = Confirmation.Status
LEAD = {K.DAY_BEFORE: timedelta(hours=24), K.HOUR_BEFORE: timedelta(hours=1)}
LEASE = timedelta(minutes=5)
RETRY_AFTER = timedelta(minutes=10)
MAX_ATTEMPTS = 3
BATCH = 500


PURPOSE = "confirmation"


@dataclass
class SweepResult:
    claimed: int = 0
    queued: int = 0  # handed to the outbox: the delivery sends them and marks the confirmations
    sent: int = 0  # found already sent (a retry after a crash between the send and its record)
    calls: int = 0
    failed: int = 0
    skipped: int = 0
    alerts: int = 0
    by_kind: dict = field(default_factory=dict)


def _due(kind: str, now: datetime, store_ids: list[int] | None = None):
    """Booked appointments whose confirmation of this kind is due and not yet
    claimed for the current schedule round."""
    lead = LEAD[kind]
    qs = in_stores(Appointment.objects.filter(status=Appointment.Status.BOOKED, starts_at__gt=now,
                                              starts_at__lte=now + lead), store_ids)
    if kind == K.DAY_BEFORE:
        # only for appointments made more than a day ahead, and not inside the last hour
        qs = qs.filter(starts_at__gt=now + LEAD[K.HOUR_BEFORE], created_at__lte=F("starts_at") - lead)
    # NOT EXISTS per candidate (the unique key of confirmations answers it), not NOT IN over every
    # confirmation ever sent: at a group's size the latter read all appointments on each claim
    claimed = Confirmation.objects.filter(appointment=OuterRef("pk"), kind=kind, round=OuterRef("schedule_version"))
    return qs.exclude(Exists(claimed)).order_by("starts_at")[:BATCH]


def confirmations_claim(*, kind: str, now: datetime, token: str,
                        store_ids: list[int] | None = None) -> list[Confirmation]:
    due = list(_due(kind, now, store_ids).values_list("pk", "store_id", "schedule_version"))
    Confirmation.objects.bulk_create(
        [Confirmation(appointment_id=pk, store_id=store_id, kind=kind, round=version, claim=token, claimed_at=now)
         for pk, store_id, version in due],
        ignore_conflicts=True)
    # take over claims abandoned by a worker that died, and failed sends due for a retry
    in_outbox = OutboundMessage.objects.filter(purpose=PURPOSE, ref=OuterRef("pk"), status__in=OutboundMessage.WAITING)
    stale = in_stores(Confirmation.objects.filter(kind=kind, attempts__lt=MAX_ATTEMPTS), store_ids).filter(
        Q(status=C.PENDING, claimed_at__lt=now - LEASE) | Q(status=C.FAILED, claimed_at__lt=now - RETRY_AFTER)).exclude(
        Exists(in_outbox))
    for pk, old in stale.values_list("pk", "claim")[:BATCH]:
        CONFIRMATION.claim(Confirmation.objects.filter(pk=pk, claim=old), to=C.PENDING,
                           fields={"claim": token, "claimed_at": now})
    return list(Confirmation.objects.filter(claim=token, kind=kind, status=C.PENDING).select_related(
        "appointment__customer", "appointment__vehicle", "appointment__advisor", "appointment__store",
        "appointment__work_order").prefetch_related("appointment__work_order__lines",
                                                    "appointment__reservations__part"))


def confirmations_send(confirmations: list[Confirmation], *, token: str, result: SweepResult) -> None:
    """Put a batch of claimed confirmations' messages in the outbox (sent after
    commit by its delivery, which marks each confirmation); check the
    preparation and alert the advisor to what is still missing. The writes are
    per batch (a few statements for 500 confirmations)."""
    mine = Confirmation.objects.filter(claim=token)
    changed = [c for c in confirmations if c.appointment.status != Appointment.Status.BOOKED
               or c.appointment.schedule_version != c.round]
    if changed:
        CONFIRMATION.claim(mine.filter(pk__in=[c.pk for c in changed]), to=C.SKIPPED,
                           fields={"result": "appointment changed"})
        result.skipped += len(changed)
    skipped = {c.pk for c in changed}
    live = [c for c in confirmations if c.pk not in skipped]
    alerts, gaps_of, when_of = [], {}, {}
    for c in live:
        appointment = c.appointment
        gaps = missing(appointment)
        gaps_of[c.pk] = [g.key for g in gaps]
        when_of[c.pk] = timezone.localtime(appointment.starts_at).strftime("%m-%d %H:%M")
        if gaps:
            # one open "not ready" task per appointment (the subject): the hour-before check updates the
            # day-before one; the key only names this run's alert
            alerts.append(StaffTask(
                store_id=appointment.store_id, assignee=appointment.advisor, work_order=appointment.work_order,
                key=f"apt-{appointment.pk}-{token[:8]}-{c.kind}-{c.round}-missing",
                subject=not_ready_subject(appointment.pk),
                link=f"/appointments/{appointment.pk}/", due_at=appointment.starts_at,
                message=N_("%(plate)s at %(when)s is not ready: %(missing)s"),
                params=message_params(plate=appointment.vehicle.plate, when=when_of[c.pk],
                                      missing=", ".join(str(g.label) for g in gaps))))
    result.alerts += len(alerts)
    staff_tasks_upsert(alerts)
    ready = [c.appointment for c in live if not gaps_of[c.pk]]
    if ready:  # prepared since the last check: the advisor's "not ready" task is done
        StaffTask.objects.filter(store_id__in={a.store_id for a in ready}, done_at__isnull=True,
                                 subject__in=[not_ready_subject(a.pk) for a in ready]).update(done_at=timezone.now())
    # the attempt is counted before anything goes out
    for missing_keys in {tuple(v) for v in gaps_of.values()}:
        mine.filter(pk__in=[pk for pk, v in gaps_of.items() if tuple(v) == missing_keys]).update(
            attempts=F("attempts") + 1, missing=list(missing_keys))
    texts = message_texts_load(store_ids={c.appointment.store_id for c in live}, names={c.kind for c in live})
    drafts = [with_purpose(appointment_message_draft(appointment=c.appointment, name=c.kind, key=_key(c), texts=texts),
                           PURPOSE, c.pk)
              for c in live]
    try:
        records = customer_messages_send(drafts)
    except Exception as exc:  # noqa: BLE001 - recorded and retried, never lost
        log.exception("confirmations failed")
        CONFIRMATION.claim(mine.filter(pk__in=[c.pk for c in live], status=C.PENDING), to=C.FAILED,
                           fields={"result": str(exc)[:300]})
        result.failed += len(live)
        return
    calls, outcomes = [], {}
    for c in live:
        appointment, record = c.appointment, records[_key(c)]
        if record is None:  # no consent to messages: a person calls instead
            calls.append(StaffTask(
                store_id=appointment.store_id, role=Role.APPOINTMENT_AGENT, work_order=appointment.work_order,
                key=f"{_key(c)}-call", link=f"/appointments/{appointment.pk}/",
                message=N_("Call %(name)s to confirm the appointment at %(when)s (%(plate)s)"),
                params=message_params(name=appointment.customer.name, when=when_of[c.pk],
                                      plate=appointment.vehicle.plate)))
            outcome = (C.CALL, "phone", "call task")
            result.calls += 1
        elif record.status == record.Status.SENT:  # sent before the worker that sent it could mark it
            outcome = (C.SENT, record.channel, record.result)
            result.sent += 1
        elif record.status == record.Status.FAILED:  # given up before
            outcome = (C.FAILED, record.channel, record.result)
            result.failed += 1
        else:  # in the outbox: its delivery marks the confirmation
            result.queued += 1
            continue
        outcomes.setdefault(outcome, []).append(c.pk)
    staff_tasks_create(calls)
    now = timezone.now()
    for (status, channel, detail), pks in outcomes.items():
        CONFIRMATION.claim(mine.filter(pk__in=pks), to=status,
                           fields={"channel": channel, "result": detail, "sent_at": now if status != C.FAILED else None})


@outcome_hook(PURPOSE, calls_on_failure=True)
def _confirmation_outcome(message: OutboundMessage) -> None:
    """The outbox's delivery sent the confirmation's message, or gave it up."""
    if message.status == OutboundMessage.Status.RETRYING:
        return  # still trying: the confirmation stays pending
    to = C.SENT if message.status == OutboundMessage.Status.SENT else C.FAILED
    CONFIRMATION.claim(Confirmation.objects.filter(pk=message.ref, status=C.PENDING), to=to,
                       fields={"channel": message.channel, "result": message.result, "sent_at": message.sent_at})


def _key(confirmation: Confirmation) -> str:
    return f"apt-{confirmation.appointment_id}-{confirmation.kind}-{confirmation.round}"


def confirmations_sweep(*, now: datetime | None = None, store_ids: list[int] | None = None) -> SweepResult:
    now = now or timezone.now()
    result = SweepResult()
    for kind in (K.DAY_BEFORE, K.HOUR_BEFORE):
        token = uuid.uuid4().hex
        claimed = confirmations_claim(kind=kind, now=now, token=token, store_ids=store_ids)
        result.claimed += len(claimed)
        result.by_kind[kind] = len(claimed)
        confirmations_send(claimed, token=token, result=result)
    return result
