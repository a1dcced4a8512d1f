"""Writes of stage 5: payment, settlement and the gate pass."""

from decimal import Decimal

from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from dealership.errors import ProcessError, Refusal
from dealership.messages import N_
from dealership.models import Role, User, WorkOrder, WorkOrderEvent
from dealership.services import (
    money,
    staff_tasks_close,
    store_next_sequence,
    work_order_lock,
    work_order_note,
    work_order_transition,
)

from .models import GatePass, Payment

S = WorkOrder.Status
CASHIERS = (Role.CASHIER,)


def amount_paid(*, work_order: WorkOrder) -> Decimal:
    return money(Payment.objects.filter(work_order=work_order).aggregate(s=Sum("amount"))["s"] or 0)


def payment_record(*, work_order: WorkOrder, cashier: User, amount: Decimal, method: str,
                   reference: str = "") -> Payment:
    """Take a payment (SET-7); partial payments add up, and the order is
    settled when paid in full. Two cashiers cannot both take the last
    payment: the order row is locked while the balance is computed."""
    if not cashier.has_role(*CASHIERS):
        raise ProcessError(_("Only a cashier can take a payment."))
    amount = money(amount)
    with transaction.atomic():
        order = work_order_lock(work_order_id=work_order.pk)
        if order.status != S.READY:
            raise ProcessError(_("Work order %(number)s is not ready for settlement (%(status)s).")
                               % {"number": order.number, "status": order.get_status_display()}, rule="QC-9")
        balance = order.total - amount_paid(work_order=order)
        if amount < 0 or (amount == 0 and balance > 0):
            raise ProcessError(_("Enter the amount received."))
        if amount > balance:
            raise ProcessError(_("¥%(amount)s is more than the balance of ¥%(balance)s.")
                               % {"amount": amount, "balance": balance})
        payment = Payment.objects.create(store_id=order.store_id, work_order=order, amount=amount,
                                         method=method, reference=reference.strip(), received_by=cashier)
        work_order_note(work_order=order, actor=cashier, kind=WorkOrderEvent.Kind.PAYMENT,
                        message=N_("Payment ¥%(amount)s (%(method)s)"),
                        params={"amount": amount, "method": Payment.Method(method).label}, note=payment.reference)
        if amount == balance:
            work_order_transition(
                work_order=order, to=S.SETTLED, actor=cashier, message=N_("Paid in full."),
                guards=[_paid_in_full],
                after=lambda o: staff_tasks_close(work_order=o, keys=[f"settle-{o.pk}"], actor=cashier))
    work_order.refresh_from_db()
    return payment


def _paid_in_full(order: WorkOrder) -> Refusal | None:
    if amount_paid(work_order=order) < order.total:
        return Refusal("SET-14", _("The order is not paid in full."))
    return None


def gate_pass_issue(*, work_order: WorkOrder, actor: User) -> GatePass:
    """SET-14: the gate pass only for a paid order (the status table allows
    delivered only after settled, and the guard re-checks the money)."""
    passes: list[GatePass] = []

    def create(order: WorkOrder) -> None:
        seq = store_next_sequence(store=order.store, key=f"gate-{timezone.localdate():%y}")
        passes.append(GatePass.objects.create(
            store_id=order.store_id, work_order=order, issued_by=actor,
            number=f"{order.store.code}-G{timezone.localdate():%y}{seq:06d}"))

    work_order_transition(work_order=work_order, to=S.DELIVERED, actor=actor, guards=[_paid_in_full],
                          after=create, message=N_("Gate pass issued; car delivered."))
    return passes[0]


def gate_pass_find(*, store_id: int, number: str) -> GatePass:
    """Look a pass up by its full number, or by the digits after the prefix
    (what a guard types on a phone). Looking changes nothing."""
    typed = "".join(number.split()).upper()
    qs = GatePass.objects.select_related("work_order__vehicle", "work_order__customer").filter(store_id=store_id)
    found = qs.filter(number=typed).first()
    if found is None and typed.isdigit() and len(typed) >= 4:
        matches = list(qs.filter(number__endswith=typed)[:2])
        found = matches[0] if len(matches) == 1 else None
    if found is None:
        raise ProcessError(_("No gate pass %(number)s in this store: do not let the car out.") % {"number": typed},
                           rule="SET-14")
    if found.used_at is not None:
        raise ProcessError(_("Gate pass %(number)s was already used at %(at)s: do not let the car out.")
                           % {"number": found.number,
                              "at": timezone.localtime(found.used_at).strftime("%Y-%m-%d %H:%M")}, rule="SET-14")
    return found


def gate_pass_use(*, store_id: int, number: str, guard: User) -> GatePass:
    """The guard has compared the plate and lets the car out: the pass is
    used, once (a second use, even at the same moment, is refused)."""
    gate_pass = gate_pass_find(store_id=store_id, number=number)
    updated = GatePass.objects.filter(pk=gate_pass.pk, used_at__isnull=True).update(
        used_at=timezone.now(), used_by=guard)
    if updated != 1:
        return gate_pass_find(store_id=store_id, number=gate_pass.number)  # raises: used meanwhile
    gate_pass.refresh_from_db()
    return gate_pass
