"""APT-2, APT-5: a refused booking shows every error next to its field, also
after htmx has reloaded the advisor's free times (the slot list is swapped in
on load and whenever the advisor or the day changes)."""

import re
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.utils import timezone
from playwright.sync_api import expect

from appointments.models import Appointment
from dealership.models import Role

from ..appointments.helpers import at, book
from ..conftest import Team
from ..factories import LabourFactory, StoreFactory, staff
from .test_walkthrough import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SHANGHAI = ZoneInfo("Asia/Shanghai")


def test_apt5_the_slot_error_stays_next_to_the_slot_after_the_advisor_changes(browser, live_server, shot):
    day = (timezone.now().astimezone(SHANGHAI) + timedelta(days=1)).date()
    visit = day + timedelta(days=1)
    store = StoreFactory(name="天河4S店")
    team = Team(store)
    job = LabourFactory(store=store, code="M002", name="常规保养(小保养)")
    busy = staff(Role.SERVICE_ADVISOR, store, display_name="赵顾问")
    with time_machine.travel(datetime.combine(day, time(8, 0), tzinfo=SHANGHAI), tick=True):
        book(team, at(visit, 9), advisor=busy, labour=[job])  # 09:00 is taken for the second advisor

        page = log_in(browser, live_server, team[Role.APPOINTMENT_AGENT])
        page.goto(f"{live_server.url}/appointments/new/")
        page.fill("#id_car-plate", "粤B66666")
        page.fill("#id_car-vin", "1M8GDM9AXKP042788")
        page.fill("#id_car-make", "本田")
        page.fill("#id_car-model", "雅阁")
        page.fill("#id_car-customer_name", "李娜")
        page.fill("#id_car-mobile", "13800138000")
        page.fill("#id_customer_words", "到保养里程了")
        # the pre-diagnosis is left empty: a second error, in another card
        page.select_option("#id_labour_operations", str(job.pk))
        page.select_option("#id_advisor", str(team[Role.SERVICE_ADVISOR].pk))
        page.fill("#id_day", visit.isoformat())
        page.locator("#id_day").dispatch_event("change")
        expect(page.locator("#slot-overview")).to_contain_text(visit.strftime("%m-%d"))
        page.wait_for_load_state("networkidle")
        page.click(".slot[data-time='09:00']")
        expect(page.locator("#id_slot")).to_have_value("09:00")

        # The advisor is changed after the slot was picked: 09:00 is taken for the new one.
        page.select_option("#id_advisor", str(busy.pk))
        expect(page.locator("#slot-overview")).to_contain_text("赵顾问")
        expect(page.locator("#id_slot")).to_have_value("")
        page.click("main form button[type=submit]")
        page.wait_for_load_state("networkidle")
        expect(page.locator("#slot-overview")).to_contain_text("赵顾问")  # the slot list was reloaded

        expect(page.locator("#id_slot")).to_have_value("")  # no time the person did not choose
        slot_error = page.locator("#div_id_slot .invalid-feedback")
        expect(slot_error).to_be_visible()
        expect(page.locator("#id_slot")).to_have_class(re.compile(r"\bis-invalid\b"))
        expect(page.locator("#div_id_pre_diagnosis .invalid-feedback")).to_be_visible()

        # Changing the advisor again reloads the list once more: the error is still there.
        page.select_option("#id_advisor", str(team[Role.SERVICE_ADVISOR].pk))
        expect(page.locator("#slot-overview")).not_to_contain_text("赵顾问")
        page.wait_for_load_state("networkidle")
        expect(slot_error).to_be_visible()
        expect(page.locator("#id_slot")).to_have_value("")
        expect(page.locator("[data-testid=form-errors]")).to_have_count(0)  # the errors are next to their fields
        page.locator("#div_id_slot").scroll_into_view_if_needed()
        shot(page, "booking-slot-error")
        assert not Appointment.objects.filter(advisor=team[Role.SERVICE_ADVISOR]).exists()
