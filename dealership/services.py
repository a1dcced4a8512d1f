"""Writes shared by every stage: numbering, customers and cars, mileage, the
work order's lines and totals, staff tasks, and the one door for status
changes."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal

from django.db import IntegrityError, connection, transaction
from django.db.models import F, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from . import attempts
from .catalogue import published_price
from .errors import (
    ConflictError,
    GuardRefused,
    MileageJump,
    OverrideNotAllowed,
    ProcessError,
    Refusal,
)
from .messages import N_, message_params
from .models import (
    Channel,
    Customer,
    LabourOperation,
    MileageReading,
    Part,
    Role,
    StaffTask,
    Store,
    StoreCounter,
    User,
    Vehicle,
    WorkOrder,
    WorkOrderEvent,
    WorkOrderLine,
)
from .textlimits import text_check
from .validators import normalize_mobile, normalize_plate, normalize_vin
from .workflow import EDITABLE_STATUSES, WORK_ORDER

CENT = Decimal("0.01")
OVERRIDE_ROLES = frozenset({Role.AFTERSALES_MANAGER, Role.GROUP_MANAGER})

Guard = Callable[[WorkOrder], Refusal | None]


def money(value: Decimal) -> Decimal:
    return Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)


# --- numbering -----------------------------------------------------------------

def store_next_sequence(*, store: Store, key: str) -> int:
    """Next value of a per-store counter; safe under concurrent callers (the
    UPDATE holds the row until the caller's transaction ends)."""
    with transaction.atomic():
        try:
            with transaction.atomic():
                StoreCounter.objects.get_or_create(store=store, key=key)
        except IntegrityError:
            pass
        StoreCounter.objects.filter(store=store, key=key).update(value=F("value") + 1)
        return StoreCounter.objects.values_list("value", flat=True).get(store=store, key=key)


def work_order_number(*, store: Store) -> str:
    year = timezone.localdate().strftime("%y")
    seq = store_next_sequence(store=store, key=f"wo-{year}")
    return f"{store.code}-{year}{seq:06d}"


# --- customers and cars ----------------------------------------------------------

def customer_vehicle_get_or_create(
    *,
    store: Store,
    plate: str,
    vin: str,
    make: str,
    model: str,
    customer_name: str,
    mobile: str,
    title: str = "",
    board_display: str = Customer.BoardDisplay.SURNAME,
    consent_to_messages: bool = False,
    preferred_channel: str = "",
) -> tuple[Customer, Vehicle, list[str]]:
    """Find or create the customer and the car; returns what changed on record.

    The mobile identifies the customer. A known car with a different mobile has
    a new owner: the car moves to the customer with that mobile (found or
    created). A known customer whose name was typed differently gets the new
    spelling, and staff are told. Values are validated by the caller's form."""
    plate, vin, mobile = normalize_plate(plate), normalize_vin(vin), normalize_mobile(mobile)
    notes: list[str] = []
    with transaction.atomic():
        vehicle = (Vehicle.objects.select_for_update().select_related("customer").filter(store=store)
                   .filter(Q(plate=plate) | Q(vin=vin)).first())
        customer = Customer.objects.filter(store=store, mobile=mobile).first()
        if customer is None:
            customer = Customer.objects.create(
                store=store, name=customer_name, mobile=mobile, title=title,
                board_display=board_display, consent_to_messages=consent_to_messages,
                preferred_channel=preferred_channel or Channel.PHONE)
        else:
            # A booking form never withdraws a choice the customer made earlier: consent is only
            # given here (withdrawing it is an explicit change), and the defaults do not overwrite.
            changes = {"title": title or customer.title,
                       "board_display": board_display if board_display != Customer.BoardDisplay.SURNAME
                       else customer.board_display,
                       "consent_to_messages": customer.consent_to_messages or consent_to_messages,
                       "preferred_channel": preferred_channel if preferred_channel and preferred_channel != Channel.PHONE
                       else customer.preferred_channel}
            if customer_name and customer_name != customer.name:
                notes.append(_("The name on record for %(mobile)s was changed from %(old)s to %(new)s.")
                             % {"mobile": mobile, "old": customer.name, "new": customer_name})
                changes["name"] = customer_name
            Customer.objects.filter(pk=customer.pk).update(**changes)
            for k, v in changes.items():
                setattr(customer, k, v)
        if vehicle is None:
            vehicle = Vehicle.objects.create(store=store, customer=customer, plate=plate, vin=vin, make=make,
                                             model=model)
        elif vehicle.customer_id != customer.pk:
            notes.append(_("%(plate)s moved from %(old)s to its new owner %(new)s.")
                         % {"plate": vehicle.plate, "old": vehicle.customer.name, "new": customer.name})
            Vehicle.objects.filter(pk=vehicle.pk).update(customer=customer)
            vehicle.customer = customer
    return customer, vehicle, notes


MILEAGE_JUMP_KM = 30_000


def vehicle_record_mileage(
    *, vehicle: Vehicle, km: int, actor: User | None, reason: str = "",
    work_order: WorkOrder | None = None, confirm_jump: bool = False,
) -> MileageReading:
    """A reading never goes below the last one without a recorded reason
    (REC-7; the odometer may have been replaced). Correcting a reading taken
    on the same work order compares with the reading before it; a jump of
    more than 30,000 km since then must be confirmed (a typo costs the car's
    history)."""
    with transaction.atomic():
        locked = Vehicle.objects.select_for_update().get(pk=vehicle.pk)
        baseline = locked.mileage
        if work_order is not None:
            own = MileageReading.objects.filter(vehicle=locked, work_order=work_order).order_by("id").first()
            if own is not None:
                baseline = own.previous_km
        if baseline and km - baseline > MILEAGE_JUMP_KM and not confirm_jump:  # 0: never read before
            raise MileageJump(
                _("%(km)s km is %(jump)s km more than the last reading (%(last)s km): check the number and "
                  "tick the confirmation if it is right.")
                % {"km": f"{km:,}", "jump": f"{km - baseline:,}", "last": f"{baseline:,}"}, rule="REC-7")
        if km < baseline and not reason.strip():
            raise ProcessError(
                _("The mileage %(km)s km is below the last reading of %(last)s km; "
                  "give the reason (e.g. odometer replaced) to record it.")
                % {"km": f"{km:,}", "last": f"{baseline:,}"},
                rule="REC-7",
            )
        reading = MileageReading.objects.create(
            store_id=locked.store_id, vehicle=locked, km=km, previous_km=baseline,
            reason=reason.strip(), recorded_by=actor, work_order=work_order,
        )
        Vehicle.objects.filter(pk=locked.pk).update(mileage=km)
        vehicle.mileage = km
        return reading


# --- the work order ---------------------------------------------------------------

def work_order_create(
    *,
    store: Store,
    customer: Customer,
    vehicle: Vehicle,
    advisor: User,
    actor: User | None,
    origin: str = WorkOrder.Origin.WALK_IN,
    customer_words: str = "",
    diagnosis: str = "",
) -> WorkOrder:
    """A new draft order (prepared from an appointment, or a walk-in)."""
    text_check(WorkOrder, rule="REC-4", customer_words=customer_words, diagnosis=diagnosis)
    with transaction.atomic():
        order = WorkOrder.objects.create(
            store=store, number=work_order_number(store=store), origin=origin,
            customer=customer, vehicle=vehicle, advisor=advisor,
            customer_words=customer_words, diagnosis=diagnosis,
        )
        WorkOrderEvent.objects.create(
            store=store, work_order=order, kind=WorkOrderEvent.Kind.STATUS,
            to_status=order.status, actor=actor, message=N_("Work order opened (%(origin)s)."),
            params=message_params(origin=WorkOrder.Origin(order.origin).label),
        )
    return order


def work_order_lock(*, work_order_id: int, store_id: int | None = None) -> WorkOrder:
    qs = WorkOrder.objects.select_for_update()
    if store_id is not None:
        qs = qs.filter(store_id=store_id)
    return qs.get(pk=work_order_id)


def work_order_add_line(
    *,
    work_order: WorkOrder,
    actor: User | None,
    source: str,
    labour_operation: LabourOperation | None = None,
    part: Part | None = None,
    description: str = "",
    quantity: Decimal = Decimal("1"),
    unit_price: Decimal | None = None,
    hours: Decimal | None = None,
    warranty: bool = False,
    approval: str = WorkOrderLine.Approval.APPROVED,
    allow_after_signing: bool = False,
    kind: str = "",
) -> WorkOrderLine:
    """Add a labour or part line at the published price of today (the day it is quoted: SET-3) unless a price is
    given; the line keeps that price whatever is published later (REC-8, SET-X3).

    A signed order is frozen (REP-2, REP-11): only the change-request flow,
    which passes allow_after_signing, adds to it."""
    if (labour_operation is None) == (part is None) and not description:
        raise ProcessError(_("Choose a labour operation or a part."))
    quantity = Decimal(quantity)
    if quantity <= 0:
        raise ProcessError(_("The quantity must be more than zero."))
    with transaction.atomic():
        order = work_order_lock(work_order_id=work_order.pk)
        if order.status not in EDITABLE_STATUSES and not allow_after_signing:
            raise ProcessError(
                _("Work order %(number)s is %(status)s: its items can only change through a "
                  "change request the customer approves.")
                % {"number": order.number, "status": order.get_status_display()},
                rule="REP-2",
            )
        for item in (labour_operation, part):
            if item is not None and item.store_id != order.store_id:
                raise ProcessError(_("That catalogue item belongs to another store."))
        if labour_operation is not None:
            kind = WorkOrderLine.Kind.LABOUR
            code, name = labour_operation.code, labour_operation.name
            price = published_price(labour_operation, on=timezone.localdate()) if unit_price is None else unit_price
            line_hours = labour_operation.standard_hours * quantity if hours is None else hours
        elif part is not None:
            kind = WorkOrderLine.Kind.PART
            code, name = part.number, part.name
            price = published_price(part, on=timezone.localdate()) if unit_price is None else unit_price
            line_hours = Decimal("0")
        else:
            if unit_price is None:
                raise ProcessError(_("A free-text item needs a price."))
            kind, code, name, price = kind or WorkOrderLine.Kind.LABOUR, "", description, unit_price
            line_hours = hours or Decimal("0")
        price = money(price)
        if price < 0:
            raise ProcessError(_("A price cannot be negative."))
        line = WorkOrderLine.objects.create(
            store_id=order.store_id, work_order=order, kind=kind,
            labour_operation=labour_operation, part=part, code=code,
            description=description or name, quantity=quantity, unit_price=price,
            hours=line_hours, amount=money(price * quantity), source=source,
            approval=approval, warranty=warranty, created_by=actor,
        )
        work_order_recalculate(work_order=order)
        WorkOrderEvent.objects.create(
            store_id=order.store_id, work_order=order, kind=WorkOrderEvent.Kind.LINE,
            actor=actor, message=N_("Added: %(desc)s × %(qty)s at ¥%(price)s"),
            params=message_params(desc=line.description, qty=format(line.quantity.normalize(), "f"), price=line.unit_price),
        )
    work_order.refresh_from_db()
    return line


def work_order_totals(*, work_order: WorkOrder) -> dict[str, Decimal]:
    """Totals payable by the customer: approved, non-warranty lines."""
    payable = Q(approval=WorkOrderLine.Approval.APPROVED, warranty=False)
    agg = WorkOrderLine.objects.filter(work_order=work_order).aggregate(
        labour=Sum("amount", filter=payable & Q(kind=WorkOrderLine.Kind.LABOUR)),
        parts=Sum("amount", filter=payable & Q(kind=WorkOrderLine.Kind.PART)),
    )
    labour = money(agg["labour"] or 0)
    parts = money(agg["parts"] or 0)
    return {"labour_total": labour, "parts_total": parts, "total": labour + parts}


def work_order_recalculate(*, work_order: WorkOrder) -> None:
    totals = work_order_totals(work_order=work_order)
    WorkOrder.objects.filter(pk=work_order.pk).update(**totals, version=F("version") + 1)
    for k, v in totals.items():
        setattr(work_order, k, v)


@dataclass(frozen=True)
class Override:
    """An authorised person lets a refused action go ahead, with a reason."""

    by: User
    reason: str


def work_order_transition(
    *,
    work_order: WorkOrder,
    to: str,
    actor: User | None,
    guards: Sequence[Guard] = (),
    changes: dict | None = None,
    message: str = "",
    params: dict | None = None,
    note: str = "",
    override: Override | None = None,
    expected_version: int | None = None,
    after: Callable[[WorkOrder], None] | None = None,
) -> WorkOrder:
    """The one door for every status change (conventions, habit 1).

    Locks the row, checks the move against the table, runs the stage's guards
    (GUARD rules), applies `changes`, saves, and writes one timeline event. A
    refused guard may be overridden only by an after-sales or group manager
    with a reason; the override is recorded on the event. `after` runs inside
    the transaction with the locked order (for rows that must change with the
    status)."""
    with transaction.atomic():
        order = work_order_lock(work_order_id=work_order.pk)
        if expected_version is not None and order.version != expected_version:
            raise ConflictError(
                _("Work order %(number)s was changed by someone else a moment ago. "
                  "Reload the page to see the latest version.") % {"number": order.number})
        WORK_ORDER.check(order, to)  # says what is missing, not only that two statuses do not connect
        refusals = [r for r in (guard(order) for guard in guards) if r is not None]
        if refusals:
            if override is None:
                attempts.about(order.pk)
                raise GuardRefused(refusals)
            if not override.by.has_role(*OVERRIDE_ROLES):
                raise OverrideNotAllowed(_("Only an after-sales manager can override this."))
            if not override.reason.strip():
                raise OverrideNotAllowed(_("An override needs a reason."))
        order.version += 1
        from_status = WORK_ORDER.move(order, to=to, fields=changes, whole=True)
        if after is not None:
            after(order)
        WorkOrderEvent.objects.create(
            store_id=order.store_id, work_order=order, kind=WorkOrderEvent.Kind.STATUS,
            from_status=from_status, to_status=to, actor=actor, note=note,
            message=message, params=message_params(**(params or {})),
            rule=", ".join(r.rule for r in refusals),
            override_by=override.by if refusals and override else None,
            override_reason=override.reason.strip() if refusals and override else "",
        )
    for field in [f.attname for f in WorkOrder._meta.concrete_fields]:
        setattr(work_order, field, getattr(order, field))
    return work_order


def work_order_note(*, work_order: WorkOrder, actor: User | None, message: str = "", params: dict | None = None,
                    note: str = "", rule: str = "", kind: str = WorkOrderEvent.Kind.NOTE) -> WorkOrderEvent:
    """A fact on the timeline: system text as a message id (translated when
    shown) and/or what a person wrote."""
    return WorkOrderEvent.objects.create(
        store_id=work_order.store_id, work_order=work_order, kind=kind, actor=actor,
        message=message, params=message_params(**(params or {})), note=note, rule=rule,
    )


# --- staff tasks (PROMPT) ---------------------------------------------------------

def staff_task_create(
    *,
    store: Store | int,
    message: str,
    key: str,
    params: dict | None = None,
    role: str = "",
    assignee: User | None = None,
    work_order: WorkOrder | None = None,
    link: str = "",
    urgent: bool = False,
    due_at: datetime | None = None,
) -> StaffTask | None:
    """Put a next step in front of a role or a person (PROMPT). Created at most
    once per key, so a retried job or a double click does not repeat it. The
    message is an English message id (N_), translated when shown. `urgent`
    when someone is waiting now, `due_at` when it must be done by then (the
    ranking of the task lists, docs/decisions.md "Tasks")."""
    store_id = store if isinstance(store, int) else store.pk
    task, created = StaffTask.objects.get_or_create(
        store_id=store_id, key=key,
        defaults={"message": message, "params": message_params(**(params or {})), "role": role,
                  "assignee": assignee, "work_order": work_order, "link": link, "urgent": urgent, "due_at": due_at},
    )
    return task if created else None


def staff_tasks_create(tasks: list[StaffTask]) -> None:
    """Many next steps at once (a sweep's alerts), each at most once per key:
    one INSERT … ON CONFLICT DO NOTHING. Build each StaffTask's params with
    `message_params`."""
    if tasks:
        StaffTask.objects.bulk_create(tasks, ignore_conflicts=True)


UPSERT_FIELDS = ("message", "params", "role", "assignee", "work_order", "link", "urgent", "due_at")


def staff_tasks_upsert(tasks: list[StaffTask]) -> None:
    """A job's alerts about subjects it may raise again (APT-11: the day-before
    and the hour-before check of one appointment): at most one OPEN task per
    subject, brought up to date instead of repeated. One
    INSERT … ON CONFLICT (store, subject) WHERE open DO UPDATE, so two workers
    at once and a rerun leave one task (the partial unique index decides, on
    SQLite and PostgreSQL alike); once that task is done, the next alert opens
    a new one. The subject says which task it is, so give each alert a key of
    its own run (e.g. with the sweep's claim token). Build params with
    `message_params`."""
    by_subject = {(t.store_id, t.subject): t for t in tasks}  # one row per conflict target in a statement
    if not by_subject:
        return
    if not all(subject for _, subject in by_subject):
        raise ValueError("staff_tasks_upsert needs a subject on each task")
    rows = list(by_subject.values())
    fields = [f for f in StaffTask._meta.concrete_fields if not f.primary_key]
    quote = connection.ops.quote_name
    updates = ", ".join(f"{quote(c)} = EXCLUDED.{quote(c)}" for c in
                        (StaffTask._meta.get_field(name).column for name in UPSERT_FIELDS))
    row = "(" + ", ".join(["%s"] * len(fields)) + ")"
    size = connection.ops.bulk_batch_size(fields, rows)  # SQLite's limit on parameters; all at once elsewhere
    with connection.cursor() as cursor:
        for start in range(0, len(rows), size):
            batch = rows[start:start + size]
            # the conflict target repeats the index's condition word for word: PostgreSQL and SQLite infer
            # a partial unique index only from its own WHERE
            cursor.execute(
                f"INSERT INTO {quote(StaffTask._meta.db_table)} ({', '.join(quote(f.column) for f in fields)}) "
                f"VALUES {', '.join([row] * len(batch))} "
                f"ON CONFLICT ({quote('store_id')}, {quote('subject')}) WHERE {quote('done_at')} IS NULL "
                f"DO UPDATE SET {updates}",
                [f.get_db_prep_save(f.pre_save(task, add=True), connection) for task in batch for f in fields])


def staff_tasks_close(*, work_order: WorkOrder, keys: Iterable[str] = (), subjects: Iterable[str] = (),
                      actor: User | None) -> int:
    return StaffTask.objects.filter(Q(key__in=list(keys)) | Q(subject__in=list(subjects)),
                                    store_id=work_order.store_id, work_order=work_order, done_at__isnull=True,
                                    ).update(done_at=timezone.now(), done_by=actor)


def sessions_end_everywhere(*, user: User) -> None:
    """Log the person out on every computer and tablet (a tablet left signed
    in, a password seen): every session signed in before now stops matching."""
    User.objects.filter(pk=user.pk).update(session_epoch=F("session_epoch") + 1)
    user.refresh_from_db(fields=["session_epoch"])
