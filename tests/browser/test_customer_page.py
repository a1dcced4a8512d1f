"""Issue 18 in the browser: a customer calls; the advisor types the plate in
the header (without its province character) and lands on the car's page with
its visits, the statement and follow-up of each, and the work still due."""

from decimal import Decimal

import pytest
from playwright.sync_api import expect

from dealership.models import Role, WorkOrder
from demo.builder import drive
from followup.services import complaint_record, followup_tasks_create_due
from inspection.models import DeferredWork

from ..conftest import Team, new_order
from ..factories import CustomerFactory, LabourFactory, PartFactory, StoreFactory, VehicleFactory
from .conftest import DESKTOP
from .test_walkthrough import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_advisor_finds_the_car_by_its_plate_from_the_header_and_sees_its_visits(browser, live_server, shot):
    store = StoreFactory(name="天河4S店")
    team = Team(store)
    catalogue = {"labour": LabourFactory(store=store), "part": PartFactory(store=store)}
    owner = CustomerFactory(store=store, name="王芳", title="ms", mobile="13812345678")
    car = VehicleFactory(store=store, customer=owner, plate="粤A12345")
    VehicleFactory(store=store, customer=owner, plate="粤B67890", make="丰田", model="凯美瑞")
    first = drive(new_order(team, car, catalogue), WorkOrder.Status.DELIVERED)
    followup_tasks_create_due()
    complaint_record(work_order=first, description="等车时间太长了", actor=team[Role.FOLLOWUP_AGENT])
    DeferredWork.objects.create(store=store, work_order=first, vehicle=car, urgency="soon",
                                description="后轮胎胎纹接近磨损极限", estimate=Decimal("1960"),
                                recorded_by=team[Role.QC_INSPECTOR])
    second = drive(new_order(team, car, catalogue), WorkOrder.Status.IN_REPAIR)

    page = log_in(browser, live_server, team[Role.SERVICE_ADVISOR], DESKTOP)
    page.fill("#header-q", "a12345")
    with page.expect_navigation():
        page.press("#header-q", "Enter")
    expect(page.locator("[data-testid=car-plate]")).to_contain_text("粤A")
    visits = page.locator("[data-testid=visits] tbody tr")
    expect(visits).to_have_count(2)
    expect(visits.nth(0)).to_contain_text(second.number)
    expect(visits.nth(1)).to_contain_text(first.number)
    expect(visits.nth(1)).to_contain_text(first.statements.get().number)
    expect(page.locator("[data-testid=still-due]")).to_contain_text("后轮胎胎纹接近磨损极限")
    expect(page.locator("[data-testid=section-complaints]")).to_contain_text("等车时间太长了")
    expect(page.locator("[data-testid=contact]")).to_contain_text("13812345678")
    shot(page, "car-page")

    page.click("[data-testid=contact] a[href^='/customers/']")
    expect(page.locator("[data-testid=cars] tbody tr")).to_have_count(2)
    expect(page.locator("[data-testid=visits] tbody tr")).to_have_count(2)
    shot(page, "customer-page")

    page.fill("#header-q", "王")
    with page.expect_navigation():
        page.press("#header-q", "Enter")
    expect(page).to_have_url(f"{live_server.url}/customers/{owner.pk}/")
    page.fill("#header-q", "粤Z99999")
    with page.expect_navigation():
        page.press("#header-q", "Enter")
    expect(page.locator("[data-testid=no-match]")).to_be_visible()
    shot(page, "customer-search-none")
