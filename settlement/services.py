"""Writes of stage 5: the statement, adjustments, payment, delivery and the gate pass."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal

from django.conf import settings
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from dealership.doors import Door
from dealership.errors import GuardRefused, ProcessError, Refusal
from dealership.messages import N_, quantity_text
from dealership.models import Role, StaffTask, User, Vehicle, WorkOrder, WorkOrderEvent, WorkOrderLine
from dealership.services import (
    money,
    staff_task_create,
    staff_tasks_close,
    store_next_sequence,
    work_order_lock,
    work_order_note,
    work_order_transition,
)
from dealership.workflow import refused_move, step_guard
from reception.signatures import signature_check
from workshop.models import OldPart

from .models import Adjustment, Delivery, GateAlert, GatePass, Payment, Statement
from .nextservice import next_service_compute
from .statement import StatementData, statement_build

S = WorkOrder.Status
CASHIERS = (Role.CASHIER,)
ADVISOR_ROLES = (Role.SERVICE_ADVISOR, Role.SERVICE_ASSISTANT)
MANAGER_ROLES = (Role.AFTERSALES_MANAGER, Role.GROUP_MANAGER)
SETTLING = (S.READY,)
DELIVERING = (S.READY, S.SETTLED)
ADJUSTMENT = Door(Adjustment, rule="SET-2")  # the table is Adjustment.TRANSITIONS
APPROVAL_WITHIN = timedelta(minutes=30)  # an adjustment waits for the manager while the customer waits to pay


def _in_store(order: WorkOrder, user: User) -> None:
    if not user.is_group_manager and user.store_id != order.store_id:
        raise ProcessError(_("That work order belongs to another store."))


# --- adjustments (SET-2) --------------------------------------------------------------

def adjustment_request(*, work_order: WorkOrder, actor: User, kind: str, amount: Decimal, reason: str,
                       line: WorkOrderLine | None = None, quantity: Decimal | None = None) -> Adjustment:
    """Ask to bill something other than the quote plus approved changes.
    It counts once a manager approved it; a manager's own is approved at once."""
    if not actor.has_role(*ADVISOR_ROLES, *MANAGER_ROLES):
        raise ProcessError(_("Only the service advisor or the manager changes a statement."))
    _in_store(work_order, actor)
    if kind not in Adjustment.Kind.values:
        raise ProcessError(_("Choose what kind of adjustment this is."))
    amount = money(Decimal(amount))
    if kind in (Adjustment.Kind.DISCOUNT, Adjustment.Kind.GOODWILL):
        amount = -abs(amount)  # what is typed is the reduction, whatever its sign
    if amount == 0 and kind != Adjustment.Kind.QUANTITY:
        raise ProcessError(_("Enter the amount of the adjustment (minus for less)."))
    if not reason.strip():
        raise ProcessError(_("An adjustment needs a reason: it is printed on the statement."), rule="SET-2")
    with transaction.atomic():
        order = work_order_lock(work_order_id=work_order.pk)
        if order.status not in SETTLING:
            raise ProcessError(_("Work order %(number)s is %(status)s: its statement can no longer change.")
                               % {"number": order.number, "status": order.get_status_display()})
        if amount < 0 and order.total + _approved_total(order) + amount < 0:
            raise ProcessError(_("The statement cannot go below zero."), rule="SET-2")
        if line is not None and line.work_order_id != order.pk:
            raise ProcessError(_("That item is not on this work order."))
        manager = actor.has_role(*MANAGER_ROLES)
        adjustment = Adjustment.objects.create(
            store_id=order.store_id, work_order=order, line=line, kind=kind, amount=amount, quantity=quantity,
            reason=reason.strip(), requested_by=actor,
            status=Adjustment.Status.APPROVED if manager else Adjustment.Status.PENDING,
            decided_by=actor if manager else None, decided_at=timezone.now() if manager else None)
        work_order_note(work_order=order, actor=actor, rule="SET-2",
                        message=N_("Statement adjustment ¥%(amount)s (%(kind)s): %(status)s"),
                        params={"amount": amount, "kind": Adjustment.Kind(kind).label,
                                "status": adjustment.get_status_display()}, note=adjustment.reason)
        if manager:
            _statement_supersede(order)
        else:
            staff_task_create(store=order.store_id, role=Role.AFTERSALES_MANAGER, work_order=order,
                              key=f"adj-{adjustment.pk}", link=f"/settlement/orders/{order.pk}/",
                              due_at=timezone.now() + APPROVAL_WITHIN,
                              message=N_("Approve a statement adjustment of ¥%(amount)s for %(plate)s"),
                              params={"amount": amount, "plate": order.vehicle.plate})
    return adjustment


def bill_as_issued(*, line: WorkOrderLine, actor: User, reason: str) -> Adjustment:
    """A part line whose issued quantity differs from the order: bill what
    was issued, with the manager's approval (SET-1, SET-2)."""
    data = statement_build(line.work_order)
    diff = next((d for d in data.differences if d.adjustable and d.line.pk == line.pk), None)
    if diff is None:
        raise ProcessError(_("That item has no quantity difference to settle."))
    if not reason.strip():
        with translation.override(settings.LANGUAGE_CODE):  # printed on the statement, in the shop's language
            reason = _("%(item)s billed as issued: × %(qty)s") % {"item": line.description, "qty": quantity_text(diff.issued)}
    return adjustment_request(work_order=line.work_order, actor=actor, kind=Adjustment.Kind.QUANTITY,
                              amount=diff.amount, line=line, quantity=diff.issued, reason=reason)


def adjustment_decide(*, adjustment: Adjustment, manager: User, approve: bool, note: str = "") -> Adjustment:
    """The manager approves or rejects a statement that differs from the quote
    (SET-2). An approval overrides the quote, so, as every override, it needs
    the manager's reason; a rejection leaves the bill as quoted and may go
    without one."""
    if not manager.has_role(*MANAGER_ROLES):
        raise ProcessError(_("Only the after-sales manager approves a statement adjustment."), rule="SET-2")
    if approve and not note.strip():
        raise ProcessError(_("Approving an adjustment overrides the quote: write the reason in the note."),
                           rule="SET-2", field="note")
    _in_store(adjustment.work_order, manager)
    with transaction.atomic():
        order = work_order_lock(work_order_id=adjustment.work_order_id)
        locked = Adjustment.objects.select_for_update().get(pk=adjustment.pk)
        if locked.status != Adjustment.Status.PENDING:
            raise ProcessError(_("This adjustment was already decided."))
        if order.status not in SETTLING:
            raise ProcessError(_("Work order %(number)s is %(status)s: its statement can no longer change.")
                               % {"number": order.number, "status": order.get_status_display()})
        ADJUSTMENT.move(locked, to=Adjustment.Status.APPROVED if approve else Adjustment.Status.REJECTED,
                        fields={"decided_by": manager, "decided_at": timezone.now(),
                                "decision_note": note.strip()[:200]})
        work_order_note(work_order=order, actor=manager, rule="SET-2",
                        message=N_("Statement adjustment ¥%(amount)s (%(kind)s): %(status)s"),
                        params={"amount": locked.amount, "kind": locked.get_kind_display(),
                                "status": locked.get_status_display()}, note=locked.decision_note)
        staff_tasks_close(work_order=order, keys=[f"adj-{locked.pk}"], actor=manager)
        if approve:
            _statement_supersede(order)
        staff_task_create(store=order.store_id, assignee=locked.requested_by, work_order=order,
                          key=f"adj-decided-{locked.pk}", link=f"/settlement/orders/{order.pk}/",
                          message=N_("The manager approved the adjustment for %(plate)s: issue the statement")
                          if approve else N_("The manager rejected the adjustment for %(plate)s"),
                          params={"plate": order.vehicle.plate})
    return locked


def _approved_total(order: WorkOrder) -> Decimal:
    return money(Adjustment.objects.filter(work_order=order, status=Adjustment.Status.APPROVED)
                 .aggregate(s=Sum("amount"))["s"] or 0)


def _statement_supersede(order: WorkOrder) -> None:
    """An approved change of the figures voids the statement issued before it."""
    Statement.objects.filter(work_order=order, superseded=False).update(superseded=True)


# --- the statement (SET-1…SET-3, SET-9) -------------------------------------------------

def current_statement(work_order: WorkOrder) -> Statement | None:
    return Statement.objects.filter(work_order=work_order, superseded=False).first()


def statement_issue(*, work_order: WorkOrder, advisor: User) -> Statement:
    """Issue the statement: only when it holds every item and part (SET-1),
    equals the signed quote plus approved changes, or differs only by what a
    manager approved (SET-2), at the prices quoted (SET-3). The next service
    is computed and kept for the reminder (SET-9)."""
    if not advisor.has_role(*ADVISOR_ROLES, *MANAGER_ROLES):
        raise ProcessError(_("The service advisor issues the statement."))
    _in_store(work_order, advisor)
    with transaction.atomic():
        order = work_order_lock(work_order_id=work_order.pk)
        if order.status not in SETTLING:
            raise ProcessError(_("Work order %(number)s is %(status)s: the statement is issued when the car is "
                                 "ready for delivery.") % {"number": order.number,
                                                            "status": order.get_status_display()}, rule="QC-9")
        issued = current_statement(order)
        if issued is not None:
            raise ProcessError(_("Statement %(number)s is already issued.") % {"number": issued.number})
        data = statement_build(order)
        refusals = [Refusal("SET-1", d.message) for d in data.differences]
        refusals += [Refusal("SET-2", _("The adjustment “%(reason)s” (¥%(amount)s) waits for the manager.")
                             % {"reason": a.reason, "amount": a.amount}) for a in data.pending]
        agreed = order.total + data.adjustment_total
        if data.total != agreed:
            refusals.append(Refusal("SET-2", _("The statement (¥%(total)s) differs from the quote plus approved "
                                               "changes (¥%(agreed)s).") % {"total": data.total, "agreed": agreed}))
        if refusals:
            raise GuardRefused(refusals)
        plan = next_service_compute(order, timezone.localdate())
        Vehicle.objects.filter(pk=order.vehicle_id).update(next_service_on=plan.on, next_service_km=plan.km)
        _statement_supersede(order)
        seq = store_next_sequence(store=order.store, key=f"statement-{timezone.localdate():%y}")
        statement = Statement.objects.create(
            store_id=order.store_id, work_order=order, number=f"{order.store.code}-J{timezone.localdate():%y}{seq:06d}",
            labour=data.labour, parts=data.parts, adjustments=data.adjustment_total, total=data.total,
            vat_rate_percent=data.vat_rate_percent, vat=data.vat, warranty=data.warranty, quoted=order.total,
            next_service_on=plan.on, next_service_km=plan.km, issued_by=advisor)
        work_order_note(work_order=order, actor=advisor, kind=WorkOrderEvent.Kind.PRINT, rule="SET-1",
                        message=N_("Statement %(number)s issued: ¥%(total)s; next service %(date)s or %(km)s km"),
                        params={"number": statement.number, "total": statement.total,
                                "date": plan.on.isoformat(), "km": plan.km})
        staff_tasks_close(work_order=order, actor=advisor, keys=[
            f"adj-decided-{pk}" for pk in Adjustment.objects.filter(work_order=order).values_list("pk", flat=True)])
        staff_task_create(store=order.store_id, role=Role.CASHIER, work_order=order, key=f"settle-{order.pk}",
                          link=f"/settlement/orders/{order.pk}/",
                          message=N_("Take payment for %(plate)s"), params={"plate": order.vehicle.plate})
        if data.total == 0 and amount_paid(work_order=order) == 0:
            work_order_transition(work_order=order, to=S.SETTLED, actor=advisor,
                                  message=N_("Nothing to pay (warranty or goodwill)."))
    return statement


# --- payment (SET-7) ------------------------------------------------------------------

def amount_paid(*, work_order: WorkOrder) -> Decimal:
    return money(Payment.objects.filter(work_order=work_order).aggregate(s=Sum("amount"))["s"] or 0)


def amount_due(*, work_order: WorkOrder) -> Decimal | None:
    statement = current_statement(work_order)
    return statement.total if statement else None


def _receipt_number(order: WorkOrder) -> str:
    seq = store_next_sequence(store=order.store, key=f"receipt-{timezone.localdate():%y}")
    return f"{order.store.code}-R{timezone.localdate():%y}{seq:06d}"


def payment_record(*, work_order: WorkOrder, cashier: User, amount: Decimal, method: str,
                   reference: str = "") -> Payment:
    """Take a payment against the issued statement (SET-7); partial payments
    add up, and the order is settled when paid in full. Two cashiers cannot
    both take the last payment: the order row is locked while the balance
    is computed."""
    if not cashier.has_role(*CASHIERS):
        raise ProcessError(_("Only a cashier can take a payment."))
    _in_store(work_order, cashier)
    if method not in Payment.Method.values:
        raise ProcessError(_("Choose how the customer pays."))
    amount = money(Decimal(amount))
    with transaction.atomic():
        order = work_order_lock(work_order_id=work_order.pk)
        if order.status != S.READY:  # a stale page: say what is missing, or that it is already settled
            refusal = refused_move(order, S.SETTLED)
            raise ProcessError(str(refusal.message), rule=refusal.rule)
        due = amount_due(work_order=order)
        if due is None:
            raise ProcessError(_("The advisor has not issued the statement yet: the customer pays what the "
                                 "statement says."), rule="SET-2")
        balance = due - amount_paid(work_order=order)
        if amount <= 0:
            raise ProcessError(_("Enter the amount received."))
        if amount > balance:
            raise ProcessError(_("¥%(amount)s is more than the balance of ¥%(balance)s.")
                               % {"amount": amount, "balance": balance}, rule="SET-7")
        payment = Payment.objects.create(store_id=order.store_id, work_order=order, amount=amount,
                                         method=method, reference=reference.strip(), received_by=cashier,
                                         receipt_number=_receipt_number(order))
        work_order_note(work_order=order, actor=cashier, kind=WorkOrderEvent.Kind.PAYMENT,
                        message=N_("Payment ¥%(amount)s (%(method)s), receipt %(receipt)s"),
                        params={"amount": amount, "method": Payment.Method(method).label,
                                "receipt": payment.receipt_number}, note=payment.reference)
        if amount == balance:
            _settle(order, cashier)
    work_order.refresh_from_db()
    return payment


def _settle(order: WorkOrder, actor: User) -> None:
    work_order_transition(
        work_order=order, to=S.SETTLED, actor=actor, message=N_("Paid in full."), guards=[_paid_in_full],
        after=lambda o: staff_tasks_close(work_order=o, keys=[f"settle-{o.pk}"], actor=actor))


def payment_void(*, payment: Payment, cashier: User, reason: str) -> Payment:
    """A payment taken by mistake is voided by a new, negative row (never an
    edit), before the order is settled."""
    if not cashier.has_role(*CASHIERS, *MANAGER_ROLES):
        raise ProcessError(_("Only a cashier can void a payment."))
    _in_store(payment.work_order, cashier)
    if not reason.strip():
        raise ProcessError(_("Say why the payment is voided."))
    with transaction.atomic():
        order = work_order_lock(work_order_id=payment.work_order_id)
        locked = Payment.objects.select_for_update().get(pk=payment.pk)
        if locked.kind != Payment.Kind.PAYMENT or Payment.objects.filter(reverses=locked).exists():
            raise ProcessError(_("This payment was already voided."))
        if order.status != S.READY:
            raise ProcessError(_("The order is settled: give a refund instead of voiding."))
        void = Payment.objects.create(store_id=order.store_id, work_order=order, kind=Payment.Kind.VOID,
                                      amount=-locked.amount, method=locked.method, reverses=locked,
                                      reason=reason.strip()[:200], received_by=cashier,
                                      receipt_number=locked.receipt_number)
        work_order_note(work_order=order, actor=cashier, kind=WorkOrderEvent.Kind.PAYMENT,
                        message=N_("Payment ¥%(amount)s voided (receipt %(receipt)s)"),
                        params={"amount": locked.amount, "receipt": locked.receipt_number}, note=void.reason)
    return void


def payment_refund(*, work_order: WorkOrder, cashier: User, amount: Decimal, method: str, reason: str) -> Payment:
    """Money back when more was paid than the statement now asks (after a
    goodwill adjustment, say): a new, negative row with a reason."""
    if not cashier.has_role(*CASHIERS):
        raise ProcessError(_("Only a cashier can give a refund."))
    _in_store(work_order, cashier)
    if not reason.strip():
        raise ProcessError(_("Say why the money is refunded."))
    amount = money(Decimal(amount))
    with transaction.atomic():
        order = work_order_lock(work_order_id=work_order.pk)
        due = amount_due(work_order=order) or Decimal("0")
        over = amount_paid(work_order=order) - due
        if amount <= 0 or amount > over:
            raise ProcessError(_("A refund can return at most what was paid above the statement: ¥%(over)s.")
                               % {"over": max(over, Decimal("0"))})
        refund = Payment.objects.create(store_id=order.store_id, work_order=order, kind=Payment.Kind.REFUND,
                                        amount=-amount, method=method, reason=reason.strip()[:200],
                                        received_by=cashier, receipt_number=_receipt_number(order))
        work_order_note(work_order=order, actor=cashier, kind=WorkOrderEvent.Kind.PAYMENT,
                        message=N_("Refund ¥%(amount)s (%(method)s)"),
                        params={"amount": amount, "method": Payment.Method(method).label}, note=refund.reason)
        if order.status == S.READY and amount == over and current_statement(order) is not None:
            _settle(order, cashier)
    return refund


@step_guard(S.DELIVERED)
@step_guard(S.SETTLED)
def _paid_in_full(order: WorkOrder) -> Refusal | None:
    due = amount_due(work_order=order)
    if due is None or amount_paid(work_order=order) < due:
        return Refusal("SET-14", _("The order is not paid in full."))
    return None


# --- delivery (SET-5…SET-8, SET-10, SET-11) -------------------------------------------------

DELIVERY_CHECKS = ("work_explained", "invoice_explained", "old_parts_shown", "further_work_explained",
                   "car_checked", "covers_removed")


@dataclass
class DeliveryInput:
    checks: Mapping[str, bool]
    wishes: Mapping[int, str]  # old part id -> take / dispose
    other_advisor_reason: str = ""
    declined_name: str = ""
    declined_signature: str = ""


def delivery_for(order: WorkOrder) -> Delivery:
    delivery, _created = Delivery.objects.get_or_create(work_order=order, defaults={"store_id": order.store_id})
    return delivery


def delivery_missing(order: WorkOrder, delivery: Delivery, advisor: User | None = None,
                     data: StatementData | None = None) -> list[Refusal]:
    """What still stands between the car and the customer."""
    labels = {f: Delivery._meta.get_field(f).verbose_name for f in DELIVERY_CHECKS}
    rules = {"work_explained": "SET-6", "invoice_explained": "SET-6", "old_parts_shown": "SET-8",
             "further_work_explained": "SET-10", "car_checked": "SET-6", "covers_removed": "SET-14"}
    out = [Refusal(rules[f], _("Not yet ticked: %(item)s.") % {"item": labels[f]})
           for f in DELIVERY_CHECKS if not getattr(delivery, f)]
    undecided = OldPart.objects.filter(work_order=order, wish=OldPart.Wish.UNDECIDED).count()
    if undecided:
        out.append(Refusal("SET-8", _("Ask the customer what to do with the old parts (%(n)s undecided).")
                           % {"n": undecided}))
    if (data or statement_build(order)).safety_declined and not delivery.declined_signature:
        out.append(Refusal("SET-11", _("The customer declines safety-critical work: they sign the declined-work "
                                       "form first.")))
    who = advisor or delivery.delivered_by
    if who is not None and who.pk != order.advisor_id and not delivery.other_advisor_reason.strip():
        out.append(Refusal("SET-5", _("%(advisor)s received this car and should deliver it; say why you deliver "
                                      "it instead.") % {"advisor": order.advisor}))
    return out


def delivery_confirm(*, work_order: WorkOrder, advisor: User, data: DeliveryInput, finish: bool) -> Delivery:
    """Save what was ticked at the car (nothing is lost when something is
    still missing), and with `finish` confirm the delivery: every check done,
    old parts decided, safety work declined only with the customer's
    signature, and the receiving advisor delivers or a reason says why not."""
    if not advisor.has_role(*ADVISOR_ROLES, *MANAGER_ROLES):
        raise ProcessError(_("The service advisor delivers the car."))
    _in_store(work_order, advisor)
    if data.declined_signature:
        signature_check(data.declined_signature)
        if not data.declined_name.strip():
            raise ProcessError(_("Write the name of the customer who signs."), rule="SET-11")
    with transaction.atomic():
        order = work_order_lock(work_order_id=work_order.pk)
        if order.status not in DELIVERING:  # a stale page: say what is missing, or that it is delivered
            refusal = refused_move(order, S.DELIVERED)
            raise ProcessError(str(refusal.message), rule=refusal.rule)
        delivery = delivery_for(order)
        if delivery.done_at:
            raise ProcessError(_("The delivery was already confirmed."))
        for f in DELIVERY_CHECKS:
            setattr(delivery, f, bool(data.checks.get(f)))
        delivery.other_advisor_reason = data.other_advisor_reason.strip()[:200]
        if data.declined_signature:
            delivery.declined_signature = data.declined_signature
            delivery.declined_signed_name = data.declined_name.strip()[:50]
            delivery.declined_signed_at = timezone.now()
        for part in OldPart.objects.filter(work_order=order, pk__in=list(data.wishes)):
            wish = data.wishes[part.pk]
            if wish in (OldPart.Wish.TAKE, OldPart.Wish.DISPOSE) and part.wish != wish:
                OldPart.objects.filter(pk=part.pk).update(wish=wish)
                work_order_note(work_order=order, actor=advisor, rule="SET-8",
                                message=N_("Old part %(part)s: %(wish)s"),
                                params={"part": part.description, "wish": OldPart.Wish(wish).label})
        delivery.save()
    if not finish:
        return delivery
    with transaction.atomic():  # what was ticked above stays saved even when something is missing
        order = work_order_lock(work_order_id=work_order.pk)
        delivery = Delivery.objects.select_for_update().get(pk=delivery.pk)
        missing = delivery_missing(order, delivery, advisor)
        if missing:
            raise GuardRefused(missing)
        delivery.delivered_by, delivery.done_at = advisor, timezone.now()
        delivery.save(update_fields=["delivered_by", "done_at", "updated_at"])
        work_order_note(work_order=order, actor=advisor, rule="SET-5" if delivery.other_advisor_reason else "",
                        message=N_("Delivery checklist done with the customer."),
                        note=delivery.other_advisor_reason)
    return delivery


# --- the gate pass (SET-14) -----------------------------------------------------------

@step_guard(S.DELIVERED)
def _delivery_done(order: WorkOrder) -> Refusal | None:
    if not Delivery.objects.filter(work_order=order, done_at__isnull=False).exists():
        return Refusal("SET-14", _("The delivery checklist with the customer is not done."))
    return None


def gate_pass_issue(*, work_order: WorkOrder, actor: User) -> GatePass:
    """SET-14: the gate pass only for a paid order whose delivery checklist
    is done (the status table allows delivered only after settled, and the
    guards re-check the money and the checklist)."""
    if not actor.has_role(*CASHIERS, *ADVISOR_ROLES, *MANAGER_ROLES):
        raise ProcessError(_("The cashier or the advisor issues the gate pass."))
    _in_store(work_order, actor)
    passes: list[GatePass] = []

    def create(order: WorkOrder) -> None:
        seq = store_next_sequence(store=order.store, key=f"gate-{timezone.localdate():%y}")
        passes.append(GatePass.objects.create(
            store_id=order.store_id, work_order=order, issued_by=actor,
            number=f"{order.store.code}-G{timezone.localdate():%y}{seq:06d}"))

    def create_and_close(order: WorkOrder) -> None:
        create(order)
        staff_tasks_close(work_order=order, keys=[f"ready-call-{order.pk}", f"settle-{order.pk}"], actor=actor)

    work_order_transition(work_order=work_order, to=S.DELIVERED, actor=actor,
                          guards=[_paid_in_full, _delivery_done],
                          after=create_and_close, message=N_("Gate pass issued; car delivered."))
    return passes[0]


def _flag(store_id: int, guard: User, reason: str, typed: str, plate: str = "",
          gate_pass: GatePass | None = None) -> None:
    """Record a refused pass and tell the manager (outside the caller's
    transaction: the refusal itself rolls nothing back)."""
    alert = GateAlert.objects.create(store_id=store_id, gate_pass=gate_pass, typed_number=typed[:40],
                                     typed_plate=plate[:12], reason=reason, guard=guard)
    staff_task_create(store=store_id, role=Role.AFTERSALES_MANAGER, key=f"gate-alert-{alert.pk}",
                      work_order=gate_pass.work_order if gate_pass else None, link="/settlement/gate/alerts/",
                      message=N_("Gate: %(reason)s (%(number)s)"),
                      params={"reason": GateAlert.Reason(reason).label, "number": typed[:40]})


def _normalise_plate(plate: str) -> str:
    return "".join(plate.split()).upper().replace("·", "")


def plate_matches(typed: str, plate: str) -> bool:
    """The plate as the guard types it: the province character (粤, 京 …)
    may be left out, since a phone keyboard makes it slow to type."""
    typed, plate = _normalise_plate(typed), _normalise_plate(plate)
    if not typed:
        return False
    return typed == plate or (typed.isascii() and not plate[:1].isascii() and typed == plate[1:])


def gate_pass_find(*, store_id: int, number: str, guard: User | None = None, plate: str = "") -> GatePass:
    """Look a pass up by its full number, or by the digits after the prefix
    (what a guard types on a phone). Looking changes nothing, but a refusal
    is flagged when a guard is named."""
    typed = "".join(number.split()).upper()
    qs = GatePass.objects.select_related("work_order__vehicle", "work_order__customer").filter(store_id=store_id)
    found = qs.filter(number=typed).first()
    if found is None and typed.isdigit() and len(typed) >= 4:
        matches = list(qs.filter(number__endswith=typed)[:2])
        found = matches[0] if len(matches) == 1 else None
    if found is None:
        if guard is not None:
            _flag(store_id, guard, GateAlert.Reason.UNKNOWN, typed, plate)
        raise ProcessError(_("No gate pass %(number)s in this store: do not let the car out.") % {"number": typed},
                           rule="SET-14")
    if found.used_at is not None:
        if guard is not None:
            _flag(store_id, guard, GateAlert.Reason.USED, typed, plate, found)
        raise ProcessError(_("Gate pass %(number)s was already used at %(at)s: do not let the car out.")
                           % {"number": found.number,
                              "at": timezone.localtime(found.used_at).strftime("%Y-%m-%d %H:%M")}, rule="SET-14")
    if plate and not plate_matches(plate, found.work_order.vehicle.plate):
        if guard is not None:
            _flag(store_id, guard, GateAlert.Reason.OTHER_CAR, typed, plate, found)
        raise ProcessError(_("Gate pass %(number)s is for %(plate)s, not for %(typed)s: do not let the car out.")
                           % {"number": found.number, "plate": found.work_order.vehicle.plate,
                              "typed": _normalise_plate(plate)}, rule="SET-14")
    return found


def gate_alerts_seen(*, manager: User) -> int:
    """The manager has read the refused passes: their tasks are done."""
    return StaffTask.objects.filter(store_id=manager.store_id, key__startswith="gate-alert-",
                                    done_at__isnull=True).update(done_at=timezone.now(), done_by=manager)


def gate_pass_use(*, store_id: int, number: str, guard: User, plate: str = "") -> GatePass:
    """The guard has compared the plate and lets the car out: the pass is
    used, once (a second use, even at the same moment, is refused)."""
    gate_pass = gate_pass_find(store_id=store_id, number=number, guard=guard, plate=plate)
    updated = GatePass.objects.filter(pk=gate_pass.pk, used_at__isnull=True).update(
        used_at=timezone.now(), used_by=guard)
    if updated != 1:
        return gate_pass_find(store_id=store_id, number=gate_pass.number, guard=guard)  # raises: used meanwhile
    gate_pass.refresh_from_db()
    work_order_note(work_order=gate_pass.work_order, actor=guard, rule="SET-14",
                    message=N_("Left through the gate with pass %(number)s."), params={"number": gate_pass.number})
    return gate_pass
