"""Issue 18 in the browser: the manager of a store being set up adds a service advisor and a technician on the
staff pages, and the setup checklist no longer asks for them."""

import pytest
from playwright.sync_api import expect

from dealership.models import Role, StaffRole, User

from ..factories import StoreFactory, staff
from .conftest import DESKTOP
from .test_walkthrough import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def add_person(page, *, username: str, name: str, role: str, trade: str) -> None:
    page.click("[data-testid=staff-new]")
    page.fill("#id_username", username)
    page.fill("#id_display_name", name)
    page.fill("#id_phone", "13900001111")
    page.check(f"input[name=roles][value={role}]")
    page.select_option("#id_trade", trade)
    page.fill("#id_password", "Temp-Pass-2026")
    with page.expect_navigation():
        page.click("[data-testid=staff-form] button[type=submit]")


def test_a_new_manager_adds_an_advisor_and_a_technician_and_the_checklist_shows_them_done(
        browser, live_server, shot):
    store = StoreFactory(name="天河4S店", setup_pending=True)
    manager = staff(Role.AFTERSALES_MANAGER, store, display_name="陈经理")

    page = log_in(browser, live_server, manager, DESKTOP)
    checklist = page.locator("[data-testid=setup-checklist]")
    expect(checklist.locator("[data-key=advisors]")).to_be_visible()
    expect(checklist.locator("[data-key=technicians]")).to_be_visible()
    shot(page, "staff-checklist-before")

    checklist.locator("[data-key=advisors] a").click()
    expect(page.locator("[data-testid=staff-form]")).to_be_visible()
    page.goto(f"{live_server.url}/staff/")
    add_person(page, username="wangfang", name="王芳", role=Role.SERVICE_ADVISOR, trade="mechanical")
    expect(page.locator("[data-testid=staff-list]")).to_contain_text("王芳")

    # a technician without a trade is refused, with the reason next to the field
    page.click("[data-testid=staff-new]")
    page.fill("#id_username", "liqiang")
    page.fill("#id_display_name", "李强")
    page.check(f"input[name=roles][value={Role.TECHNICIAN}]")
    page.fill("#id_password", "Temp-Pass-2026")
    page.click("[data-testid=staff-form] button[type=submit]")
    expect(page.locator("#div_id_trade")).to_contain_text("技师必须选择工种")
    shot(page, "staff-technician-refused")
    page.select_option("#id_trade", "mechanical")
    page.fill("#id_password", "Temp-Pass-2026")
    with page.expect_navigation():
        page.click("[data-testid=staff-form] button[type=submit]")
    expect(page.locator("[data-testid=staff-list]")).to_contain_text("李强")
    shot(page, "staff-list")

    assert set(StaffRole.objects.filter(user__store=store).values_list("role", flat=True)) == {
        Role.AFTERSALES_MANAGER, Role.SERVICE_ADVISOR, Role.TECHNICIAN}
    assert User.objects.get(username="liqiang").must_change_password

    page.goto(f"{live_server.url}/setup/")
    expect(page.locator("[data-testid=setup-checklist]")).to_be_visible()
    expect(page.locator("[data-key=advisors]")).to_have_count(0)
    expect(page.locator("[data-key=technicians]")).to_have_count(0)
    shot(page, "staff-checklist-after")

    page.click("#menu-settings")  # the managers' Settings menu: staff, the store
    page.click("nav a[href='/staff/']")
    page.click("[data-testid=staff-list] >> text=李强")
    expect(page.locator("[data-testid=setting-changes]")).to_contain_text("陈经理")
    shot(page, "staff-detail")
