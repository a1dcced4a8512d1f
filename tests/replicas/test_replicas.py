"""Issue 23: reads on a real streaming replica. The managers' reading pages and the monthly report read the
replica; every write goes to the primary; a person who wrote reads the primary until the replica has their write;
a lagging or unreachable replica is passed over. Each test pauses the replica's replay to tell the two apart: what
the primary has and the paused replica has not shows where a page read."""

import re
import time

import pytest
from django.db import connections
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from dealership.models import Customer, Role
from dealership.replicas import WROTE_AT, primary_position, reading_from, reading_replica, usable_replica
from followup.models import MonthlyReport
from followup.report import monthly_report_generate
from tests.conftest import login
from tests.factories import CustomerFactory, staff

from .conftest import pause_replay, wait_for_replica

pytestmark = pytest.mark.django_db(transaction=True, databases="__all__")


def customers_shown(client) -> int:
    """The customers count on the exports page (a reading page: replica)."""
    page = client.get(reverse("dealership:exports"))
    assert page.status_code == 200
    found = re.search(r'data-testid="export-customers"[^>]*>[^<]*</a>\s*<span[^>]*>\s*([\d,]+)',
                      page.content.decode())
    assert found, "the exports page lists the customers table with its count"
    return int(found.group(1).replace(",", ""))


def test_a_reading_page_reads_the_replica_and_a_write_goes_to_the_primary(team, replica):
    manager = team[Role.AFTERSALES_MANAGER]
    CustomerFactory.create_batch(2, store=team.store)
    wait_for_replica()
    client = login(manager)
    assert customers_shown(client) == 2
    pause_replay()
    CustomerFactory(store=team.store)  # on the primary; the paused replica does not have it
    with CaptureQueriesContext(connections["replica1"]) as on_replica:
        assert customers_shown(client) == 2  # the page read the replica
    assert any("dealership_customer" in q["sql"] for q in on_replica.captured_queries)
    with reading_replica() as alias:
        assert alias == "replica1" and reading_from() == "replica1"
        assert Customer.objects.filter(store=team.store).count() == 2
        made = Customer.objects.create(store=team.store, name="赵敏", mobile="13900009999")  # a write: the primary
    assert reading_from() == "default"
    assert Customer.objects.filter(pk=made.pk).exists()  # read on the primary, outside
    assert Customer.objects.filter(store=team.store).count() == 4


def test_a_page_that_is_not_a_report_reads_the_primary(team, replica, advisor):
    pause_replay()
    customer = CustomerFactory(store=team.store, name="钱多多")
    with CaptureQueriesContext(connections["replica1"]) as on_replica:
        page = login(advisor).get(reverse("dealership:customer_search"), {"q": "钱多多"}, follow=True)
    assert page.status_code == 200 and customer.name in page.content.decode()
    assert on_replica.captured_queries == []


def test_the_person_who_wrote_reads_the_primary_until_the_replica_has_their_write(team, replica):
    """Read-your-writes: the manager who set a threshold sees it on the compliance page at once, although the
    replica is paused; a manager who wrote nothing reads the replica, which has the old threshold."""
    manager = team[Role.AFTERSALES_MANAGER]
    other = staff(Role.AFTERSALES_MANAGER, team.store)
    writer, reader = login(manager), login(other)
    wait_for_replica()
    pause_replay()
    assert writer.post(reverse("followup:compliance_thresholds"), {"REC-X9": "37"}).status_code == 302
    assert writer.session[WROTE_AT]  # the primary's position after the write, kept in the session

    def rec_x9_threshold(client) -> str:
        page = client.get(reverse("followup:compliance"))
        assert page.status_code == 200
        row = re.search(r"REC-X9.*?</tr>", page.content.decode(), re.S)
        return row.group(0)

    assert "37" in rec_x9_threshold(writer)  # the primary: the replica has not replayed the write
    assert "37" not in rec_x9_threshold(reader)  # the replica, a moment behind
    with connections["replica1"].cursor() as cursor:
        cursor.execute("SELECT pg_wal_replay_resume()")
    wait_for_replica()
    assert "37" in rec_x9_threshold(reader)
    with CaptureQueriesContext(connections["replica1"]) as on_replica:
        assert "37" in rec_x9_threshold(writer)  # caught up: the writer reads the replica again
    assert on_replica.captured_queries


def test_a_lagging_replica_is_passed_over(team, replica, settings):
    """Replay paused while the primary writes on: once it is further behind than REPLICA_MAX_LAG_SECONDS, the
    pages read the primary (which has the new customer); allowed more lag, they read the replica (which has not)."""
    manager = team[Role.AFTERSALES_MANAGER]
    client = login(manager)
    wait_for_replica()
    pause_replay()
    CustomerFactory(store=team.store)
    settings.REPLICA_MAX_LAG_SECONDS = 0.5
    time.sleep(1.0)
    assert usable_replica() is None
    with CaptureQueriesContext(connections["replica1"]) as on_replica:
        assert customers_shown(client) == 1
    assert not any("dealership_customer" in q["sql"] for q in on_replica.captured_queries)
    settings.REPLICA_MAX_LAG_SECONDS = 3600
    assert usable_replica() == "replica1"
    assert customers_shown(client) == 0


def test_a_replica_that_cannot_be_reached_is_passed_over(team, replica):
    manager = team[Role.AFTERSALES_MANAGER]
    CustomerFactory(store=team.store)
    client = login(manager)
    replica_settings = connections["replica1"].settings_dict
    port = replica_settings["PORT"]
    connections["replica1"].close()
    replica_settings["PORT"] = "1"  # nothing listens there
    try:
        assert usable_replica() is None
        assert customers_shown(client) == 1  # the primary served the page
    finally:
        connections["replica1"].close()
        replica_settings["PORT"] = port
    assert usable_replica() == "replica1"


def test_the_monthly_report_reads_the_replica_only_once_it_has_the_counts(team, replica):
    """The job counts the month on the primary, then renders each report on a replica that has replayed those
    counts: behind them, the primary; caught up, the replica."""
    store = team.store
    month = "2026-11"
    pause_replay()
    CustomerFactory(store=store)  # the primary moves on past the replica (as the job's counts do)
    counted = primary_position()
    with CaptureQueriesContext(connections["replica1"]) as on_replica:
        report = monthly_report_generate(group=store.group, store=store, month=month, after=counted)
    assert report.pdf and len(on_replica.captured_queries) == 1  # the state check only: the primary rendered it
    with connections["replica1"].cursor() as cursor:
        cursor.execute("SELECT pg_wal_replay_resume()")
    wait_for_replica()
    with CaptureQueriesContext(connections["replica1"]) as on_replica:
        again = monthly_report_generate(group=store.group, store=store, month=month, after=counted)
    assert len(on_replica.captured_queries) > 1  # the figures were read on the replica
    assert again.pk == report.pk and MonthlyReport.objects.filter(store=store).count() == 1
