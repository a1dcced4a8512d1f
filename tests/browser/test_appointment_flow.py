"""Stage 1 in a real browser: book, prepare, confirm, receive. The agent
books with a part; the parts clerk puts it on the appointment shelf; the
advisor prepares; the day-before sweep sends the confirmation and the
customer confirms through the signed link on a phone; next morning the
front desk marks the arrival and the advisor receives the customer."""

from datetime import datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.utils import timezone
from playwright.sync_api import expect

from appointments.confirmations import confirmations_sweep
from appointments.models import Appointment, PartReservation, QueueTicket
from dealership.models import Role
from dealership.notify import LocmemBackend

from ..conftest import Team
from ..factories import LabourFactory, PartFactory, StoreFactory
from .conftest import PHONE
from .test_walkthrough import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SHANGHAI = ZoneInfo("Asia/Shanghai")


def test_book_prepare_confirm_and_receive(browser, live_server, shot):
    day = (timezone.now().astimezone(SHANGHAI) + timedelta(days=1)).date()
    visit = day + timedelta(days=1)
    store = StoreFactory(name="天河4S店")
    team = Team(store)
    job = LabourFactory(store=store, code="M002", name="常规保养(小保养)")
    oil = PartFactory(store=store, number="G052195M4", name="全合成机油 5W-30 (4L)", price="398.00")
    LocmemBackend.outbox = []

    with time_machine.travel(datetime.combine(day, time(8, 0), tzinfo=SHANGHAI), tick=True):
        # 1. The appointment agent books for the day after, with the oil as a part.
        page = log_in(browser, live_server, team[Role.APPOINTMENT_AGENT])
        page.goto(f"{live_server.url}/appointments/new/")
        page.fill("#id_car-plate", "粤B66666")
        page.fill("#id_car-vin", "1M8GDM9AXKP042788")
        page.fill("#id_car-make", "本田")
        page.fill("#id_car-model", "雅阁")
        page.fill("#id_car-customer_name", "李娜")
        page.select_option("#id_car-title", "ms")
        page.fill("#id_car-mobile", "13800138000")
        page.check("#id_car-consent_to_messages")
        page.fill("#id_customer_words", "到保养里程了")
        page.fill("#id_pre_diagnosis", "常规保养:更换机油机滤")
        page.select_option("#id_labour_operations", str(job.pk))
        page.select_option("#id_parts", str(oil.pk))
        expect(page.locator("[data-testid=estimate]")).to_contain_text("678.00")  # 280 + 398, live
        page.select_option("#id_advisor", str(team[Role.SERVICE_ADVISOR].pk))
        page.fill("#id_day", visit.isoformat())
        page.locator("#id_day").dispatch_event("change")
        expect(page.locator("#slot-overview")).to_contain_text(visit.strftime("%m-%d"))
        page.wait_for_load_state("networkidle")
        page.click(".slot[data-time='09:00']")
        page.click("main form button[type=submit]")
        expect(page.locator("[data-testid=tell-customer]")).to_contain_text("678.00")
        shot(page, "a1-booked")
        appointment = Appointment.objects.get()

        # 2. The parts clerk puts the oil on the appointment shelf.
        page = log_in(browser, live_server, team[Role.PARTS_CLERK])
        assert page.url.endswith("/supply/")  # the clerk lands on the supply page (issue 19)
        page.goto(f"{live_server.url}/appointments/parts/")
        expect(page.locator("[data-testid=my-tasks]")).to_contain_text("粤B66666")
        page.fill("input[name=shelf]", "预约架 A-03")
        page.click("form[action$='/reserve/'] button")
        expect(page.locator("[data-testid=parts-queue]")).to_contain_text("A-03")
        shot(page, "a2-parts-shelf")
        assert PartReservation.objects.get().status == PartReservation.Status.RESERVED

        # 3. The advisor prepares: technician, bay, tools, documentation, customer file.
        page = log_in(browser, live_server, team[Role.SERVICE_ADVISOR])
        page.goto(f"{live_server.url}/appointments/{appointment.pk}/")
        page.select_option("#id_technician", str(team[Role.TECHNICIAN].pk))
        page.fill("#id_bay", "3号工位")
        for box in ("#id_tools", "#id_docs", "#id_file"):
            page.check(box)
        page.click("form[action$='/prepare/'] button[type=submit]")
        expect(page.locator("[data-testid=readiness] .text-bg-danger")).to_have_count(0)
        shot(page, "a3-prepared")

    # 4. The day-before sweep sends the confirmation; the customer confirms on a phone.
    with time_machine.travel(datetime.combine(day, time(9, 30), tzinfo=SHANGHAI), tick=True):
        assert confirmations_sweep().queued == 1  # recorded and handed to the outbox, which sends it after commit
        [message] = LocmemBackend.outbox
        assert "行驶证" in message.body
        link = message.body.split("http://127.0.0.1:8000", 1)[1].split()[0]
        context = browser.new_context(viewport=PHONE, locale="zh-CN")
        customer = context.new_page()
        customer.goto(f"{live_server.url}{link}")
        expect(customer.locator("[data-testid=when]")).to_contain_text("09:00")
        shot(customer, "a4-customer-link")
        customer.click("button[value=confirmed]")
        expect(customer.locator("[data-testid=answered]")).to_be_visible()
        appointment.refresh_from_db()
        assert appointment.customer_answer == "confirmed"

    # 5. Next morning: the front desk marks the arrival; the advisor receives.
    with time_machine.travel(datetime.combine(visit, time(8, 55), tzinfo=SHANGHAI), tick=True):
        page = log_in(browser, live_server, team[Role.APPOINTMENT_AGENT])
        page.goto(f"{live_server.url}/appointments/arrivals/")
        expect(page.locator("[data-testid=expected]")).to_contain_text("粤B66666")
        page.click("[data-testid=expected] form button")
        expect(page.locator("[data-testid=waiting]")).to_contain_text("粤B66666")
        shot(page, "a5-arrivals")
        page = log_in(browser, live_server, team[Role.SERVICE_ADVISOR])
        expect(page.locator("[data-testid=my-tasks]")).to_contain_text("粤B66666")
        page.goto(f"{live_server.url}/appointments/arrivals/")
        page.click("[data-testid=waiting] form[action*='/receive/'] button")
        page.wait_for_url("**/reception/orders/**")
        expect(page.locator("[data-testid=order-lines]")).to_contain_text("全合成机油")
        shot(page, "a6-received")
    appointment.refresh_from_db()
    ticket = QueueTicket.objects.get(appointment=appointment)
    assert appointment.status == "arrived" and appointment.ready_at_arrival is True
    assert ticket.called_by == team[Role.SERVICE_ADVISOR]


def test_sch1_the_slot_list_shows_the_documents_case(browser, live_server, shot):
    """The booking screen with the document's case booked for the advisor (store opening at 8:30): 9:00, 9:15
    and 9:30 taken, 9:45 kept as the buffer, 10:00 free; the agent picks 10:00 with a tap."""
    from appointments.services import appointment_book

    from ..factories import VehicleFactory

    store = StoreFactory(name="天河4S店")
    team = Team(store)
    job = LabourFactory(store=store, code="M002", name="常规保养(小保养)", standard_hours=Decimal("0.50"))
    day = (timezone.now().astimezone(SHANGHAI) + timedelta(days=1)).date()
    for hh, mm in [(9, 0), (9, 15), (9, 30)]:
        vehicle = VehicleFactory(store=store)
        appointment_book(store=store, actor=team[Role.APPOINTMENT_AGENT], customer=vehicle.customer, vehicle=vehicle,
                         advisor=team[Role.SERVICE_ADVISOR], starts_at=datetime.combine(day, time(hh, mm), SHANGHAI),
                         customer_words="到保养里程了", pre_diagnosis="常规保养", labour_operations=[job])
    page = log_in(browser, live_server, team[Role.APPOINTMENT_AGENT])
    page.goto(f"{live_server.url}/appointments/new/")
    page.select_option("#id_advisor", str(team[Role.SERVICE_ADVISOR].pk))
    page.fill("#id_day", day.isoformat())
    page.locator("#id_day").dispatch_event("change")
    # the advisor's change and the day's each load the grid: wait for both, or the second replaces the grid
    # under the scroll below (as the walkthrough waits)
    page.wait_for_load_state("networkidle")
    grid = page.locator("[data-testid=slot-grid]")
    expect(grid.locator(".slot.taken")).to_have_text(["09:00", "09:15", "09:30"])
    expect(grid.locator(".slot.buffer")).to_have_text(["08:45", "09:45"])
    page.click(".slot[data-time='10:00']")
    expect(page.locator("#id_slot")).to_have_value("10:00")
    page.wait_for_load_state("networkidle")
    grid.scroll_into_view_if_needed()
    shot(page, "sch1-slot-list")
