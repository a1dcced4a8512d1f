"""Issue 18 in the browser: a store's manager sets the hours of one weekday and closes the store on a holiday on
the store settings page; the booking page then offers that weekday's slots only within its hours, and none on the
holiday ("holidays close the slot finder")."""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from dealership.models import ClosedDay, Role, SettingChange, StoreHours
from workshop.models import Bay

from ..conftest import Team
from ..factories import StoreFactory
from .conftest import DESKTOP
from .test_walkthrough import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def show_day(page, advisor, day) -> None:
    page.select_option("#id_advisor", str(advisor.pk))
    page.fill("#id_day", day.isoformat())
    page.locator("#id_day").dispatch_event("change")
    expect(page.locator("#slot-overview")).to_contain_text(day.strftime("%m-%d"))
    page.wait_for_load_state("networkidle")


def test_a_manager_sets_a_weekdays_hours_and_a_holiday_and_the_slot_page_follows(browser, live_server, shot):
    store = StoreFactory(name="天河4S店")
    team = Team(store)
    short_day = timezone.localdate() + timedelta(days=2)
    holiday = short_day + timedelta(days=1)
    weekday = short_day.weekday()

    page = log_in(browser, live_server, team[Role.AFTERSALES_MANAGER], DESKTOP)
    page.click("#menu-settings")
    page.click("nav a[href='/settings/store/']")
    expect(page.locator("[data-testid=store-hours]")).to_be_visible()
    page.fill(f"#id_d{weekday}_opens", "10:00")
    page.fill(f"#id_d{weekday}_closes", "12:00")
    with page.expect_navigation():
        page.click("[data-testid=store-hours] button[type=submit]")
    expect(page.locator(f"#id_d{weekday}_opens")).to_have_value("10:00")

    # a day closing before it opens is a message on the form, not an error page
    page.fill("#id_d0_opens", "18:00")
    page.fill("#id_d0_closes", "09:00")
    page.click("[data-testid=store-hours] button[type=submit]")
    expect(page.locator("[data-testid=store-hours]")).to_contain_text("关门时间须晚于开门时间")
    shot(page, "store-hours-refused")
    page.goto(page.url.split("hours/")[0])

    page.fill("#id_closed-date", holiday.isoformat())
    page.fill("#id_closed-name", "国庆节")
    with page.expect_navigation():
        page.click("[data-testid=closed-day-add] button[type=submit]")
    expect(page.locator("[data-testid=closed-days]")).to_contain_text("国庆节")
    expect(page.locator("[data-testid=setting-changes]")).to_contain_text("国庆节")
    shot(page, "store-settings")
    assert StoreHours.objects.get(store=store, weekday=weekday).opens_at.hour == 10
    assert ClosedDay.objects.filter(store=store, date=holiday).exists()
    assert SettingChange.objects.filter(store=store, model="dealership.storehours").count() == 1

    # the bays, a sub-page of the store's settings
    page.click("a[href$='/bays/']")
    page.fill("#id_new-name", "A1")
    page.select_option("#id_new-trade", "mechanical")
    with page.expect_navigation():
        page.click("[data-testid=place-add] button[type=submit]")
    expect(page.locator("[data-testid=setting-changes]")).to_contain_text("A1")
    shot(page, "store-bays")
    assert Bay.objects.get(store=store, name="A1").active

    page.goto(f"{live_server.url}/appointments/new/")
    show_day(page, team[Role.SERVICE_ADVISOR], short_day)
    grid = page.locator("[data-testid=slot-grid] .slot")
    expect(grid).to_have_count(8)
    expect(grid.first).to_have_text("10:00")
    shot(page, "store-slots-short-day")

    show_day(page, team[Role.SERVICE_ADVISOR], holiday)
    expect(page.locator("[data-testid=slot-grid] .slot")).to_have_count(0)
    expect(page.locator("#id_slot")).to_contain_text("当天没有空闲时间")
    expect(page.locator("[data-testid=slot-closed]")).to_contain_text("国庆节")
    shot(page, "store-slots-holiday")
