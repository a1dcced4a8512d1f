"""Issue 20 in the browser, on a phone (390×844): the customer opens the link sent at signing, sees the car move
from step to step while the page stays open (the staff move it; the page asks for the news by itself), and
decides a finding there."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from dealership.models import Role, WorkOrder
from demo.builder import drive
from reception.links import status_token
from workshop.changes import finding_price, finding_report
from workshop.models import Finding

from ..conftest import Team, new_order
from ..factories import CustomerFactory, LabourFactory, PartFactory, StoreFactory, VehicleFactory
from ..mycar.test_status import photo
from ..workshop.helpers import working
from .conftest import PHONE

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def current_step(page):
    return page.locator("#car-status [aria-current=step]")


def test_the_customer_follows_the_car_on_a_phone_and_approves_a_finding(browser, live_server, shot, settings):
    settings.MYCAR_POLL_SECONDS = 1
    store = StoreFactory(name="天河4S店", phone="020-88886666")
    team = Team(store)
    catalogue = {"labour": LabourFactory(store=store), "part": PartFactory(store=store)}
    owner = CustomerFactory(store=store, name="王芳", title="ms")
    order = drive(new_order(team, VehicleFactory(store=store, customer=owner, plate="粤A12345"), catalogue),
                  WorkOrder.Status.SIGNED)

    context = browser.new_context(viewport=PHONE, locale="zh-CN", is_mobile=True, has_touch=True)
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.goto(f"{live_server.url}/my/{status_token(order)}/")
    expect(page.locator("h1")).to_contain_text("王女士")
    expect(current_step(page)).to_have_attribute("data-step", "received")
    expect(current_step(page)).to_contain_text("已接车")
    page.evaluate("window.stillTheSamePage = true")
    shot(page, "mycar-received")

    working(order, team)  # the technician clocks on: the car is in the workshop
    expect(current_step(page)).to_have_attribute("data-step", "workshop")
    expect(current_step(page)).to_contain_text("车间维修中")
    assert page.evaluate("window.stillTheSamePage") is True  # no reload: the step came by itself
    shot(page, "mycar-workshop")

    finding = finding_report(work_order=order, actor=team[Role.TECHNICIAN], description="左前减震器漏油",
                             photo=photo())
    shock = LabourFactory(store=store, name="更换前减震器", price=Decimal("420"))
    strut = PartFactory(store=store, name="前减震器", price=Decimal("860"), on_hand=4)
    finding_price(finding=finding, actor=team[Role.SERVICE_ADVISOR], labour=[(shock, Decimal(1))],
                  parts=[(strut, Decimal(1))], new_promised_at=timezone.now() + timedelta(hours=6))
    expect(current_step(page)).to_have_attribute("data-step", "approval")
    offer = page.locator("[data-testid=offer]")
    expect(offer).to_contain_text("左前减震器漏油")
    expect(offer.locator("img")).to_have_js_property("complete", True)
    assert offer.locator("img").evaluate("img => img.naturalWidth") > 0  # the photo came through its link
    assert page.evaluate("window.stillTheSamePage") is True
    shot(page, "mycar-approval")

    labels = offer.locator("label.btn-outline-success")
    labels.nth(0).click()  # yes to the labour
    offer.locator("label.btn-outline-secondary").nth(1).click()  # no to the part
    page.wait_for_timeout(2500)  # two polls: a half-made decision is not wiped by the refresh
    expect(offer.locator("input[value=approve]").nth(0)).to_be_checked()
    expect(offer.locator("input[value=decline]").nth(1)).to_be_checked()
    page.fill("[data-testid=decision-form] textarea", "下午来取车")
    shot(page, "mycar-deciding")
    with page.expect_navigation():
        offer.locator("button[type=submit]").click()
    decided = page.locator("[data-testid=decided]")
    expect(decided).to_contain_text("您已同意，我们将为您维修")
    expect(decided).to_contain_text("您未同意，本次不做")
    expect(current_step(page)).to_have_attribute("data-step", "workshop")
    finding.refresh_from_db()
    assert (finding.status, finding.decided_via, finding.decided_note) == (Finding.Status.DECIDED, "link", "下午来取车")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"the page is wider than the phone: {width}px"
    shot(page, "mycar-decided")
    context.close()
