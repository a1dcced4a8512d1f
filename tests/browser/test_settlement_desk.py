"""Stage 5 in the browser: the advisor settles a car with an approved change
and a declined safety item, the cashier takes two partial payments, the
advisor goes through the delivery checklist with the customer's signature,
prints the documents and issues the gate pass, and the guard checks it on a
phone: once, for this car only."""

from decimal import Decimal

import pytest
from playwright.sync_api import expect

from dealership.models import JobType, Role, WorkOrder
from demo.builder import drive, finish_work, qc_pass, wash_and_park
from inspection.models import DeferredWork
from inspection.services import Deferred, handover_acknowledge, inspection_record
from settlement.models import GateAlert, Payment
from workshop.changes import finding_decide, finding_price, finding_report
from workshop.models import Finding, OldPart

from ..conftest import Team, new_order
from ..factories import LabourFactory, PartFactory, StoreFactory, VehicleFactory
from ..printing.test_pdf import pdf_text
from .conftest import DESKTOP, PHONE, draw_signature
from .test_walkthrough import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def car_ready_with_change_and_safety_item(store, team) -> WorkOrder:
    brakes = {"labour": LabourFactory(store=store, code="B001", name="更换前刹车片", job_type=JobType.BRAKES),
              "part": PartFactory(store=store, number="5Q0698151AD", name="前刹车片(套)", on_hand=Decimal("10"))}
    order = drive(new_order(team, VehicleFactory(store=store, plate="粤A88888"), brakes), WorkOrder.Status.IN_REPAIR)
    wiper = PartFactory(store=store, number="WB-600", name="雨刮片", unit="片", price=Decimal("95.00"), on_hand=Decimal("8"))
    tyre = PartFactory(store=store, number="TY-205", name="轮胎 205/55R16", unit="条", price=Decimal("650.00"))
    finding = finding_report(work_order=order, actor=team[Role.TECHNICIAN], description="雨刮片老化,刮不干净;后轮胎磨损")
    finding_price(finding=finding, actor=order.advisor, parts=[(wiper, Decimal("2")), (tyre, Decimal("2"))])
    lines = {ln.part_id: ln.pk for ln in order.lines.filter(finding_id=finding.pk)}
    finding_decide(finding=finding, decisions={lines[wiper.pk]: True, lines[tyre.pk]: False}, via=Finding.Via.PHONE,
                   note="客户电话同意换雨刮,轮胎下次再换", actor=order.advisor)
    order.refresh_from_db()
    finish_work(order)
    data = qc_pass(order)
    data.deferred = [Deferred("右前减震器漏油,建议立即更换", DeferredWork.Urgency.SAFETY, Decimal("1200.00"))]
    inspection_record(work_order=order, inspector=team[Role.QC_INSPECTOR], passed=True, data=data)
    wash_and_park(order, team[Role.QC_INSPECTOR])
    handover_acknowledge(work_order=order, advisor=order.advisor)
    order.refresh_from_db()
    assert order.status == WorkOrder.Status.READY
    return order


def test_settle_pay_twice_deliver_print_and_leave_through_the_gate(browser, live_server, shot):
    store = StoreFactory(name="天河4S店")
    team = Team(store)
    order = car_ready_with_change_and_safety_item(store, team)
    total = order.total  # quote ¥960 + the approved wipers 2 × ¥95

    # 1. The advisor checks the statement against the quote and issues it.
    advisor = log_in(browser, live_server, team[Role.SERVICE_ADVISOR], DESKTOP)
    advisor.goto(f"{live_server.url}/settlement/orders/{order.pk}/")
    statement = advisor.locator("[data-testid=statement]")
    expect(statement).to_contain_text("雨刮片")
    expect(statement).to_contain_text("已批准变更")
    expect(advisor.locator("[data-testid=statement-total]")).to_have_text(f"¥{total:,.2f}")
    expect(advisor.locator("[data-testid=deferred]")).to_contain_text("减震器")
    expect(advisor.locator("[data-testid=deferred]")).to_contain_text("轮胎")  # declined, still shown
    with advisor.expect_navigation():
        advisor.click("[data-testid=issue-statement]")
    expect(advisor.locator("[data-testid=statement-number]")).to_be_visible()
    expect(advisor.locator("[data-testid=next-service]")).to_contain_text("km")
    shot(advisor, "s1-statement-issued")

    # 2. The cashier takes two payments: part by card, the rest by WeChat.
    cashier = log_in(browser, live_server, team[Role.CASHIER], DESKTOP)
    cashier.goto(f"{live_server.url}/settlement/")
    cashier.locator("[data-testid=cashier-queue] a").click()
    cashier.fill("#id_amount", "500.00")
    cashier.select_option("#id_method", "card")
    cashier.fill("#id_reference", "POS 0042")
    with cashier.expect_navigation():
        cashier.click("[data-testid=pay-form] button[type=submit]")
    expect(cashier.locator("[data-testid=balance]")).to_have_text(f"¥{total - 500:,.2f}")
    cashier.fill("#id_amount", str(total))  # too much: refused with a message, nothing saved
    cashier.click("[data-testid=pay-form] button[type=submit]")
    expect(cashier.locator("#id_amount")).to_have_attribute("aria-invalid", "true")
    cashier.fill("#id_amount", str(total - 500))
    cashier.select_option("#id_method", "wechat")
    with cashier.expect_navigation():
        cashier.click("[data-testid=pay-form] button[type=submit]")
    expect(cashier.locator("[data-testid=balance]")).to_have_text("¥0.00")
    shot(cashier, "s2-paid-in-two")
    assert list(Payment.objects.filter(work_order=order).values_list("amount", flat=True)) == [
        Decimal("500.00"), total - 500]

    # 3. At the car: the checklist, the old parts, the customer signs for the declined safety work.
    advisor.reload()
    delivery = advisor.locator("[data-testid=delivery]")
    for box in delivery.locator("input[type=checkbox]").all():
        box.check()
    with advisor.expect_navigation():  # without the signature: refused, ticks kept
        advisor.click("[data-testid=confirm-delivery]")
    expect(advisor.locator("[data-testid=errors]")).to_contain_text("SET-11")
    expect(advisor.locator("[data-testid=errors]")).to_contain_text("SET-8")
    assert advisor.locator("#id_car_checked").is_checked()
    for row in advisor.locator("[data-testid=old-part]").all():
        row.locator("label").last.click()  # the shop disposes of them
    draw_signature(advisor, "canvas[data-signature-for=id_declined_signature]")
    shot(advisor, "s3-delivery-checklist")
    with advisor.expect_navigation():
        advisor.click("[data-testid=confirm-delivery]")
    expect(advisor.locator("[data-testid=delivery]")).to_contain_text("已完成")
    assert set(OldPart.objects.filter(work_order=order).values_list("wish", flat=True)) == {"dispose"}

    # 4. The documents pack, then the gate pass.
    links = advisor.locator("[data-testid=documents] a")
    expect(links).to_have_count(5)
    texts = {}
    for i in range(links.count()):
        href = links.nth(i).get_attribute("href")
        response = advisor.request.get(f"{live_server.url}{href}")
        assert response.ok and response.headers["content-type"] == "application/pdf", href
        texts[href] = pdf_text(response.body())
    joined = "\n".join(texts.values())
    for words in ("结算单", "任务委托书", "质量保证卡", "旧件清单", "减震器", "下次保养"):
        assert words in joined, words
    with advisor.expect_navigation():
        advisor.click("[data-testid=issue-gate-pass]")
    number = advisor.locator("[data-testid=gate-pass-number]").inner_text().strip()
    gate_pdf = advisor.request.get(f"{live_server.url}/settlement/orders/{order.pk}/documents/gate-pass.pdf")
    assert gate_pdf.ok and number in pdf_text(gate_pdf.body())
    shot(advisor, "s4-gate-pass-issued")

    # 5. The guard, on a phone: the wrong plate is refused and flagged, the right one lets the car out once.
    guard = log_in(browser, live_server, team[Role.GATE_GUARD], PHONE)
    guard.goto(f"{live_server.url}/settlement/gate/?n={number}")  # what the QR code opens
    expect(guard.locator("#id_number")).to_have_value(number)
    guard.click("main form button[type=submit]")
    expect(guard.locator("[data-testid=gate-ok]")).not_to_contain_text("A88888")  # the guard reads it off the car
    guard.fill("#id_plate", "粤A88889")
    guard.click("[data-testid=release]")
    expect(guard.locator("[data-testid=gate-refused]")).to_contain_text("粤A88888")
    assert GateAlert.objects.filter(reason=GateAlert.Reason.OTHER_CAR).count() == 1
    guard.fill("#id_plate", "A88888")  # looked again; the pass stays on screen, 粤 may be left out
    guard.click("[data-testid=release]")
    expect(guard.locator("[data-testid=gate-released]")).to_contain_text("粤A88888")
    shot(guard, "s5-gate-phone")
    guard.fill("#id_number", number)
    guard.click("main form button[type=submit]")
    expect(guard.locator("[data-testid=gate-refused]")).to_contain_text("SET-14")
    assert GateAlert.objects.filter(reason=GateAlert.Reason.USED).count() == 1
    order.refresh_from_db()
    assert order.status == WorkOrder.Status.DELIVERED
