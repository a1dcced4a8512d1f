"""make bench's seeding runs the compliance job (issue 21) over every month it
seeded, so the compliance page it measures reads real counts; the threshold
tasks of the months before this one are closed, as their managers would have."""

from datetime import datetime, time, timedelta

import pytest
from django.db import connection
from django.db.models import Count, F
from django.utils import timezone

from dealership.models import StaffTask, WorkOrder, WorkOrderLine
from demo.scale import compliance_months, dangling_references, months_from, seed_scale
from followup.compliance import task_key
from followup.models import ComplianceCount, ComplianceRun
from settlement.models import Delivery


def test_months_from_runs_from_the_first_seeded_month_to_this_one():
    now = timezone.now()
    this = timezone.localdate().replace(day=1)
    months = months_from(timezone.localdate() - timedelta(days=400), now)
    assert months[-1] == this and all(m.day == 1 for m in months)
    assert len(months) in (14, 15) and months == sorted(set(months))


def test_fu_x8_seeding_counts_each_month_and_closes_the_past_months_tasks(team, order_in):
    now = timezone.now()
    this = timezone.localdate().replace(day=1)
    back = (this - timedelta(days=40)).replace(day=1)  # two months ago
    earlier = order_in(WorkOrder.Status.DELIVERED)
    order_in(WorkOrder.Status.DELIVERED)  # delivered this month
    assert not earlier.customer.consent_to_messages  # phone only: an FU-X8 case each
    Delivery.objects.filter(work_order=earlier).update(
        done_at=timezone.make_aware(datetime.combine(back.replace(day=10), time(10))))

    report = compliance_months(store_ids=[team.store.pk], months=months_from(back, now), now=now, log=lambda _: None)

    assert report["months"] == 3 and ComplianceRun.objects.filter(trigger="seed", finished_at__isnull=False).count() == 3
    fu_x8 = dict(ComplianceCount.objects.filter(code="FU-X8", person_kind="").values_list("month", "cases"))
    assert fu_x8[back] == 1 and fu_x8[this] == 1  # the month between had no delivery: nothing to count
    assert StaffTask.objects.get(store=team.store, key=task_key(back, "FU-X8")).done_at is not None
    assert StaffTask.objects.get(store=team.store, key=task_key(this, "FU-X8")).done_at is None
    past_open = StaffTask.objects.filter(key__startswith="compliance-", done_at__isnull=True).exclude(
        key__startswith=task_key(this, ""))
    assert not past_open.exists()
    assert report["past_tasks_closed"] == StaffTask.objects.filter(key__startswith="compliance-").exclude(
        key__startswith=task_key(this, "")).count()


@pytest.mark.django_db(transaction=True)
def test_seeding_writes_every_order_with_references_that_resolve():
    """Issue 22: the seeding writes its chunks from two processes on PostgreSQL, each chunk in its own id
    ranges, with the foreign-key checks skipped; every reference must still name a row, and every order
    must have its three lines and its timeline."""
    workers = 2 if connection.vendor == "postgresql" else 1
    report = seed_scale(orders=240, log=lambda _: None, workers=workers, years=1)

    assert WorkOrder.objects.count() == report["rows"]["dealership.WorkOrder"] == 240
    assert WorkOrderLine.objects.count() == 720
    assert not WorkOrder.objects.annotate(n=Count("lines")).exclude(n=3).exists()
    assert not WorkOrder.objects.annotate(n=Count("events")).filter(n=0).exists()
    assert not WorkOrder.objects.exclude(store=F("customer__store")).exists()
    assert dangling_references() == {}
    # the sequences were moved past the ids written: a new row does not collide
    order = WorkOrder.objects.order_by("-id").first()
    assert WorkOrderLine.objects.create(store=order.store, work_order=order, kind="labour", code="X", description="x",
                                        quantity=1, unit_price=1, amount=1).pk > 0
