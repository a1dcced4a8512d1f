"""The day view, the arrivals board and the parts queue run a fixed number
of queries whatever the number of appointments (conventions, habit 12)."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from appointments.arrivals import ticket_walk_in
from appointments.preparation import parts_reserve
from dealership.models import Role

from ..conftest import login
from ..factories import LabourFactory, PartFactory, staff
from .helpers import at, book, tomorrow


def fill(team, n):
    job = LabourFactory(store=team.store, standard_hours=Decimal("0.10"))
    part = PartFactory(store=team.store, on_hand=100)
    advisors = [staff(Role.SERVICE_ADVISOR, team.store) for _ in range(n)]
    for i, advisor in enumerate(advisors):
        appointment = book(team, at(tomorrow(), 9), labour=[job], parts=[part], advisor=advisor)
        if i % 2:
            parts_reserve(appointment=appointment, actor=team[Role.PARTS_CLERK])
        ticket_walk_in(store=team.store, actor=team[Role.APPOINTMENT_AGENT], plate=f"粤A{i:05d}", name="客")


def count(client, url, params=None):
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url, params or {}).status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize("name, params, role", [
    ("appointments:list", {"day": None}, Role.SERVICE_ADVISOR),
    ("appointments:arrivals", {}, Role.SERVICE_ADVISOR),
    ("appointments:parts", {}, Role.PARTS_CLERK),
])
def test_pages_keep_a_fixed_number_of_queries(team, name, params, role):
    if "day" in params:
        params = {"day": tomorrow().isoformat()}
    client = login(team[role])
    fill(team, 2)
    small = count(client, reverse(name), params)
    fill(team, 8)
    large = count(client, reverse(name), params)
    assert large == small, (small, large)
    assert large <= 15
