"""Issue 18 in the browser: the manager of a store being set up adds a labour operation from the setup checklist,
schedules a price change from a later day, and sees it in the price history; a day in the past is refused on the
form (SET-3)."""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from dealership.catalogue import published_price
from dealership.models import LabourOperation, Role

from ..factories import StoreFactory, staff
from .conftest import DESKTOP
from .test_walkthrough import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_manager_adds_an_operation_and_schedules_a_price_change(browser, live_server, shot):
    store = StoreFactory(name="天河4S店", setup_pending=True)
    manager = staff(Role.AFTERSALES_MANAGER, store, display_name="陈经理")
    today = timezone.localdate()

    page = log_in(browser, live_server, manager, DESKTOP)
    page.locator("[data-testid=setup-checklist] [data-key=labour_operations] a").click()
    expect(page.locator("[data-testid=catalogue-list]")).to_be_visible()
    page.click("[data-testid=catalogue-new]")
    page.fill("#id_code", "BY10")
    page.fill("#id_name", "一万公里保养")
    page.select_option("#id_trade", "mechanical")
    page.select_option("#id_job_type", "maintenance")
    page.fill("#id_standard_hours", "1.5")
    page.fill("#id_documentation_url", "https://docs.example.com/by10")
    page.fill("#id_special_tools", "机滤扳手")
    page.fill("#id_price", "380")
    shot(page, "catalogue-new")
    with page.expect_navigation():
        page.click("[data-testid=catalogue-form] button[type=submit]")
    expect(page.locator("[data-testid=price-today]")).to_contain_text("¥380.00")

    # a day in the past is refused next to the field
    form = page.locator("[data-testid=price-change]")
    form.locator("#id_price").fill("400")
    form.locator("#id_effective_from").fill((today - timedelta(days=1)).isoformat())
    form.locator("button[type=submit]").click()
    expect(page.locator("#div_id_effective_from")).to_contain_text("今天或以后生效")
    shot(page, "catalogue-price-refused")

    day = today + timedelta(days=7)
    form.locator("#id_price").fill("400")
    form.locator("#id_effective_from").fill(day.isoformat())
    form.locator("#id_reason").fill("厂家调价")
    with page.expect_navigation():
        form.locator("button[type=submit]").click()
    history = page.locator("[data-testid=price-history]")
    expect(history).to_contain_text(day.isoformat())
    expect(history).to_contain_text("¥400.00")
    expect(history).to_contain_text("待生效")
    expect(page.locator("[data-testid=price-today]")).to_contain_text("¥380.00")
    expect(page.locator("[data-testid=setting-changes]")).to_contain_text("陈经理")
    shot(page, "catalogue-detail")

    op = LabourOperation.objects.get(store=store, code="BY10")
    assert published_price(op) == 380 and published_price(op, on=day) == 400

    page.click("#menu-settings")
    page.click("nav a[href='/catalogue/labour/']")
    expect(page.locator("[data-testid=catalogue-list]")).to_contain_text("一万公里保养")
    shot(page, "catalogue-list")
