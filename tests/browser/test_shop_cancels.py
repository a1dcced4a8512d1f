"""APT-10 in a real browser: the advisor cancels for the shop's reason (an
explicit choice), the customer gets new times and picks one on a phone."""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from appointments.models import Appointment, RebookingOffer
from dealership.models import Customer, Role
from dealership.notify import LocmemBackend

from ..appointments.helpers import at, book
from ..conftest import Team
from ..factories import LabourFactory, StoreFactory
from .conftest import PHONE
from .test_walkthrough import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_apt10_the_shop_cancels_and_the_customer_picks_a_new_time(browser, live_server, shot):
    store = StoreFactory(name="天河4S店", phone="020-88886666")
    team = Team(store)
    job = LabourFactory(store=store, code="M002", name="常规保养(小保养)")
    appointment = book(team, at(timezone.localdate() + timedelta(days=3), 10), labour=[job])
    Customer.objects.filter(pk=appointment.customer_id).update(consent_to_messages=True, name="李娜", title="ms")
    LocmemBackend.outbox = []

    page = log_in(browser, live_server, team[Role.SERVICE_ADVISOR])
    page.goto(f"{live_server.url}/appointments/{appointment.pk}/")
    page.click("summary:has-text('取消')")
    cancel = page.locator("form[action$='/cancel/']")
    cancel.locator("input[name=reason]").fill("技师病假")
    cancel.locator("button[type=submit]").click()
    expect(cancel.locator(".alert-danger, .invalid-feedback").first).to_contain_text("请选择取消原因")
    shot(page, "apt10-0-cancel-needs-a-choice")
    page.locator("form[action$='/cancel/'] input[name=reason_kind][value=shop]").check()
    page.locator("form[action$='/cancel/'] button[type=submit]").click()
    expect(page.locator("[data-testid=offer]")).to_contain_text("已向客户提供的新时间")
    shot(page, "apt10-1-advisor-cancelled")

    [message] = LocmemBackend.outbox
    assert "抱歉" in message.body and "020-88886666" in message.body
    link = message.body.split("http://127.0.0.1:8000", 1)[1].split()[0]
    customer = browser.new_context(viewport=PHONE, locale="zh-CN").new_page()
    customer.goto(f"{live_server.url}{link}")
    expect(customer.locator("[data-testid=new-time]")).to_have_count(3)
    shot(customer, "apt10-2-customer-new-times")
    chosen = customer.locator("[data-testid=new-time]").nth(1)
    chosen.click()
    expect(customer.locator("[data-testid=new-appointment]")).to_contain_text("您的新预约")
    shot(customer, "apt10-3-customer-booked")

    offer = RebookingOffer.objects.get(appointment=appointment)
    assert offer.status == RebookingOffer.Status.BOOKED
    assert offer.new_appointment.status == Appointment.Status.BOOKED
