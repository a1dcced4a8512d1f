"""Issue 23: the closed years out of the append-only tables (dealership/archive.py, `manage.py archive_years`).
What nothing needs moves to the archive tables; what is still needed stays, whatever its age: an open order's
timeline, a closed order's with a later event, a message still waiting to go; the months must be counted first;
the order page reads an archived order from the archive; running it again moves nothing more."""

from datetime import date, datetime, timedelta

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from dealership.archive import ArchiveRefused, archive_table, archive_years, archived_before
from dealership.models import (
    OutboundMessage,
    RefusedAttempt,
    Role,
    SettingChange,
    WorkOrder,
    WorkOrderEvent,
)
from dealership.notify import Draft, customer_messages_record
from dealership.services import work_order_note
from followup.compliance import compliance_count
from followup.models import ComplianceRun

from ..conftest import login
from ..factories import CustomerFactory

S = WorkOrder.Status
OLD = timezone.make_aware(datetime(2021, 3, 15, 10, 0))


def back_to(order: WorkOrder, when: datetime) -> None:
    """The order and its timeline as if they happened at `when`."""
    WorkOrder.objects.filter(pk=order.pk).update(created_at=when)
    WorkOrderEvent.objects.filter(work_order=order).update(at=when)


def counted_through(first_kept: date) -> None:
    """The compliance job's counts kept for every month with events before `first_kept`."""
    month = date(2021, 1, 1)
    while month < first_kept:
        ComplianceRun.objects.create(month=month, trigger="job", started_at=timezone.now(), finished_at=timezone.now())
        month = (month + timedelta(days=32)).replace(day=1)


def events_of(order) -> set[int]:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT id FROM {archive_table(WorkOrderEvent)} WHERE work_order_id = %s", [order.pk])
        return {row[0] for row in cursor.fetchall()}


def archived_ids(model) -> set[int]:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT id FROM {connection.ops.quote_name(archive_table(model))}")
        return {row[0] for row in cursor.fetchall()}


@pytest.fixture
def years_ago(team, order_in):
    """2021: a closed order, a cancelled one, an order still open, and a closed order noted on again in 2025; a
    message sent and one still waiting for a retry; a settings change and a refused attempt."""
    closed, cancelled, still_open, noted = (order_in(S.CLOSED), order_in(S.CANCELLED), order_in(S.IN_REPAIR),
                                           order_in(S.CLOSED))
    for order in (closed, cancelled, still_open, noted):
        back_to(order, OLD)
    work_order_note(work_order=noted, actor=team[Role.SERVICE_ADVISOR], message="A later word.")
    WorkOrderEvent.objects.filter(work_order=noted, at__gt=OLD).update(at=OLD.replace(year=2025))
    customer = CustomerFactory(store=team.store, consent_to_messages=True)
    customer_messages_record([Draft(team.store.pk, customer, "old-sent", "s", "b", work_order_id=closed.pk),
                              Draft(team.store.pk, customer, "old-waiting", "s", "b")])
    OutboundMessage.objects.filter(key="old-sent").update(status=OutboundMessage.Status.SENT, created_at=OLD)
    OutboundMessage.objects.filter(key="old-waiting").update(status=OutboundMessage.Status.RETRYING, created_at=OLD)
    manager = team[Role.AFTERSALES_MANAGER]
    old_change = SettingChange.objects.create(store=team.store, actor=manager, model="dealership.store",
                                              object_id=str(team.store.pk), object_text="s", field="name")
    SettingChange.objects.filter(pk=old_change.pk).update(at=OLD)
    refused = RefusedAttempt.objects.create(store=team.store, rule="REC-12", message="no")
    RefusedAttempt.objects.filter(pk=refused.pk).update(at=OLD)
    return {"closed": closed, "cancelled": cancelled, "open": still_open, "noted": noted, "change": old_change,
            "refused": refused}


def test_what_nothing_needs_moves_and_what_is_still_needed_stays(years_ago):
    closed, cancelled, still_open, noted = (years_ago[k] for k in ("closed", "cancelled", "open", "noted"))
    events = {o.pk: set(WorkOrderEvent.objects.filter(work_order=o).values_list("pk", flat=True))
              for o in (closed, cancelled, still_open, noted)}
    counted_through(date(2024, 1, 1))
    moved = archive_years(before=2024)
    assert moved["dealership_workorderevent"] == len(events[closed.pk]) + len(events[cancelled.pk])
    assert archived_ids(WorkOrderEvent) == events[closed.pk] | events[cancelled.pk]
    # still needed: the open order's timeline, and the whole timeline of an order with a later event
    assert set(WorkOrderEvent.objects.filter(work_order=still_open).values_list("pk", flat=True)) == events[still_open.pk]
    assert set(WorkOrderEvent.objects.filter(work_order=noted).values_list("pk", flat=True)) == events[noted.pk]
    assert list(OutboundMessage.objects.values_list("key", flat=True)) == ["old-waiting"]  # still to be sent
    assert moved["dealership_outboundmessage"] == 1
    assert not SettingChange.objects.filter(pk=years_ago["change"].pk).exists()
    assert archived_ids(SettingChange) == {years_ago["change"].pk}
    assert archived_ids(RefusedAttempt) == {years_ago["refused"].pk}
    assert archived_before() == date(2024, 1, 1)
    # again: nothing more moves, nothing is copied twice
    assert set(archive_years(before=2024).values()) == {0}
    assert archived_ids(WorkOrderEvent) == events[closed.pk] | events[cancelled.pk]


def test_refused_until_the_months_are_counted_and_for_a_year_not_over(years_ago):
    with pytest.raises(ArchiveRefused, match="2021-03"):
        archive_years(before=2024)
    assert WorkOrderEvent.objects.filter(work_order=years_ago["closed"]).exists()  # nothing moved
    with pytest.raises(CommandError, match="not over"):
        call_command("archive_years", before=timezone.localdate().year + 1)
    counted_through(date(2024, 1, 1))
    assert archive_years(before=2024, dry_run=True)["dealership_workorderevent"] > 0
    assert WorkOrderEvent.objects.filter(work_order=years_ago["closed"]).exists()  # a dry run moves nothing


def test_the_order_page_reads_an_archived_order_from_the_archive(years_ago, team):
    closed = years_ago["closed"]
    counted_through(date(2024, 1, 1))
    archive_years(before=2024)
    assert not WorkOrderEvent.objects.filter(work_order=closed).exists()
    page = login(team[Role.SERVICE_ADVISOR]).get(reverse("dealership:order", args=[closed.pk]))
    assert page.status_code == 200
    html = page.content.decode()
    timeline = html.split('data-testid="timeline"', 1)[1].split("</ul>", 1)[0]
    assert timeline.count("<li") == len(archived_ids(WorkOrderEvent) & events_of(closed)) > 3  # from the archive
    assert timeline.count("2021-03-15") == timeline.count("<li")


def test_an_archived_month_is_not_counted_again(years_ago):
    counted_through(date(2024, 1, 1))
    archive_years(before=2024)
    kept = ComplianceRun.objects.get(month=date(2021, 3, 1))
    assert compliance_count(month=date(2021, 3, 1)).pk == kept.pk
    assert ComplianceRun.objects.filter(month=date(2021, 3, 1)).count() == 1


def test_the_recount_button_says_an_archived_month_stands(years_ago, team, django_capture_on_commit_callbacks):
    counted_through(date(2024, 1, 1))
    archive_years(before=2024)
    client = login(team[Role.AFTERSALES_MANAGER], language="en")
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        page = client.post(reverse("followup:compliance_recount"), {"month": "2021-03"}, follow=True)
    assert "This month is archived" in page.content.decode()
    assert callbacks == [] and ComplianceRun.objects.filter(month=date(2021, 3, 1)).count() == 1
