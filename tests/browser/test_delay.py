"""REP-8 in the browser: on the workshop board the advisor sees a car that
will not be ready when promised, goes on from its row to tell the customer the
new time, is refused a time in the past on the form, and lands on the order
with the new time on its timeline."""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from dealership.models import Role, WorkOrder
from demo.builder import drive

from ..conftest import Team, new_order
from ..factories import LabourFactory, PartFactory, StoreFactory, VehicleFactory
from ..workshop.helpers import working
from .conftest import DESKTOP
from .test_walkthrough import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_rep8_the_advisor_tells_the_customer_a_new_time_from_the_boards_late_row(browser, live_server, shot):
    store = StoreFactory(name="天河4S店")
    team = Team(store)
    catalogue = {"labour": LabourFactory(store=store), "part": PartFactory(store=store)}
    order = drive(new_order(team, VehicleFactory(store=store, plate="粤A67890"), catalogue), WorkOrder.Status.SIGNED)
    working(order, team)
    WorkOrder.objects.filter(pk=order.pk).update(promised_at=timezone.now() - timedelta(minutes=30))

    page = log_in(browser, live_server, team[Role.SERVICE_ADVISOR], DESKTOP)
    page.goto(f"{live_server.url}/workshop/")
    row = page.locator("tr.late", has_text=order.number)
    expect(row).to_contain_text("已逾期")
    shot(page, "delay-board-late-row")
    row.locator("[data-testid=board-delay]").click()

    expect(page.locator("[data-testid=delay-form]")).to_be_visible()
    past = timezone.localtime(timezone.now() - timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M")
    page.fill("input[name=new_promised_at]", past)
    page.click("[data-testid=delay-form] button[type=submit]")
    expect(page.locator("[data-testid=delay-form] .invalid-feedback, [data-testid=delay-form] .alert-danger")
           ).to_contain_text("晚于当前时间")
    shot(page, "delay-refused-past")

    new_time = timezone.localtime(timezone.now() + timedelta(hours=3)).replace(second=0, microsecond=0)
    page.fill("input[name=new_promised_at]", new_time.strftime("%Y-%m-%dT%H:%M"))
    page.select_option("select[name=cause]", "parts")  # what the customer is told
    page.fill("textarea[name=reason]", "等待变速箱配件")
    page.click("[data-testid=delay-form] button[type=submit]")
    expect(page.locator(".alert-success")).to_contain_text("致电客户")  # no consent to messages: the advisor calls
    expect(page.locator("body")).to_contain_text("等待变速箱配件")
    shot(page, "delay-order-timeline")
    order.refresh_from_db()
    assert order.promised_at == new_time
