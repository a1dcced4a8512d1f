"""List and board pages of every stage keep a fixed number of queries as the
data grows (conventions, habit 12)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from dealership.models import Role
from demo.builder import drive
from followup.services import followup_tasks_create_due

from .conftest import login, new_order
from .factories import VehicleFactory

STATUSES = ["draft", "signed", "in_repair", "repair_done", "qc_failed", "qc_passed", "ready", "settled",
            "delivered"]


def fill(team, catalogue, n):
    for i in range(n):
        order = new_order(team, VehicleFactory(store=team.store), catalogue)
        if STATUSES[i % len(STATUSES)] != "draft":
            drive(order, STATUSES[i % len(STATUSES)])
    followup_tasks_create_due()


def count(client, url):
    client.get(url)  # warm: the dashboard keeps its figures for a few minutes (DASHBOARD_CACHE_SECONDS)
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize("name, role", [
    ("dealership:orders", Role.SERVICE_ADVISOR), ("reception:desk", Role.SERVICE_ADVISOR),
    ("workshop:mine", Role.TECHNICIAN), ("workshop:board", Role.FOREMAN), ("workshop:dispatch", Role.FOREMAN),
    ("workshop:parts_counter", Role.PARTS_CLERK), ("inspection:queue", Role.QC_INSPECTOR),
    ("settlement:queue", Role.CASHIER), ("followup:queue", Role.FOLLOWUP_AGENT),
    ("followup:overview", Role.AFTERSALES_MANAGER), ("dealership:parts", Role.PARTS_CLERK),
])
def test_list_pages_keep_a_fixed_number_of_queries(team, catalogue, name, role):
    client = login(team[role])
    fill(team, catalogue, 9)
    small = count(client, reverse(name))
    fill(team, catalogue, 18)
    large = count(client, reverse(name))
    assert large == small, (small, large)
    assert large <= 15, large


def test_the_settlement_page_keeps_a_fixed_number_of_queries(team, vehicle, catalogue):
    """However many items, payments and old parts an order has."""
    from decimal import Decimal

    from dealership.models import WorkOrder, WorkOrderLine
    from dealership.services import work_order_add_line
    from settlement.services import payment_record, statement_issue

    def settled_page(extra_lines: int) -> int:
        order = new_order(team, VehicleFactory(store=team.store), catalogue)
        for _ in range(extra_lines):
            work_order_add_line(work_order=order, actor=order.advisor, part=catalogue["part"],
                                source=WorkOrderLine.Source.RECEPTION)
            work_order_add_line(work_order=order, actor=order.advisor, labour_operation=catalogue["labour"],
                                source=WorkOrderLine.Source.RECEPTION)
        catalogue["part"].on_hand = Decimal("100")
        catalogue["part"].save()
        order = drive(order, WorkOrder.Status.READY)
        statement_issue(work_order=order, advisor=order.advisor)
        for _ in range(extra_lines):
            payment_record(work_order=order, cashier=team[Role.CASHIER], amount=Decimal("1.00"), method="cash")
        return count(login(team[Role.CASHIER]), reverse("settlement:order", args=[order.pk]))

    small, large = settled_page(1), settled_page(6)
    assert large == small, (small, large)
    assert large <= 30, large
