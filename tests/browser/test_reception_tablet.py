"""Stage 2 on the tablet (800×1280): an advisor receives a booked car: the
walk-around with a damage mark and a photo, items from the catalogue, both
signatures drawn on the pads, and the printed copy."""

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.utils import timezone
from PIL import Image
from playwright.sync_api import expect

from dealership.models import Role, WorkOrder
from reception.models import Signature

from ..appointments.helpers import book
from ..conftest import Team
from ..factories import LabourFactory, PartFactory, StoreFactory
from .conftest import TABLET, answer_checklist, draw_signature
from .test_walkthrough import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SHANGHAI = ZoneInfo("Asia/Shanghai")


def test_receive_a_booked_car_on_the_tablet(browser, live_server, shot, tmp_path):
    day = (timezone.now().astimezone(SHANGHAI) + timedelta(days=1)).date()
    store = StoreFactory(name="天河4S店")
    team = Team(store)
    service = LabourFactory(store=store, code="M003", name="全面保养(大保养)")
    plugs = PartFactory(store=store, number="101905617C", name="火花塞", price="85.00")
    photo = tmp_path / "door.jpg"
    Image.new("RGB", (640, 480), (180, 30, 30)).save(photo, format="JPEG")
    appointment = book(team, datetime.combine(day, time(9, 0), tzinfo=SHANGHAI), labour=[service])

    with time_machine.travel(datetime.combine(day, time(8, 50), tzinfo=SHANGHAI), tick=True):
        page = log_in(browser, live_server, team[Role.SERVICE_ADVISOR], TABLET)
        page.goto(f"{live_server.url}/reception/")
        page.locator("[data-testid=arrivals] form button").first.click()
        page.wait_for_url("**/reception/orders/**")
        page.click("#section-checklist button")  # greeted and introduced
        expect(page.locator("#section-checklist .text-bg-success")).to_have_count(2)  # greeted; words recorded

        page.fill("#id_diagnosis", "保养到期;右前轮胎内侧磨损")
        page.fill("#id_beyond_complaint", "右前轮胎内侧偏磨,建议做四轮定位")
        page.click("#section-details [data-fill-target]")  # use the suggested promised time
        page.select_option("#id_customer_waits", "1")
        page.click("form[action$='/details/'] button[type=submit]")
        expect(page.locator("#section-details [role=status]")).to_be_visible()

        page.fill("#id_mileage", "48200")
        page.select_option("#id_fuel_level", "75")
        answer_checklist(page)
        page.check("input[name=check_tyres][value=attention]")
        page.fill("input[name=note_tyres]", "右前内侧偏磨")
        for box in ("#id_seat_cover", "#id_wheel_cover", "#id_floor_mat", "#id_valuables_reminded"):
            page.check(box)
        page.fill("#id_key_tag", "K07")
        page.click("form[action$='/walkaround/'] button[type=submit]")
        expect(page.locator("#section-walkaround [role=status]")).to_be_visible()

        # damage: tap the drawing (right rear door), say what it is, then a photo of it
        expect(page.locator("#damage-form")).to_be_visible()
        drawing = page.locator("#car-drawing")
        drawing.scroll_into_view_if_needed()
        box = drawing.bounding_box()
        page.mouse.click(box["x"] + box["width"] * 0.8, box["y"] + box["height"] * 0.65)
        page.select_option("#id_damage_kind", "dent")
        page.fill("#damage-form input[name=note]", "右后门凹陷")
        page.click("#damage-submit")
        expect(page.locator("[data-testid=damage-marks] li")).to_have_count(1)
        page.set_input_files("#section-damage input[type=file]", str(photo))
        page.locator("#section-damage select[name=mark]").select_option(index=1)
        page.click("form[action$='/photos/'] button[type=submit]")
        expect(page.locator("[data-testid=photos] img")).to_have_count(1)

        page.select_option("#id_part", str(plugs.pk))
        page.fill("#section-lines input[name=quantity]", "4")
        page.click("form[action$='/lines/'] button[type=submit]")
        expect(page.locator("[data-testid=order-total]")).to_contain_text("620.00")  # 280 + 4 × 85
        shot(page, "r1-tablet-before-signing")

        page.check("#id_explained")
        draw_signature(page, "canvas[data-signature-for=id_customer_signature]")
        draw_signature(page, "canvas[data-signature-for=id_advisor_signature]")
        shot(page, "r2-tablet-signatures")
        page.click("form[action$='/sign/'] button[type=submit]")
        page.wait_for_selector("a[href$='/print/?copy=customer']")
        shot(page, "r3-tablet-signed")

        order = WorkOrder.objects.get(pk=appointment.work_order_id)
        assert order.status == WorkOrder.Status.SIGNED
        assert set(Signature.objects.filter(work_order=order).values_list("signer", flat=True)) == {"customer",
                                                                                                     "advisor"}
        pdf = page.request.get(f"{live_server.url}/reception/orders/{order.pk}/print/?copy=customer")
        assert pdf.ok and pdf.body().startswith(b"%PDF")
        (tmp_path / "copy.pdf").write_bytes(pdf.body())
        from pypdf import PdfReader

        text = PdfReader(str(tmp_path / "copy.pdf")).pages[0].extract_text()
        assert "右后门凹陷" in text and "火花塞" in text and "620.00" in text
