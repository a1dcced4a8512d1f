"""Issue 16 in the browser: an advisor with 25 open tasks sees the most
urgent ones first on the desk, how many there are, and opens all of them."""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from dealership.models import Role, StaffTask, WorkOrder
from demo.builder import drive
from workshop.changes import finding_report

from ..conftest import Team, new_order
from ..factories import LabourFactory, PartFactory, StoreFactory, VehicleFactory
from .conftest import DESKTOP
from .test_walkthrough import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_rep3_the_advisor_sees_25_tasks_most_urgent_first_and_opens_them_all(browser, live_server, shot):
    store = StoreFactory(name="天河4S店")
    team = Team(store)
    advisor = team[Role.SERVICE_ADVISOR]
    catalogue = {"labour": LabourFactory(store=store), "part": PartFactory(store=store)}
    order = drive(new_order(team, VehicleFactory(store=store, plate="粤A12345"), catalogue), WorkOrder.Status.IN_REPAIR)
    StaffTask.objects.filter(store=store).delete()  # only the tasks below
    now = timezone.now()
    for k in range(22):
        task = StaffTask.objects.create(
            store=store, key=f"call-{k}", assignee=advisor, message="Call %(name)s: %(plate)s is ready to collect",
            params={"name": f"客户{k:02}", "plate": f"粤B{10000 + k}"},
            due_at=now + timedelta(hours=k - 2) if k % 3 == 0 else None)
        StaffTask.objects.filter(pk=task.pk).update(created_at=now - timedelta(hours=30 - k))
    StaffTask.objects.create(store=store, key="adj", role=Role.SERVICE_ADVISOR,
                             message="Approve a statement adjustment of ¥%(amount)s for %(plate)s",
                             params={"amount": "200.00", "plate": "粤C88888"}, due_at=now - timedelta(minutes=20))
    StaffTask.objects.create(store=store, key="arrived", assignee=advisor, urgent=True,
                             message="Your %(when)s customer %(name)s (%(plate)s) has arrived",
                             params={"when": "10:00", "name": "王芳", "plate": "粤D55555"})
    finding_report(work_order=order, actor=team[Role.TECHNICIAN], description="左前减震器漏油")

    page = log_in(browser, live_server, advisor, DESKTOP)
    expect(page.locator("[data-testid=my-tasks-count]")).to_have_text("25")
    top = page.locator("[data-testid=my-tasks] li")
    # the two where someone waits come first: the customer at the desk, the finding reported a moment ago
    expect(top.nth(0)).to_contain_text("紧急")
    expect(top.nth(0)).to_contain_text("粤D55555")
    expect(top.nth(1)).to_contain_text("紧急")
    expect(top.nth(1)).to_contain_text("粤A12345")
    expect(top.nth(2)).to_contain_text("已逾期")
    shot(page, "tasks-desk")

    page.click("[data-testid=all-tasks]")
    expect(page.locator("[data-testid=tasks-count]")).to_have_text("25")
    expect(page.locator("[data-testid=all-tasks] tbody tr")).to_have_count(20)
    shot(page, "tasks-all-page-1")
    page.click("text=下一页")
    expect(page.locator("[data-testid=all-tasks] tbody tr")).to_have_count(5)
    shot(page, "tasks-all-page-2")

    page.goto(f"{live_server.url}/orders/{order.pk}/")
    expect(page.locator("[data-testid=order-tasks]")).to_contain_text("左前减震器漏油")
    shot(page, "tasks-order")
