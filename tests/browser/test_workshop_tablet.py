"""Stage 3 on the tablet (800×1280): the technician clocks on, requests a part
(the clerk issues it), reports a finding with a photo; the advisor prices it;
the customer approves through the link on a phone; the technician does the
approved work and finishes with the self-check and a signature."""

import pytest
from PIL import Image
from playwright.sync_api import expect

from dealership.models import Customer, Role, WorkOrder
from dealership.notify import LocmemBackend
from demo.builder import drive
from workshop.models import Finding, Job, Requisition

from ..conftest import Team, new_order
from ..factories import LabourFactory, PartFactory, StoreFactory, VehicleFactory
from .conftest import DESKTOP, PHONE, TABLET, draw_signature
from .test_walkthrough import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def finish_on_tablet(page, card):
    for box in card.locator("[data-testid=finish-form] input[type=checkbox]").all():
        box.check()
    card.locator("[data-testid=finish-form] textarea").fill("已完成,自检合格")
    draw_signature(page, f"#{card.get_attribute('id')} canvas.signature-pad")
    card.locator("[data-testid=finish-form] button[type=submit]").click()


def test_technician_finding_approved_by_the_customer_then_finished(browser, live_server, shot, tmp_path):
    store = StoreFactory(name="天河4S店")
    team = Team(store)
    brakes = LabourFactory(store=store, code="B001", name="更换前刹车片")
    pads = PartFactory(store=store, number="5Q0698151AD", name="前刹车片(套)")
    shock_work = LabourFactory(store=store, code="S010", name="更换前减震器", standard_hours="1.50", price="420.00")
    order = drive(new_order(team, VehicleFactory(store=store), {"labour": brakes, "part": pads}), WorkOrder.Status.SIGNED)
    Customer.objects.filter(pk=order.customer_id).update(consent_to_messages=True)
    picture = tmp_path / "leak.jpg"
    Image.new("RGB", (640, 480), (90, 60, 20)).save(picture, format="JPEG")
    LocmemBackend.outbox = []

    foreman = log_in(browser, live_server, team[Role.FOREMAN])
    foreman.goto(f"{live_server.url}/workshop/dispatch/")
    foreman.locator("[data-testid=dispatch] tr", has_text="更换前刹车片").locator("button[type=submit]").click()

    page = log_in(browser, live_server, team[Role.TECHNICIAN], TABLET)
    card = page.locator("[data-testid=my-job]").first
    card.locator("form[action$='/clock-on/'] button").click()
    expect(card.locator("[data-testid=job-state]")).to_contain_text("作业中")
    report = card.locator("[data-testid=finish-form] textarea")
    report.fill("刹车片已拆下,测量中")  # half-written when the part is asked for
    card.locator("[data-testid=finish-form] input[type=checkbox]").first.check()
    card.locator("form[action$='/parts/'] button").first.click()
    expect(card).to_contain_text("等待发料")
    expect(report).to_have_value("刹车片已拆下,测量中")  # the rest of the card kept what was typed
    expect(card.locator("[data-testid=finish-form] input[type=checkbox]").first).to_be_checked()
    report.fill("")
    card.locator("[data-testid=finish-form] button[type=submit]").click()  # finish with nothing: refused
    brake_job = Job.objects.get(line__description="更换前刹车片")
    alert = card.locator(f"#job-{brake_job.pk}-finish [role=alert]").first
    expect(alert).to_be_in_viewport()
    shot(page, "w0-tablet-finish-refused")

    clerk = log_in(browser, live_server, team[Role.PARTS_CLERK])
    clerk.goto(f"{live_server.url}/workshop/parts/")  # the clerk lands on the supply page (issue 19)
    clerk.locator("[data-testid=requisitions] form button").click()
    expect(clerk.locator("[data-testid=requisitions]")).not_to_contain_text(order.vehicle.plate)
    assert Requisition.objects.get().status == Requisition.Status.ISSUED

    card.locator("[data-testid=finding-details] summary").click()
    card.locator("textarea[name$=description]").fill("左前减震器漏油,建议更换")
    card.locator("input[type=file][name$=photo]").set_input_files(str(picture))
    card.locator("form[action$='/finding/'] button[type=submit]").click()
    expect(card).to_contain_text("左前减震器漏油")  # waiting for the customer, shown on the card
    shot(page, "w1-tablet-finding")
    finding = Finding.objects.get()

    advisor = log_in(browser, live_server, team[Role.SERVICE_ADVISOR], DESKTOP)
    advisor.goto(f"{live_server.url}/workshop/findings/{finding.pk}/")
    advisor.select_option("#id_labour_operation", str(shock_work.pk))
    advisor.fill("#id_description", "前减震器(原厂)")
    advisor.fill("#id_price", "860")
    advisor.click("form[action$='/items/'] button[type=submit]")
    expect(advisor.locator("[data-testid=finding-lines]")).to_contain_text("860.00")
    advisor.click("form[action$='/send/'] button[type=submit]")
    shot(advisor, "w2-advisor-finding")
    link = LocmemBackend.outbox[-1].body.split("http://127.0.0.1:8000", 1)[1].split()[0]

    customer = browser.new_context(viewport=PHONE, locale="zh-CN").new_page()
    customer.goto(f"{live_server.url}{link}")
    expect(customer.locator("[data-testid=finding-text]")).to_contain_text("减震器漏油")
    for radio in customer.locator("input[value=approve]").all():
        radio.check(force=True)
    shot(customer, "w3-customer-approves")
    customer.click("[data-testid=decision-form] button[type=submit]")
    expect(customer.locator("[data-testid=decided]")).to_be_visible()
    order.refresh_from_db()
    assert order.total == 960 + 420 + 860

    foreman.goto(f"{live_server.url}/workshop/dispatch/")
    foreman.locator("[data-testid=dispatch] tr", has_text="更换前减震器").locator("button[type=submit]").click()

    page.reload()
    first, second = page.locator("[data-testid=my-job]").all()
    finish_on_tablet(page, first)
    expect(page.locator("[data-testid=job-done]")).to_have_count(1)
    page.reload()
    card = page.locator("[data-testid=my-job]").first
    expect(card).to_contain_text("更换前减震器")
    card.locator("form[action$='/clock-on/'] button").click()
    expect(card.locator("[data-testid=job-state]")).to_contain_text("作业中")
    finish_on_tablet(page, card)
    expect(page.locator("[data-testid=job-done]")).to_be_visible()
    shot(page, "w4-tablet-done")
    order.refresh_from_db()
    assert order.status == WorkOrder.Status.REPAIR_DONE
    assert Job.objects.filter(work_order=order, status=Job.Status.DONE).count() == 2
