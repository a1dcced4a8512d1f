"""Issue 20, the whole way on the customer's phone (390×844): a new customer
books with a one-time code, the appointment agent confirms the request at the
desk, the advisor sees the preparation; on the day the customer follows the
car on the status page from reception to delivery, approves a finding there,
and answers the survey. The staff's moves between are the services their
pages call (each has its own browser test); the customer's side is the
browser, and the page is never reloaded by hand."""

from datetime import datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.utils import timezone
from playwright.sync_api import expect

from appointments.models import Appointment, BookingRequest
from dealership.models import OutboundMessage, Role, WorkOrder
from dealership.notify import LocmemBackend
from demo.builder import deliver, finish_work, qc_pass, sign, wash_and_park
from followup.services import followup_tasks_create_due
from inspection.services import handover_acknowledge, inspection_record
from settlement.services import amount_due, gate_pass_issue, payment_record, statement_issue
from workshop.changes import finding_price, finding_report
from workshop.jobs import job_assign, jobs_sync
from workshop.models import Finding, Job

from ..appointments.selfbook_helpers import last_code, maintenance_op
from ..conftest import Team
from ..factories import LabourFactory, PartFactory, StoreFactory
from ..mycar.test_status import photo
from ..workshop.helpers import working
from .conftest import PHONE
from .test_walkthrough import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SHANGHAI = ZoneInfo("Asia/Shanghai")
MOBILE = "13900001111"


def step(page):
    return page.locator("#car-status [aria-current=step]")


def test_issue20_a_new_customer_books_on_a_phone_and_follows_the_car_to_the_survey(browser, live_server, shot,
                                                                                    settings):
    settings.MYCAR_POLL_SECONDS = 1
    today = timezone.now().astimezone(SHANGHAI).date()
    store = StoreFactory(name="天河4S店", phone="020-88886666")
    team = Team(store)
    job = maintenance_op(store)
    advisor, agent = team[Role.SERVICE_ADVISOR], team[Role.APPOINTMENT_AGENT]
    LocmemBackend.outbox = []

    with time_machine.travel(datetime.combine(today, time(10, 0), tzinfo=SHANGHAI), tick=True):
        # 1. A new customer books on the phone: tomorrow's first free time, proved by the code.
        phone = browser.new_context(viewport=PHONE, locale="zh-CN", is_mobile=True, has_touch=True)
        customer = phone.new_page()
        customer.set_default_timeout(15_000)
        customer.goto(f"{live_server.url}/appointments/book/{store.code}/")
        customer.locator("[data-testid=days] button").nth(1).click()
        customer.wait_for_load_state()
        customer.locator("[data-testid=times] label").first.click()
        wanted = customer.locator("[data-testid=times] input:checked").get_attribute("value")
        wanted_at = datetime.strptime(wanted.split("-")[0], "%Y%m%d%H%M").replace(tzinfo=SHANGHAI)
        customer.fill("#id_plate", "粤A20260")
        customer.fill("#id_vin", "1M8GDM9AXKP042788")
        customer.fill("#id_mileage", "32000")
        customer.fill("#id_name", "陈静")
        customer.fill("#id_mobile", MOBILE)
        customer.check("#id_consent")  # messages about the visit: the status link will come by SMS
        customer.click("button[name=send]")
        expect(customer.locator("h1")).to_contain_text("输入验证码")
        customer.fill("#id_code", last_code(MOBILE))
        customer.click("main button[type=submit]")
        expect(customer.locator("[data-testid=request-waiting]")).to_be_visible()
        shot(customer, "phone-1-request-sent")
        request_ = BookingRequest.objects.get()
        assert request_.source == BookingRequest.Source.ONLINE and request_.due_at > timezone.now()

        # 2. The appointment agent answers it at the desk: the request fills the booking form.
        page = log_in(browser, live_server, agent)
        page.goto(f"{live_server.url}/appointments/")
        requests_ = page.locator("[data-testid=booking-requests]")
        expect(requests_).to_contain_text("粤A20260")
        requests_.get_by_role("link", name="预约").first.click()
        expect(page.locator("#id_car-plate")).to_have_value("粤A20260")
        expect(page.locator("#id_car-mobile")).to_have_value(MOBILE)
        # what the customer chose comes along: the VIN, the day, the time and the advisor of that time
        expect(page.locator("#id_car-vin")).to_have_value("1M8GDM9AXKP042788")
        expect(page.locator("#id_day")).to_have_value(wanted_at.date().isoformat())
        expect(page.locator("#id_slot")).to_have_value(f"{wanted_at:%H:%M}")
        expect(page.locator("#id_advisor")).to_have_value(str(advisor.pk))
        expect(page.locator("#id_car-consent_to_messages")).to_be_checked()  # asked for on the phone
        page.fill("#id_car-make", "丰田")
        page.fill("#id_car-model", "凯美瑞")
        page.select_option("#id_car-title", "ms")
        page.fill("#id_pre_diagnosis", "32000公里常规保养：更换机油机滤")
        page.select_option("#id_labour_operations", str(job.pk))
        shot(page, "phone-2a-agent-form-from-request")
        page.click("main form button[type=submit]")
        expect(page.locator("[data-testid=tell-customer]")).to_contain_text(str(advisor))
        shot(page, "phone-2-agent-booked")
        appointment = Appointment.objects.get()
        assert appointment.starts_at == wanted_at
        request_.refresh_from_db()
        assert request_.handled_at is not None and request_.appointment == appointment

        # 3. The advisor sees the preparation (APT-7 to APT-9).
        page = log_in(browser, live_server, advisor)
        expect(page.locator("[data-testid=my-tasks]")).to_contain_text("粤A20260")
        page.goto(f"{live_server.url}/appointments/{appointment.pk}/")
        expect(page.locator("[data-testid=readiness]")).to_be_visible()
        shot(page, "phone-3-advisor-preparation")
        phone.close()

    # 4. On the day: the advisor receives the car and signs; the link comes by message.
    with time_machine.travel(wanted_at - timedelta(minutes=5), tick=True):
        order = appointment.work_order
        sign(order, advisor)
        message = OutboundMessage.objects.get(key=f"wo-{order.pk}-status")
        assert message.status == OutboundMessage.Status.SENT and message.to == MOBILE
        link = "/my/" + message.body.split("/my/", 1)[1].split()[0]
        phone = browser.new_context(viewport=PHONE, locale="zh-CN", is_mobile=True, has_touch=True)
        customer = phone.new_page()
        customer.set_default_timeout(15_000)
        customer.goto(f"{live_server.url}{link}")
        expect(step(customer)).to_have_attribute("data-step", "received")
        customer.evaluate("window.stillTheSamePage = true")
        shot(customer, "phone-4-received")

        # 5. In the workshop; a finding to approve, which the customer approves on the page.
        working(order, team)
        expect(step(customer)).to_have_attribute("data-step", "workshop")
        finding = finding_report(work_order=order, actor=team[Role.TECHNICIAN], description="前刹车片剩余2毫米",
                                 photo=photo())
        pads = LabourFactory(store=store, name="更换前刹车片", price=Decimal("180"))
        pad_set = PartFactory(store=store, name="前刹车片", price=Decimal("460"), on_hand=4)
        finding_price(finding=finding, actor=advisor, labour=[(pads, Decimal(1))], parts=[(pad_set, Decimal(1))],
                      new_promised_at=timezone.now() + timedelta(hours=5))
        expect(step(customer)).to_have_attribute("data-step", "approval")
        offer = customer.locator("[data-testid=offer]")
        expect(offer).to_contain_text("前刹车片剩余2毫米")
        shot(customer, "phone-5-finding")
        for yes in offer.locator("label.btn-outline-success").all():
            yes.click()
        with customer.expect_navigation():
            offer.locator("button[type=submit]").click()
        expect(customer.locator("[data-testid=decided]")).to_contain_text("您已同意")
        finding.refresh_from_db()
        assert (finding.status, finding.decided_via) == (Finding.Status.DECIDED, "link")
        customer.evaluate("window.stillTheSamePage = true")  # the decision was a form post; from here, polls only

        # 6. Inspection, ready, paid, delivered: each step reaches the open page by itself.
        jobs_sync(work_order=order)  # the approved brake job goes to the same technician
        for new_job in Job.objects.filter(work_order=order, technician__isnull=True):
            job_assign(job=new_job, technician=team[Role.TECHNICIAN], bay="1号工位", actor=team[Role.FOREMAN])
        finish_work(order)
        inspection_record(work_order=order, inspector=team[Role.QC_INSPECTOR], passed=True, data=qc_pass(order))
        expect(step(customer)).to_have_attribute("data-step", "inspection")
        wash_and_park(order, team[Role.QC_INSPECTOR])
        handover_acknowledge(work_order=order, advisor=advisor)
        expect(step(customer)).to_have_attribute("data-step", "ready")
        shot(customer, "phone-6-ready")
        statement_issue(work_order=order, advisor=advisor)
        payment_record(work_order=order, cashier=team[Role.CASHIER], amount=amount_due(work_order=order),
                       method="wechat")
        expect(step(customer)).to_have_attribute("data-step", "paid")
        expect(customer.locator("[data-testid=documents]")).to_be_visible()
        deliver(order, advisor)
        gate_pass_issue(work_order=order, actor=team[Role.CASHIER])
        expect(step(customer)).to_have_attribute("data-step", "delivered")
        assert customer.evaluate("window.stillTheSamePage") is True  # never reloaded
        order.refresh_from_db()
        assert order.status == WorkOrder.Status.DELIVERED

        # 7. The survey after delivery, answered from the page.
        followup_tasks_create_due()
        expect(customer.locator("[data-testid=survey]")).to_be_visible()
        shot(customer, "phone-7-delivered")
        customer.click("[data-testid=survey]")
        customer.select_option("#id_score_overall", "5")
        customer.fill("#id_customer_words", "保养很快，刹车片换得及时")
        customer.click("main form button[type=submit]")
        expect(customer.locator("[data-testid=survey-done]")).to_be_visible()
        shot(customer, "phone-8-survey-answered")
        customer.goto(f"{live_server.url}{link}")
        expect(customer.locator("[data-testid=survey-done]")).to_be_visible()
        width = customer.evaluate("document.documentElement.scrollWidth")
        assert width <= PHONE["width"], f"the page is wider than the phone: {width}px"
        phone.close()
