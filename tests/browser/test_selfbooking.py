"""Issue 20 in the browser, on a 390×844 phone: a customer books a visit with
the one-time code, sees who will receive them and what to bring, then moves
the appointment through their link; a new customer's visit becomes a request."""

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from appointments.models import Appointment, BookingRequest
from dealership.models import Role

from ..appointments.selfbook_helpers import known_car, last_code, maintenance_op
from ..conftest import Team
from ..factories import StoreFactory
from .conftest import PHONE

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _fill_and_ask(page, *, plate, mobile, name="张先生"):
    page.locator("[data-testid=days] button").nth(1).click()  # tomorrow
    page.wait_for_load_state()
    page.locator("[data-testid=times] label").first.click()
    page.fill("#id_plate", plate)
    page.fill("#id_mileage", "32000")
    page.fill("#id_name", name)
    page.fill("#id_mobile", mobile)


def test_a_known_customer_books_on_a_phone_with_the_code(browser, live_server, shot):
    store = StoreFactory(name="天河4S店", phone="020-12345678", address="广州市天河路1号")
    team = Team(store)
    maintenance_op(store)
    car = known_car(store, mobile="13812345678")
    context = browser.new_context(viewport=PHONE, locale="zh-CN")
    page = context.new_page()
    page.goto(f"{live_server.url}/appointments/book/{store.code}/")
    expect(page.locator("h1")).to_contain_text("预约到店")
    shot(page, "selfbook-1-page")
    _fill_and_ask(page, plate=car.plate, mobile="13812345678")
    shot(page, "selfbook-2-filled")
    page.click("button[name=send]")
    expect(page.locator("h1")).to_contain_text("输入验证码")
    expect(page.locator("main")).to_contain_text("138****5678")
    shot(page, "selfbook-3-code")
    page.fill("#id_code", "000000" if last_code("13812345678") != "000000" else "111111")
    page.click("main button[type=submit]")
    expect(page.locator("#id_code")).to_have_attribute("aria-invalid", "true")
    shot(page, "selfbook-4-wrong-code")
    page.fill("#id_code", last_code("13812345678"))
    page.click("main button[type=submit]")
    expect(page.locator("[data-testid=booked]")).to_be_visible()
    advisor = team[Role.SERVICE_ADVISOR]
    expect(page.locator("[data-testid=advisor]")).to_contain_text(str(advisor))
    expect(page.locator("[data-testid=bring]")).to_contain_text("行驶证")
    shot(page, "selfbook-5-booked")
    appointment = Appointment.objects.get()
    assert appointment.created_by is None and appointment.vehicle == car
    old = appointment.starts_at

    # the link: another time
    page.locator("[data-testid=times] label").nth(4).click()
    page.click("button[name=move]")
    expect(page.locator("[data-testid=moved]")).to_be_visible()
    appointment.refresh_from_db()
    assert appointment.starts_at != old
    shot(page, "selfbook-6-moved")
    no_overflow = page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    assert no_overflow, "the page scrolls sideways on a phone"

    page.click("[data-testid=cancel] summary")
    shot(page, "selfbook-6b-cancel-asked")

    # English is a tap away
    page.click("header button[name=language]")
    expect(page.locator("[data-testid=bring]")).to_contain_text("driving licence")
    shot(page, "selfbook-7-english")
    context.close()


def test_a_new_customer_on_a_phone_becomes_a_request(browser, live_server, shot):
    store = StoreFactory(name="天河4S店")
    Team(store)
    maintenance_op(store)
    context = browser.new_context(viewport=PHONE, locale="zh-CN")
    page = context.new_page()
    page.goto(f"{live_server.url}/appointments/book/{store.code}/")
    page.click("label[for=id_kind_1]")  # a fault: the words are needed
    page.click("button[name=send]")
    expect(page.locator(".is-invalid").first).to_be_visible()
    shot(page, "selfbook-8-errors")
    page.fill("#id_words", "刹车时有异响")
    _fill_and_ask(page, plate="粤B54321", mobile="13700000001", name="李女士")
    page.fill("#id_words", "刹车时有异响")
    page.click("button[name=send]")
    page.fill("#id_code", last_code("13700000001"))
    page.click("main button[type=submit]")
    expect(page.locator("[data-testid=request-waiting]")).to_be_visible()
    shot(page, "selfbook-9-request")
    request_ = BookingRequest.objects.get()
    assert request_.due_at > timezone.now()  # within the store's opening hours: answer_by
    context.close()
