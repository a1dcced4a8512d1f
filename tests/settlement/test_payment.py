"""Stage 5 in the foundation: payment, settlement and the gate pass."""

from decimal import Decimal

import pytest
from django.urls import reverse

from dealership.errors import GuardRefused, ProcessError, TransitionNotAllowed
from dealership.models import WorkOrder
from settlement.models import GatePass
from settlement.services import amount_paid, gate_pass_issue, gate_pass_use, payment_record

from ..conftest import login

S = WorkOrder.Status


def test_set7_partial_payments_add_up_and_the_order_settles_when_paid_in_full(order_in, cashier):
    order = order_in(S.READY)
    total = order.total
    payment_record(work_order=order, cashier=cashier, amount=Decimal("100.10"), method="cash")
    order.refresh_from_db()
    assert order.status == S.READY
    payment_record(work_order=order, cashier=cashier, amount=total - Decimal("100.10"), method="wechat")
    order.refresh_from_db()
    assert order.status == S.SETTLED
    assert amount_paid(work_order=order) == total
    assert isinstance(amount_paid(work_order=order), Decimal)


def test_set7_more_than_the_balance_is_refused(order_in, cashier):
    order = order_in(S.READY)
    with pytest.raises(ProcessError):
        payment_record(work_order=order, cashier=cashier, amount=order.total + Decimal("0.01"), method="cash")


def test_set7_only_a_cashier_takes_money(order_in, advisor):
    order = order_in(S.READY)
    with pytest.raises(ProcessError):
        payment_record(work_order=order, cashier=advisor, amount=order.total, method="cash")


def test_set14_no_gate_pass_before_payment(order_in, cashier):
    order = order_in(S.READY)
    with pytest.raises(TransitionNotAllowed):
        gate_pass_issue(work_order=order, actor=cashier)
    assert not GatePass.objects.exists()


def test_set14_the_money_is_checked_again_when_the_pass_is_issued(order_in, cashier):
    order = order_in(S.SETTLED)
    order.payments.update(amount=Decimal("1.00"))  # a payment that somehow shrank
    with pytest.raises(GuardRefused) as exc:
        gate_pass_issue(work_order=order, actor=cashier)
    assert exc.value.rule == "SET-14"


def test_set14_a_gate_pass_is_used_once_and_only_in_its_store(order_in, team, other_team):
    order = order_in(S.DELIVERED)
    gate_pass = GatePass.objects.get(work_order=order)
    guard = team["gate_guard"]
    with pytest.raises(ProcessError):
        gate_pass_use(store_id=other_team.store.pk, number=gate_pass.number, guard=other_team["gate_guard"])
    used = gate_pass_use(store_id=team.store.pk, number=gate_pass.number.lower(), guard=guard)
    assert used.used_at and used.used_by == guard
    with pytest.raises(ProcessError) as exc:
        gate_pass_use(store_id=team.store.pk, number=gate_pass.number, guard=guard)
    assert exc.value.rule == "SET-14"


@pytest.mark.parametrize("amount, message", [("-5", "greater"), ("abc", "number"), ("99999", "balance"),
                                             ("", "required"), ("1.234", "decimal")])
def test_the_payment_form_refuses_bad_amounts_with_a_message(order_in, cashier, amount, message):
    order = order_in(S.READY)
    response = login(cashier, language="en").post(reverse("settlement:pay", args=[order.pk]),
                                   {"amount": amount, "method": "cash"})
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not order.payments.exists()


def test_the_gate_page_refuses_an_unknown_pass(team):
    response = login(team["gate_guard"]).post(reverse("settlement:gate_check"), {"number": "NOPE-1"})
    assert response.status_code == 400
    assert "SET-14" in response.content.decode()


def test_set14_checking_a_pass_uses_nothing_letting_the_car_out_uses_it(order_in, team):
    order = order_in(S.DELIVERED)
    gate_pass = GatePass.objects.get(work_order=order)
    client = login(team["gate_guard"])
    digits = gate_pass.number.split("G")[-1]
    response = client.post(reverse("settlement:gate_check"), {"number": digits})
    assert response.status_code == 200 and order.vehicle.plate in response.content.decode()
    gate_pass.refresh_from_db()
    assert gate_pass.used_at is None
    assert client.post(reverse("settlement:gate_release"), {"number": gate_pass.number}).status_code == 200
    gate_pass.refresh_from_db()
    assert gate_pass.used_at is not None
    again = client.post(reverse("settlement:gate_check"), {"number": gate_pass.number})
    assert again.status_code == 400 and "SET-14" in again.content.decode()
    assert client.post(reverse("settlement:gate_release"), {"number": gate_pass.number}).status_code == 400
