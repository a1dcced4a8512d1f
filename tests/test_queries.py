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
    assert large <= 15
