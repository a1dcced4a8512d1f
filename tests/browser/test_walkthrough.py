"""One car through all six stages in a real browser, as the different roles
would do it: booking at the front desk, reception with the walk-around and
signatures, the technician and the QC inspector on a tablet (800×1280),
payment and the gate pass, and the follow-up call."""

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.utils import timezone
from playwright.sync_api import expect

from dealership.models import Role, WorkOrder
from followup.services import followup_tasks_create_due

from ..conftest import Team
from ..factories import PASSWORD, LabourFactory, PartFactory, StoreFactory
from .conftest import DESKTOP, PHONE, TABLET, answer_checklist, draw_signature, qc_answer

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SHANGHAI = ZoneInfo("Asia/Shanghai")


@pytest.fixture
def morning():
    """Tomorrow 08:00 in Shanghai, ticking: the 09:00 slot is ahead whatever
    time the suite runs."""
    day = (timezone.now().astimezone(SHANGHAI) + timedelta(days=1)).date()
    with time_machine.travel(datetime.combine(day, time(8, 0), tzinfo=SHANGHAI), tick=True):
        yield day


def log_in(browser, live_server, user, viewport=DESKTOP):
    context = browser.new_context(viewport=viewport, locale="zh-CN")
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", user.username)
    page.fill("#id_password", PASSWORD)
    with page.expect_navigation():
        page.click("main form button[type=submit]")
    assert "/accounts/login" not in page.url, page.locator("main").inner_text()
    return page


def test_one_car_through_all_six_stages(browser, live_server, morning, shot):
    store = StoreFactory(name="天河4S店")
    team = Team(store)
    team[Role.SERVICE_ADVISOR].display_name = "王建国"
    team[Role.SERVICE_ADVISOR].save()
    brakes = LabourFactory(store=store, code="B001", name="更换前刹车片")
    pads = PartFactory(store=store, number="5Q0698151AD", name="前刹车片(套)")
    fluid = PartFactory(store=store, number="B000750M3", name="刹车油 DOT4", price="88.00")

    # 1. Appointment agent books the car (desktop).
    page = log_in(browser, live_server, team[Role.APPOINTMENT_AGENT])
    assert "/appointments/" in page.url
    page.goto(f"{live_server.url}/appointments/new/")
    page.fill("#id_car-plate", "粤A12345")
    page.fill("#id_car-vin", "1M8GDM9AXKP042788")
    page.fill("#id_car-make", "大众")
    page.fill("#id_car-model", "迈腾 2.0T")
    page.fill("#id_car-customer_name", "张伟")
    page.select_option("#id_car-title", "mr")
    page.fill("#id_car-mobile", "13912345678")
    page.fill("#id_customer_words", "踩刹车时前轮有吱吱声")
    page.fill("#id_pre_diagnosis", "前刹车片可能磨损到极限,建议更换")
    page.select_option("#id_labour_operations", str(brakes.pk))
    page.select_option("#id_parts", str(pads.pk))
    page.select_option("#id_advisor", str(team[Role.SERVICE_ADVISOR].pk))
    page.fill("#id_day", morning.isoformat())
    page.locator("#id_day").dispatch_event("change")
    expect(page.locator("#slot-overview")).to_contain_text(morning.strftime("%m-%d"))
    page.wait_for_load_state("networkidle")
    page.click(".slot[data-time='09:00']")  # tapping a free time picks it
    expect(page.locator("#id_slot")).to_have_value("09:00")
    shot(page, "01-booking-form")
    page.click("main form button[type=submit]")
    told = page.locator("[data-testid=tell-customer]")
    if not told.count():
        shot(page, "01-booking-failed")
    told.wait_for()
    assert "王建国" in told.inner_text() and "960.00" in told.inner_text()
    shot(page, "02-booking-told")

    # 2. Advisor receives the car, does the walk-around, builds and signs the order.
    page = log_in(browser, live_server, team[Role.SERVICE_ADVISOR])
    page.locator("[data-testid=arrivals] form button").click()
    page.wait_for_url("**/reception/orders/**")
    page.fill("#id_diagnosis", "前刹车片剩余 2mm,需更换;刹车油含水量偏高,建议更换")
    page.fill("#id_promised_at", f"{morning.isoformat()}T17:00")
    page.select_option("#id_customer_waits", "0")
    page.click("form[action$='/details/'] button[type=submit]")
    expect(page.locator("#section-details [role=status]")).to_be_visible()  # saved in place (htmx)
    page.fill("#id_mileage", "35210")
    page.select_option("#id_fuel_level", "50")
    page.fill("#id_exterior_notes", "右后门轻微划痕")
    for box in ("#id_valuables_reminded", "#id_seat_cover", "#id_wheel_cover", "#id_floor_mat"):
        page.check(box)
    page.fill("#id_key_tag", "K12")
    answer_checklist(page)
    page.click("form[action$='/walkaround/'] button[type=submit]")
    expect(page.locator("#section-walkaround [role=status]")).to_be_visible()
    page.select_option("#id_part", str(fluid.pk))
    page.click("form[action$='/lines/'] button[type=submit]")
    expect(page.locator("[data-testid=order-total]")).to_contain_text("1,048.00")
    expect(page.locator("#sign-missing")).not_to_contain_text("REC-5")  # the missing list followed the saves
    page.check("#id_explained")
    page.fill("#id_customer_signed_name", "张伟")
    draw_signature(page, "canvas[data-signature-for=id_customer_signature]")
    draw_signature(page, "canvas[data-signature-for=id_advisor_signature]")
    shot(page, "03-reception-before-signing")
    page.click("form[action$='/sign/'] button[type=submit]")
    try:
        page.wait_for_selector("a[href$='/print/?copy=customer']")
    except Exception:
        shot(page, "03b-sign-failed")
        raise
    order = WorkOrder.objects.get()
    assert order.status == WorkOrder.Status.SIGNED
    pdf = page.request.get(f"{live_server.url}/reception/orders/{order.pk}/print/?copy=customer")
    assert pdf.ok and pdf.headers["content-type"] == "application/pdf" and pdf.body().startswith(b"%PDF")
    shot(page, "04-reception-signed")

    # 3. The foreman dispatches; the technician works on the tablet: start, self-check, report, signature.
    page = log_in(browser, live_server, team[Role.FOREMAN])
    page.goto(f"{live_server.url}/workshop/dispatch/")
    row = page.locator("[data-testid=dispatch] tr", has_text="更换前刹车片")
    row.locator("select[name=technician]").select_option(str(team[Role.TECHNICIAN].pk))
    row.locator("button[type=submit]").click()
    expect(page.locator("[data-testid=loads]")).to_contain_text("1.00 小时，1 项")
    page = log_in(browser, live_server, team[Role.TECHNICIAN], TABLET)
    job = page.locator("[data-testid=my-job]")
    expect(job).to_contain_text("更换前刹车片")
    job.locator("form[action$='/clock-on/'] button").click()
    expect(job.locator("[data-testid=job-state]")).to_contain_text("作业中")
    job.locator("form[action$='/parts/'] button").first.click()  # the pads, at the parts counter
    expect(job.locator("form[action$='/parts/']")).to_have_count(1)
    job.locator("form[action$='/parts/'] button").click()  # and the brake fluid
    expect(job.locator("form[action$='/parts/']")).to_have_count(0)
    expect(job).to_contain_text("等待发料")
    job.locator("[data-testid=finish-form] textarea").fill("更换前刹车片及刹车油,新片厚度 10mm,路试制动正常")
    shot(page, "05-technician-tablet")
    job.locator("[data-testid=finish-form] button[type=submit]").click()
    expect(job).to_contain_text("REP-15")  # nothing ticked, nothing signed: refused, shown on the card
    order.refresh_from_db()
    assert order.status == WorkOrder.Status.IN_REPAIR
    shot(page, "05b-technician-refused")
    for box in job.locator("[data-testid=finish-form] input[type=checkbox]").all():
        box.check()
    job.locator("[data-testid=finish-form] textarea").fill("更换前刹车片及刹车油,新片厚度 10mm,路试制动正常")
    draw_signature(page, "canvas[data-signature-for^=id_job]")
    job.locator("[data-testid=finish-form] button[type=submit]").click()
    expect(page.locator("[data-testid=job-done]")).to_be_visible()
    order.refresh_from_db()
    assert order.status == WorkOrder.Status.REPAIR_DONE
    clerk = log_in(browser, live_server, team[Role.PARTS_CLERK])
    clerk.goto(f"{live_server.url}/workshop/parts/")  # the clerk lands on the supply page (issue 19)
    for _ in range(2):
        clerk.locator("[data-testid=requisitions] form button").first.click()
    expect(clerk.locator("[data-testid=requisitions] form")).to_have_count(0)

    # 4. QC inspector on the tablet: pass.
    page = log_in(browser, live_server, team[Role.QC_INSPECTOR], TABLET)
    page.locator("[data-testid=qc-queue] a").click()
    qc_answer(page)
    page.fill("#id_road_km", "5")
    page.fill("#id_road_findings", "制动性能正常,无异响")
    page.fill("#id_summary", "更换前刹车片及刹车油,检验合格")
    shot(page, "06-qc-tablet")
    page.click("[data-testid=qc-form] button[value=pass]")
    page.wait_for_url("**/handover/")
    page.fill("#id_cleaned_by", "洗车组 小刘")
    page.click("form[action$='/wash/'] button[type=submit]")
    page.select_option("select[name=spot]", label="竣工区01")  # a free spot must be chosen
    with page.expect_navigation():
        page.click("form[action$='/park/'] button[type=submit]")
    expect(page.locator("[data-testid=washed]")).to_be_visible()

    # 5. Advisor reads the inspector's summary and takes the car over from QC.
    page = log_in(browser, live_server, team[Role.SERVICE_ADVISOR])
    page.click("a[href$='/handover/']")
    expect(page.locator("[data-testid=qc-summary]")).to_contain_text("更换前刹车片")
    with page.expect_navigation():
        page.click("[data-testid=acknowledge]")
    order.refresh_from_db()
    assert order.status == WorkOrder.Status.READY

    # 6. The advisor issues the statement, the cashier takes payment, the
    #    advisor goes through the delivery checklist and issues the gate pass.
    page = log_in(browser, live_server, team[Role.SERVICE_ADVISOR])
    page.goto(f"{live_server.url}/settlement/orders/{order.pk}/")
    with page.expect_navigation():
        page.click("[data-testid=issue-statement]")
    expect(page.locator("[data-testid=statement-number]")).to_be_visible()
    cashier = log_in(browser, live_server, team[Role.CASHIER])
    cashier.locator("[data-testid=cashier-queue] a").click()
    cashier.select_option("#id_method", "wechat")
    with cashier.expect_navigation():
        cashier.click("form[action$='/pay/'] button[type=submit]")
    expect(cashier.locator("[data-testid=balance]")).to_have_text("¥0.00")
    page.reload()
    for box in page.locator("[data-testid=delivery] input[type=checkbox]").all():
        box.check()
    with page.expect_navigation():
        page.click("[data-testid=confirm-delivery]")
    with page.expect_navigation():
        page.click("[data-testid=issue-gate-pass]")
    number = page.locator("[data-testid=gate-pass-number]").inner_text().strip()
    shot(page, "07-delivery-gate-pass")

    # 7. Gate guard checks the pass on a phone.
    page = log_in(browser, live_server, team[Role.GATE_GUARD], PHONE)
    page.fill("#id_number", number.split("G")[-1])  # the digits are enough
    page.click("main form button[type=submit]")
    assert "迈腾" in page.locator("[data-testid=gate-ok]").inner_text()  # the car to look for; the guard types its plate
    page.fill("#id_plate", "a12345")  # the province character may be left out
    shot(page, "08-gate-phone")
    page.click("form[action$='/release/'] button")
    expect(page.locator("[data-testid=gate-released]")).to_contain_text("粤A12345")

    # 8. The beat sweep creates the follow-up call; the agent records it.
    assert followup_tasks_create_due() == 1
    page = log_in(browser, live_server, team[Role.FOLLOWUP_AGENT])
    page.goto(f"{live_server.url}/followup/?show=later")  # due from two days after delivery
    page.locator("[data-testid=followup-queue] a").click()
    page.check("input[name=reached][value='1']")
    for name in ("overall", "booking", "reception", "quality", "on_time", "price", "cleanliness", "delivery"):
        page.select_option(f"#id_score_{name}", "5")
    page.fill("#id_customer_words", "刹车没有异响了,交车准时,价格和报价一样。")
    page.select_option("#id_complaint", "0")
    shot(page, "09-followup-call")
    page.click("form[action$='/call/'] button[type=submit]")
    page.wait_for_url("**/followup/")

    order.refresh_from_db()
    assert order.status == WorkOrder.Status.CLOSED
    moves = list(order.events.filter(kind="status").values_list("to_status", flat=True))
    assert moves == ["draft", "signed", "in_repair", "repair_done", "qc_passed", "ready", "settled",
                     "delivered", "closed"]

    # 9. The manager sees the numbers, and the whole timeline on the order.
    page = log_in(browser, live_server, team[Role.AFTERSALES_MANAGER])
    shot(page, "10-manager-overview")
    page.goto(f"{live_server.url}/orders/{order.pk}/")
    assert page.locator("[data-testid=timeline] li").count() >= 12
    shot(page, "11-order-timeline")
