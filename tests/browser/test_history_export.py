"""Issue 18 in the browser: the manager opens a car whose history came over from the old system (the past visit
among the visits, marked, its lines opened), then downloads the store's past visits as an Excel file from the
"Export data" page of the settings menu."""

from datetime import date
from decimal import Decimal

import pytest
from openpyxl import load_workbook
from playwright.sync_api import expect

from dealership.exports import PAST_VISIT_COLUMNS
from dealership.models import PastVisit, Role, WorkOrder
from demo.builder import drive

from ..conftest import Team, new_order
from ..factories import CustomerFactory, LabourFactory, PartFactory, StoreFactory, VehicleFactory
from .conftest import DESKTOP
from .test_walkthrough import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_manager_opens_a_car_with_its_old_history_and_downloads_the_export(browser, live_server, shot):
    store = StoreFactory(name="天河4S店")
    team = Team(store)
    catalogue = {"labour": LabourFactory(store=store), "part": PartFactory(store=store)}
    owner = CustomerFactory(store=store, name="王芳", title="ms", mobile="13812345678")
    car = VehicleFactory(store=store, customer=owner, plate="粤A12345")
    PastVisit.objects.create(
        store=store, vehicle=car, customer=owner, old_number="DMS-2025-0317", visited_on=date(2025, 3, 17),
        mileage=28500, advisor_name="李顾问", summary="3万公里常规保养", maintenance=True, total=Decimal("860.00"),
        lines=[{"kind": "labour", "code": "BY30", "description": "3万公里保养工时", "quantity": "1",
                "unit_price": "360.00", "amount": "360.00"},
               {"kind": "part", "code": "06L115562", "description": "机油滤清器", "quantity": "1",
                "unit_price": "500.00", "amount": "500.00"}])
    order = drive(new_order(team, car, catalogue), WorkOrder.Status.DELIVERED)

    page = log_in(browser, live_server, team[Role.AFTERSALES_MANAGER], DESKTOP)
    page.goto(f"{live_server.url}/cars/{car.pk}/")
    visits = page.locator("[data-testid=visits] > tbody > tr")
    expect(visits).to_have_count(2)
    expect(visits.nth(0)).to_contain_text(order.number)  # newest first
    past = page.locator("[data-testid=past-visit]")
    expect(past).to_contain_text("DMS-2025-0317")
    expect(past).to_contain_text("2025-03-17")
    expect(past.locator("[data-testid=old-system]")).to_have_text("历史系统")
    expect(past).to_contain_text("3万公里常规保养")
    expect(past.locator("text=机油滤清器")).to_be_hidden()
    past.locator("[data-testid=past-lines] summary").click()
    expect(past.locator("text=机油滤清器")).to_be_visible()
    shot(page, "car-page-past-visit")

    page.locator("nav.navbar #menu-settings").click()
    with page.expect_navigation():
        page.locator("nav.navbar a[href='/exports/']").click()
    expect(page.locator("[data-testid=exports] a")).to_have_count(5)
    shot(page, "export-page")
    with page.expect_download() as download:
        page.click("[data-testid=export-past-visits]")
    assert download.value.suggested_filename.startswith("past-visits-")
    assert download.value.suggested_filename.endswith(".xlsx")
    with open(download.value.path(), "rb") as file:
        book = load_workbook(file, read_only=True)
        header, *rows = list(book.active.iter_rows(values_only=True))
    assert header == PAST_VISIT_COLUMNS
    assert [(r[0], r[11]) for r in rows] == [("DMS-2025-0317", "3万公里保养工时"), ("DMS-2025-0317", "机油滤清器")]
