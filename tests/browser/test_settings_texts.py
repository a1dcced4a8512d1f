"""Issue 18 in the browser: the after-sales manager adds and renames a check of the self-check list, then rewrites
the day-before message in Chinese, previews it filled from the store's real appointment, and saves it."""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from dealership.models import MessageText, Role
from workshop.jobs import self_check_items

from ..appointments.helpers import at, book
from ..conftest import Team
from ..factories import LabourFactory, StoreFactory
from .conftest import DESKTOP
from .test_walkthrough import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_manager_edits_a_check_and_a_message_with_its_preview(browser, live_server, shot):
    store = StoreFactory(name="天河4S店")
    team = Team(store)
    appointment = book(team, at(timezone.localdate() + timedelta(days=2), 10), labour=[LabourFactory(store=store)])
    page = log_in(browser, live_server, team[Role.AFTERSALES_MANAGER], DESKTOP)

    page.goto(f"{live_server.url}/workshop/settings/self-checks/brakes/")
    expect(page.locator("[data-testid=checklist-default]")).to_be_visible()
    shot(page, "settings-self-checks-default")
    page.fill("[data-testid=checklist-add] input[name=label]", "试车确认制动有力")
    with page.expect_navigation():
        page.click("[data-testid=checklist-add] button[type=submit]")
    rows = page.locator("[data-testid=checklist-item]")
    expect(rows).to_have_count(4)
    last = rows.nth(3)
    expect(last.locator("input[type=text]")).to_have_value("试车确认制动有力")
    last.locator("input[type=text]").fill("路试确认制动有力、无跑偏")
    with page.expect_navigation():
        last.locator("button", has_text="改名").click()
    expect(page.locator("[data-testid=setting-changes]")).to_contain_text("路试确认制动有力、无跑偏")
    shot(page, "settings-self-checks-own")
    assert "路试确认制动有力、无跑偏" in self_check_items(store=store, job_type="brakes")

    page.goto(f"{live_server.url}/settings/messages/")
    shot(page, "settings-messages")
    page.click("[data-testid=message-day_before]")
    form = page.locator("[data-testid=message-form-zh-hans]")
    form.locator("textarea").fill("{{ name }}您好：明天 {{ when }} 请带 {{ plate }} 来店，{{ advisor }} 接待您。{{ link }}")
    page.click("[data-testid=message-preview-zh-hans]")
    preview = page.locator("[data-testid=message-preview-box-zh-hans]")
    expect(preview).to_contain_text(f"请带 {appointment.vehicle.plate} 来店")
    assert not MessageText.objects.exists()
    shot(page, "settings-message-preview")

    form.locator("textarea").fill("{{ name }}您好：明天 {{ when }} 请带 {{ plate }} 来店。{{ nothing }}")
    with page.expect_navigation():
        page.click("[data-testid=message-save-zh-hans]")
    expect(form).to_contain_text("{{ nothing }}")
    shot(page, "settings-message-refused")
    form.locator("textarea").fill("{{ name }}您好：明天 {{ when }} 请带 {{ plate }} 来店。{{ link }}")
    with page.expect_navigation():
        page.click("[data-testid=message-save-zh-hans]")
    expect(page.locator("[data-testid=message-preview-box-zh-hans]")).to_contain_text(appointment.vehicle.plate)
    assert MessageText.objects.get(store=store, name="day_before", language="zh-hans").body.endswith("{{ link }}")
    shot(page, "settings-message-saved")
