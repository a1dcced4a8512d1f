"""Stage 6 in the browser: the agent works the queue and records a
complaint; the manager assigns it and sets a measure; the advisor handles
it; the agent calls back and closes it; the manager opens the dashboard and
prints the monthly report."""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from dealership.models import Role, WorkOrder
from demo.builder import drive
from followup.models import Complaint, CorrectiveAction, FollowUpTask
from followup.services import followup_tasks_create_due

from ..conftest import Team, new_order
from ..factories import LabourFactory, PartFactory, StoreFactory, VehicleFactory
from ..printing.test_pdf import pdf_text
from .conftest import DESKTOP
from .test_walkthrough import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_queue_complaint_measure_dashboard_and_report(browser, live_server, shot):
    store = StoreFactory(name="天河4S店")
    team = Team(store)
    catalogue = {"labour": LabourFactory(store=store), "part": PartFactory(store=store)}
    order = drive(new_order(team, VehicleFactory(store=store, plate="粤A66666"), catalogue), WorkOrder.Status.DELIVERED)
    followup_tasks_create_due()
    FollowUpTask.objects.update(due_from=timezone.now() - timedelta(hours=1))

    # 1. The agent calls: not satisfied, a complaint in the customer's words.
    agent = log_in(browser, live_server, team[Role.FOLLOWUP_AGENT], DESKTOP)
    expect(agent.locator("[data-testid=followup-queue]")).to_contain_text("粤A66666")
    agent.locator("[data-testid=followup-queue] a").click()
    expect(agent.locator("[data-testid=call-script]")).to_be_visible()
    agent.check("input[name=reached][value='1']")
    scores = {"overall": "2", "booking": "4", "reception": "4", "quality": "4", "on_time": "1", "price": "4",
              "cleanliness": "3", "delivery": "3"}
    for name, value in scores.items():
        agent.select_option(f"#id_score_{name}", value)
    agent.click("[data-testid=call-form] button[type=submit]")  # no words: refused, scores kept
    expect(agent.locator("#id_customer_words")).to_have_attribute("aria-invalid", "true")
    expect(agent.locator("#id_score_on_time")).to_have_value("1")
    agent.fill("#id_customer_words", "说好下午三点交车,拖到五点半,中间没人通知我。")
    agent.select_option("#id_complaint", "1")
    shot(agent, "f1-call-with-complaint")
    with agent.expect_navigation():
        agent.click("[data-testid=call-form] button[type=submit]")
    complaint = Complaint.objects.get(work_order=order)

    # 2. The manager classifies and assigns it, and sets a measure.
    manager = log_in(browser, live_server, team[Role.AFTERSALES_MANAGER], DESKTOP)
    manager.locator("[data-testid=my-tasks] a", has_text="粤A66666").first.click()
    manager.select_option("#id_stage", "repair")
    manager.select_option("#id_category", "time")
    manager.select_option("#id_department", "workshop")
    manager.select_option("#id_owner", str(team[Role.FOREMAN].pk))
    with manager.expect_navigation():
        manager.click("[data-testid=assign-form] button[type=submit]")
    expect(manager.locator("[data-testid=complaint-status]")).to_contain_text("已分派")
    manager.click("[data-testid=new-action]")
    expect(manager.locator(f"input[name=complaints][value='{complaint.pk}']")).to_be_checked()
    manager.fill("#id_title", "超过约定时间前 1 小时必须电话告知客户")
    manager.select_option("#id_owner", str(team[Role.FOREMAN].pk))
    manager.fill("#id_due_on", (timezone.localdate() + timedelta(days=14)).isoformat())
    with manager.expect_navigation():
        manager.click("[data-testid=action-form] button[type=submit]")
    expect(manager.locator("[data-testid=actions]")).to_contain_text("电话告知客户")
    assert CorrectiveAction.objects.get().complaints.get() == complaint

    # 3. The foreman handles it; the agent calls the customer back and closes it.
    foreman = log_in(browser, live_server, team[Role.FOREMAN], DESKTOP)
    foreman.goto(f"{live_server.url}/followup/complaints/{complaint.pk}/")
    foreman.fill("#id_handling", "已向客户致歉,车间晨会通报,延误须提前一小时告知顾问。")
    with foreman.expect_navigation():
        foreman.click("[data-testid=handle-form] button[type=submit]")
    agent.goto(f"{live_server.url}/followup/complaints/{complaint.pk}/")
    agent.fill("#id_callback_result", "客户接受道歉,希望下次准时。")
    agent.check("input[name=satisfied][value='1']")
    with agent.expect_navigation():
        agent.click("[data-testid=close-form] button[type=submit]")
    expect(agent.locator("[data-testid=complaint-status]")).to_contain_text("已关闭")
    shot(agent, "f2-complaint-closed")

    # 4. The dashboard, the compliance view and the monthly report.
    manager.goto(f"{live_server.url}/followup/overview/")
    expect(manager.locator("[data-testid=complaints-total]")).to_have_text("1")
    expect(manager.locator("[data-testid=satisfaction-table] [data-dimension=on_time]")).to_have_text("1.0")
    expect(manager.locator("svg.chart").first).to_be_visible()
    shot(manager, "f3-dashboard")
    manager.goto(f"{live_server.url}/followup/compliance/")
    # REP-X7 is the late-car item, counted by REP-8 (issue 21: one table per stage, one row per item)
    expect(manager.locator("[data-testid=compliance-REP] #REP-X7")).to_contain_text("REP-8")
    shot(manager, "f4-compliance")
    manager.goto(f"{live_server.url}/followup/reports/")
    href = f"{live_server.url}/followup/reports/now.pdf?month={timezone.localdate():%Y-%m}"
    report = manager.request.get(href)
    assert report.ok and report.headers["content-type"] == "application/pdf"
    text = pdf_text(report.body())
    assert "回访分析月报" in text and "天河4S店" in text and "投诉" in text
