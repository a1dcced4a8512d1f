"""Stage 4 on the tablet (800×1280): the inspector fails the car once, the
technician reworks it, the inspector passes it with a road test and prints
the quality guarantee card, the car is washed and parked, and the advisor
reads the summary and takes the car over."""

from decimal import Decimal

import pytest
from playwright.sync_api import expect

from dealership.models import JobType, Role, WorkOrder
from demo.builder import drive
from inspection.models import Inspection
from workshop.models import Job

from ..conftest import Team, new_order
from ..factories import LabourFactory, PartFactory, StoreFactory, VehicleFactory
from .conftest import DESKTOP, TABLET, draw_signature, qc_answer
from .test_walkthrough import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_fail_rework_pass_with_road_test_card_and_handover(browser, live_server, shot):
    store = StoreFactory(name="天河4S店")
    team = Team(store)
    brakes = {"labour": LabourFactory(store=store, code="B001", name="更换前刹车片", job_type=JobType.BRAKES),
              "part": PartFactory(store=store, number="5Q0698151AD", name="前刹车片(套)", on_hand=Decimal("10"))}
    order = drive(new_order(team, VehicleFactory(store=store), brakes), WorkOrder.Status.REPAIR_DONE)

    inspector = log_in(browser, live_server, team[Role.QC_INSPECTOR], TABLET)
    inspector.locator("[data-testid=qc-queue] a").click()
    expect(inspector.locator("[data-testid=qc-lines]")).to_contain_text("已完成")
    qc_answer(inspector, fail_first=True)
    inspector.locator("[data-testid=qc-check]").first.locator("input[type=text]").fill("左前卡钳螺栓未按力矩")
    inspector.fill("#id_notes", "制动卡钳紧固不合格,返工")
    shot(inspector, "q1-qc-fail")
    inspector.click("[data-testid=qc-form] button[value=fail]")
    inspector.wait_for_url("**/inspection/")
    order.refresh_from_db()
    assert order.status == WorkOrder.Status.QC_FAILED

    technician = log_in(browser, live_server, team[Role.TECHNICIAN], TABLET)
    card = technician.locator("[data-testid=my-job]").first
    expect(card.locator("[data-testid=qc-findings]")).to_contain_text("左前卡钳螺栓未按力矩")
    card.locator("form[action$='/clock-on/'] button").click()
    expect(card.locator("[data-testid=job-state]")).to_contain_text("作业中")
    for box in card.locator("[data-testid=finish-form] input[type=checkbox]").all():
        box.check()
    card.locator("[data-testid=finish-form] textarea").fill("按力矩重新紧固左前卡钳螺栓")
    draw_signature(technician, f"#{card.get_attribute('id')} canvas.signature-pad")
    card.locator("[data-testid=finish-form] button[type=submit]").click()
    expect(technician.locator("[data-testid=job-done]")).to_be_visible()

    inspector.reload()
    inspector.locator("[data-testid=qc-queue] a").click()
    expect(inspector.locator("body")).to_contain_text("制动卡钳紧固不合格")  # the earlier round is shown
    qc_answer(inspector)
    inspector.click("[data-testid=qc-form] button[value=pass]")
    expect(inspector.locator("[data-testid=qc-errors]")).to_contain_text("QC-3")  # brake work: road test first
    inspector.fill("#id_road_km", "6")
    inspector.select_option("#id_road_technician", str(team[Role.TECHNICIAN].pk))
    inspector.fill("#id_road_findings", "制动有力,无跑偏,无异响")
    inspector.fill("#id_deferred_0_description", "后轮胎花纹接近极限,建议3个月内更换")
    inspector.select_option("#id_deferred_0_urgency", "soon")
    inspector.fill("#id_deferred_0_estimate", "1960")
    inspector.fill("#id_summary", "前刹车片已更换,返工后复检合格,路试正常")
    shot(inspector, "q2-qc-pass")
    inspector.click("[data-testid=qc-form] button[value=pass]")
    inspector.wait_for_url("**/handover/")
    assert list(Inspection.objects.filter(work_order=order).values_list("round", "passed")) == [(1, False), (2, True)]
    assert Job.objects.get(work_order=order, kind=Job.Kind.REWORK).rework_of is not None

    card_href = inspector.locator("[data-testid=guarantee-card]").get_attribute("href")
    pdf = inspector.request.get(f"{live_server.url}{card_href}")
    assert pdf.ok and pdf.headers["content-type"] == "application/pdf" and pdf.body().startswith(b"%PDF")
    inspector.fill("#id_cleaned_by", "洗车组 小刘")
    inspector.click("form[action$='/wash/'] button[type=submit]")
    inspector.select_option("select[name=spot]", label="竣工区01")  # a free spot must be chosen
    with inspector.expect_navigation():
        inspector.click("form[action$='/park/'] button[type=submit]")
    expect(inspector.locator("[data-testid=washed]")).to_be_visible()
    shot(inspector, "q3-washed-parked")

    advisor = log_in(browser, live_server, team[Role.SERVICE_ADVISOR], DESKTOP)
    expect(advisor.locator("[data-testid=spot]")).to_contain_text("竣工区01")  # where the car stands
    advisor.click("a[href$='/handover/']")
    summary = advisor.locator("[data-testid=qc-summary]")
    expect(summary).to_contain_text("路试")
    expect(summary.locator("[data-testid=deferred]")).to_contain_text("后轮胎花纹")
    expect(summary.locator("[data-testid=wear]")).to_contain_text("6.5 mm")
    shot(advisor, "q4-advisor-handover")
    with advisor.expect_navigation():
        advisor.click("[data-testid=acknowledge]")
    order.refresh_from_db()
    assert order.status == WorkOrder.Status.READY
