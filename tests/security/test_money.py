"""Money is Decimal everywhere, and what is stored agrees with its parts:
`check_money` recomputes line amounts, order totals and statement totals and
reports any difference."""

from decimal import Decimal
from io import StringIO

import pytest
from django.apps import apps
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import models

from dealership.models import WorkOrder, WorkOrderLine
from settlement.models import Statement
from settlement.services import statement_issue

from ..conftest import new_order
from ..factories import VehicleFactory

MONEY_WORDS = ("amount", "price", "total", "labour", "parts", "vat", "adjustment", "paid", "balance", "warranty",
               "quoted", "cost")


# the customer's 1-5 score for price and quote (FU-2); the number of rows in an imported file (issue 18)
NOT_MONEY = {"FollowUpCall.price", "ImportRun.rows_total"}


def test_no_model_stores_a_float_and_money_fields_are_decimal():
    floats, not_decimal = [], []
    for model in apps.get_models():
        if model.__module__.split(".")[0] not in {"dealership", "appointments", "reception", "workshop",
                                                 "inspection", "settlement", "followup"}:
            continue
        for f in model._meta.concrete_fields:
            if isinstance(f, models.FloatField):
                floats.append(f"{model.__name__}.{f.name}")
            if any(w in f.name for w in MONEY_WORDS) and f"{model.__name__}.{f.name}" not in NOT_MONEY and not isinstance(
                    f, models.DecimalField | models.ForeignKey | models.BooleanField | models.CharField
                    | models.DateField):
                not_decimal.append(f"{model.__name__}.{f.name}")
    assert floats == [] and not_decimal == []


def run():
    out = StringIO()
    try:
        call_command("check_money", stdout=out)
    except CommandError:
        return False, out.getvalue()
    return True, out.getvalue()


@pytest.fixture
def orders(team, catalogue, order_in):
    made = [new_order(team, VehicleFactory(store=team.store), catalogue) for _ in range(3)]
    ready = order_in(WorkOrder.Status.READY)
    statement_issue(work_order=ready, advisor=ready.advisor)
    return made


def test_everything_agrees_after_the_process(orders):
    ok, out = run()
    assert ok, out
    assert "lines: " in out and "statements: 1 checked, 0 different" in out


def test_a_changed_total_is_reported_with_the_order(orders):
    order = orders[1]
    WorkOrder.objects.filter(pk=order.pk).update(total=order.total + Decimal("0.01"))
    ok, out = run()
    assert not ok and f"work order total: {order.number}" in out and "work orders: " in out


def test_a_line_whose_amount_is_not_price_times_quantity_is_reported(orders):
    line = WorkOrderLine.objects.filter(work_order=orders[0]).first()
    WorkOrderLine.objects.filter(pk=line.pk).update(amount=line.amount + Decimal("1"))
    ok, out = run()
    assert not ok and f"line amount: {orders[0].number} / {line.description}" in out
    # the order's total was computed from the line as it was, so it no longer agrees either
    assert f"work order total: {orders[0].number}" in out


def test_a_statement_that_does_not_add_up_is_reported(orders):
    statement = Statement.objects.get()
    Statement.objects.filter(pk=statement.pk).update(total=statement.total - Decimal("10"))
    ok, out = run()
    assert not ok and f"statement total: {statement.number}" in out
