"""Stage 6: scores on every dimension (FU-2), retries and the survey link
(FU-9), complaints driven to closure (FU-7), corrective measures (FU-6),
service reminders (FU-9), the dashboard equal to the raw records (FU-4,
FU-5), process compliance and the monthly report (FU-8)."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from appointments.models import BookingRequest
from dealership.models import OutboundMessage, Role, StaffTask, WorkOrder
from followup.compliance import compliance_count
from followup.figures import complaint_figures, dashboard, filters_from
from followup.models import Complaint, FollowUpCall, FollowUpTask, MonthlyReport, ServiceReminder
from followup.report import monthly_report_generate, monthly_reports_generate_all
from followup.services import (
    action_create,
    action_done,
    complaint_assign,
    complaint_close,
    complaint_handle,
    complaint_record,
    complaints_escalate_overdue,
    followup_call_record,
    followup_tasks_create_due,
    reminder_book,
    reminder_from_token,
    reminders_send_due,
    survey_answer,
    survey_token,
)

from ..conftest import login
from ..printing.test_pdf import pdf_text
from ..processrules import is_rule
from ..refusals import refused_by, refused_saying

S = WorkOrder.Status
ALL_FIVE = {"overall": 5, "booking": 5, "reception": 5, "quality": 5, "on_time": 5, "price": 5,
            "cleanliness": 5, "delivery": 5}


@pytest.fixture
def task(order_in):
    order = order_in(S.DELIVERED)
    order.customer.consent_to_messages = True
    order.customer.save()
    followup_tasks_create_due()
    return FollowUpTask.objects.get(work_order=order)


def test_fu2_each_dimension_is_scored_and_an_unsatisfied_answer_needs_the_customers_words(task, team):
    agent = team[Role.FOLLOWUP_AGENT]
    with refused_by("FU-2"):
        followup_call_record(task=task, agent=agent, reached=True, channel="phone",
                             scores={**ALL_FIVE, "overall": 2, "on_time": 1}, customer_words="  ")
    with refused_by("FU-2", match=_("Scores go from 1 to 5.")):
        followup_call_record(task=task, agent=agent, reached=True, channel="phone",
                             scores={**ALL_FIVE, "price": 7}, customer_words="好")
    call = followup_call_record(task=task, agent=agent, reached=True, channel="phone",
                                scores={**ALL_FIVE, "overall": 2, "on_time": 1},
                                customer_words="晚了两个小时才交车,也没人打电话说明。")
    assert (call.satisfaction, call.on_time, call.quality) == (2, 1, 5)
    task.refresh_from_db()
    assert task.status == FollowUpTask.Status.DONE and task.work_order.status == S.CLOSED


def test_fu2_the_call_form_shows_every_dimension_and_refuses_a_missing_overall_score(task, team):
    client = login(team[Role.FOLLOWUP_AGENT], language="en")
    page = client.get(reverse("followup:task", args=[task.pk])).content.decode()
    for label in ("Booking", "Reception", "Repair quality", "On time", "Price as quoted", "Cleanliness", "Delivery",
                  "Overall"):
        assert label in page
    response = client.post(reverse("followup:record_call", args=[task.pk]),
                           {"reached": "1", "channel": "phone", "customer_words": "很好", "complaint": "0"})
    assert response.status_code == 400 and "satisfaction" in response.content.decode()
    assert not FollowUpCall.objects.exists()


def test_fu9_not_reached_three_times_sends_the_survey_once_and_the_customer_answers_once(task, team,
                                                                                      django_capture_on_commit_callbacks):
    agent = team[Role.FOLLOWUP_AGENT]
    for attempt in range(3):
        with django_capture_on_commit_callbacks(execute=True):
            followup_call_record(task=task, agent=agent, reached=False, channel="phone")
        if attempt == 0:
            with refused_by("FU-1"):  # a second tap a minute later is not a second try
                followup_call_record(task=task, agent=agent, reached=False, channel="phone")
        FollowUpCall.objects.update(at=timezone.now() - timedelta(hours=1))
    task.refresh_from_db()
    assert task.attempts == 3 and task.survey_sent_at is not None and task.next_try_at is not None
    message = OutboundMessage.objects.get(key=f"survey-{task.pk}")
    token = survey_token(task)
    assert token in message.body
    customer = Client()
    page = customer.get(reverse("followup:survey", args=[token]))
    assert page.status_code == 200
    answer = {f"score_{k}": str(v) for k, v in ALL_FIVE.items()}
    bad = customer.post(reverse("followup:survey", args=[token]), {**answer, "score_overall": "2",
                                                                   "customer_words": ""})
    assert bad.status_code == 400  # not satisfied: the customer is asked what was wrong
    ok = customer.post(reverse("followup:survey", args=[token]), {**answer, "customer_words": "挺好"})
    assert ok.status_code == 200 and 'data-testid="survey-done"' in ok.content.decode()
    call = FollowUpCall.objects.get(task=task, reached=True)
    assert call.agent is None and call.channel == "sms"
    with refused_saying(_("Thank you: this survey was already answered.")):
        survey_answer(task=task, scores=ALL_FIVE, customer_words="再答一次", complaint=False)
    assert FollowUpCall.objects.filter(task=task, reached=True).count() == 1


def test_fu1_the_queue_separates_due_overdue_not_reached_and_survey(task, team):
    FollowUpTask.objects.filter(pk=task.pk).update(due_from=timezone.now() - timedelta(days=1))
    client = login(team[Role.FOLLOWUP_AGENT])
    assert task.work_order.vehicle.plate in client.get(reverse("followup:queue")).content.decode()
    followup_call_record(task=task, agent=team[Role.FOLLOWUP_AGENT], reached=False, channel="phone")
    assert task.work_order.vehicle.plate not in client.get(reverse("followup:queue")).content.decode()  # later
    assert task.work_order.vehicle.plate in client.get(reverse("followup:queue"), {"show": "retry"}).content.decode()


# --- complaints (FU-7) and measures (FU-6) ------------------------------------------------

def test_fu7_a_complaint_is_classified_assigned_handled_called_back_and_closed(task, team):
    agent, manager, advisor = team[Role.FOLLOWUP_AGENT], team[Role.AFTERSALES_MANAGER], team[Role.SERVICE_ADVISOR]
    followup_call_record(task=task, agent=agent, reached=True, channel="phone", scores={**ALL_FIVE, "overall": 1},
                         customer_words="交车时车内很脏,烟灰都没清理。", complaint=True)
    complaint = Complaint.objects.get(work_order=task.work_order)
    assert complaint.status == Complaint.Status.NEW and "烟灰" in complaint.description
    assert StaffTask.objects.filter(key=f"complaint-{complaint.pk}", role=Role.AFTERSALES_MANAGER).exists()
    with refused_by("FU-7"):
        complaint_handle(complaint=complaint, actor=advisor, handling="已道歉")  # not assigned yet
    with refused_by("FU-7"):
        complaint_assign(complaint=complaint, manager=agent, stage="qc", category="cleanliness",
                         department="qc", owner=advisor)
    complaint_assign(complaint=complaint, manager=manager, stage="qc", category="cleanliness", department="qc",
                     owner=advisor)
    complaint.refresh_from_db()
    assert complaint.due_at and complaint.status == Complaint.Status.ASSIGNED
    assert StaffTask.objects.filter(assignee=advisor, key__startswith=f"complaint-{complaint.pk}-owner").exists()
    with refused_by("FU-7"):
        complaint_close(complaint=complaint, actor=agent, callback_result="满意", satisfied=True)  # not handled
    complaint_handle(complaint=complaint, actor=advisor, handling="上门致歉,免费精洗一次")
    with refused_by("FU-7"):
        complaint_close(complaint=complaint, actor=agent, callback_result=" ", satisfied=True)
    complaint_close(complaint=complaint, actor=agent, callback_result="客户表示满意,谢谢处理", satisfied=True)
    complaint.refresh_from_db()
    assert complaint.status == Complaint.Status.CLOSED and complaint.closed_at
    assert list(complaint.events.values_list("message", flat=True)) == [
        "Complaint recorded.", "Assigned to %(owner)s (%(department)s), due %(due)s.", "Handled.",
        "Closed after the call back."]
    assert not StaffTask.objects.filter(key__startswith=f"complaint-{complaint.pk}", done_at__isnull=True).exists()


def test_fu7_overdue_complaints_escalate_to_the_manager_once(order_in, team):
    order = order_in(S.DELIVERED)
    complaint = complaint_record(work_order=order, description="价格比报价高", actor=team[Role.FOLLOWUP_AGENT])
    complaint_assign(complaint=complaint, manager=team[Role.AFTERSALES_MANAGER], stage="settlement",
                     category="price", department="service", owner=team[Role.SERVICE_ADVISOR],
                     due_at=timezone.now() - timedelta(hours=1))
    assert complaints_escalate_overdue() == 1
    assert complaints_escalate_overdue() == 0
    complaint.refresh_from_db()
    assert complaint.escalated_at
    assert StaffTask.objects.filter(key=f"complaint-{complaint.pk}-escalated", role=Role.AFTERSALES_MANAGER).count() == 1
    page = login(team[Role.AFTERSALES_MANAGER]).get(reverse("followup:complaints")).content.decode()
    assert 'class="late"' in page


def test_fu6_a_measure_is_tied_to_complaints_or_a_trend_and_checked_off_with_evidence(order_in, team):
    manager = team[Role.AFTERSALES_MANAGER]
    order = order_in(S.DELIVERED)
    complaint = complaint_record(work_order=order, description="等待太久", actor=team[Role.FOLLOWUP_AGENT])
    with refused_by("FU-6"):
        action_create(manager=manager, kind="corrective", title="增加接待人手", owner=manager,
                      due_on=date(2026, 12, 31))
    with refused_by("FU-6"):
        action_create(manager=team[Role.SERVICE_ADVISOR], kind="corrective", title="x", owner=manager,
                      due_on=date(2026, 12, 31), complaints=[complaint])
    action = action_create(manager=manager, kind="preventive", title="周六增加一名接待顾问",
                           owner=team[Role.SERVICE_ADVISOR], due_on=date(2026, 12, 31), complaints=[complaint])
    assert list(action.complaints.all()) == [complaint]
    with refused_by("FU-6"):
        action_done(action=action, actor=team[Role.SERVICE_ADVISOR], evidence="")
    action_done(action=action, actor=team[Role.SERVICE_ADVISOR], evidence="12月排班表已调整")
    action.refresh_from_db()
    assert action.done_at and action.evidence == "12月排班表已调整"


# --- service reminders (FU-9) ------------------------------------------------------------

def test_fu9_the_next_service_reminder_is_sent_once_and_its_link_asks_for_a_booking(
        order_in, team, django_capture_on_commit_callbacks):
    order = order_in(S.DELIVERED)
    vehicle = order.vehicle
    vehicle.customer.consent_to_messages = True
    vehicle.customer.save()
    today = timezone.localdate()
    type(vehicle).objects.filter(pk=vehicle.pk).update(next_service_on=today + timedelta(days=20))
    assert reminders_send_due(today=today) == 0  # 20 days ahead: not yet (14 by default)
    type(vehicle).objects.filter(pk=vehicle.pk).update(next_service_on=today + timedelta(days=10))
    with django_capture_on_commit_callbacks(execute=True):  # the outbox sends it after commit (issue 20)
        assert reminders_send_due(today=today) == 1
    assert reminders_send_due(today=today) == 0
    reminder = ServiceReminder.objects.get(vehicle=vehicle)
    assert reminder.sent_at and reminder.kind == ServiceReminder.Kind.NEXT_SERVICE
    message = OutboundMessage.objects.get(key=f"reminder-{reminder.key}")
    # the link as the customer got it (a token made again a second later differs in its timestamp)
    token = message.body.split("/followup/r/")[1].split("/")[0]
    assert reminder_from_token(token) == reminder
    response = Client().post(reverse("followup:reminder_book", args=[token]), {"wish": "周六上午"})
    assert 'data-testid="reminder-booked"' in response.content.decode()
    again = reminder_book(reminder=reminder)
    assert BookingRequest.objects.filter(source=BookingRequest.Source.REMINDER).count() == 1
    assert again.plate == vehicle.plate
    reminder.refresh_from_db()
    assert reminder.booked_at


def test_fu9_deferred_work_coming_due_is_reminded_once(team, vehicle, catalogue):
    from demo.builder import drive, qc_pass
    from inspection.models import DeferredWork
    from inspection.services import Deferred, inspection_record

    from ..conftest import new_order

    vehicle.customer.consent_to_messages = True
    vehicle.customer.save()
    order = drive(new_order(team, vehicle, catalogue), S.REPAIR_DONE)
    data = qc_pass(order)
    data.deferred = [Deferred("后轮胎花纹接近极限", DeferredWork.Urgency.SOON, Decimal("1300"))]
    inspection_record(work_order=order, inspector=team[Role.QC_INSPECTOR], passed=True, data=data)
    assert reminders_send_due() == 0
    DeferredWork.objects.update(at=timezone.now() - timedelta(days=61))
    assert reminders_send_due() == 1 and reminders_send_due() == 0
    assert "后轮胎" in OutboundMessage.objects.get(key__startswith="reminder-deferred-").body


# --- the numbers (FU-4, FU-5, FU-8) ------------------------------------------------------------

def test_fu4_the_dashboard_figures_equal_the_raw_records(order_in, team):
    agent = team[Role.FOLLOWUP_AGENT]
    orders = [order_in(S.DELIVERED) for _ in range(4)]
    followup_tasks_create_due()
    tasks = list(FollowUpTask.objects.order_by("id"))
    answers = [(5, 4, False), (2, 1, True), (4, 5, False)]
    for t, (overall, on_time, complaint) in zip(tasks, answers, strict=False):
        followup_call_record(task=t, agent=agent, reached=True, channel="phone",
                             scores={**ALL_FIVE, "overall": overall, "on_time": on_time},
                             customer_words="原话记录", complaint=complaint)
    late = tasks[2]
    FollowUpTask.objects.filter(pk=late.pk).update(done_at=late.due_by + timedelta(hours=1))
    f = filters_from({})
    board = dashboard(team[Role.AFTERSALES_MANAGER], f)
    raw_tasks = FollowUpTask.objects.filter(work_order__in=orders)
    done = [t for t in raw_tasks if t.status == "done"]
    assert board.followup["total"] == len(raw_tasks) == 4
    assert board.followup["done"] == len(done) == 3
    assert board.followup["rate"] == round(100 * len(done) / len(raw_tasks), 1)
    assert board.followup["on_time"] == sum(1 for t in done if t.done_at <= t.due_by) == 2
    calls = FollowUpCall.objects.filter(reached=True)
    assert board.satisfaction["current"]["overall"] == round(sum(c.satisfaction for c in calls) / len(calls), 2)
    assert board.satisfaction["current"]["on_time"] == round(sum(c.on_time for c in calls) / len(calls), 2)
    figures = complaint_figures(team[Role.AFTERSALES_MANAGER], f)
    assert figures["total"] == Complaint.objects.count() == 1
    ftp = next(x for x in board.process if x.rule == "QC-4")
    from inspection.models import Inspection

    firsts = Inspection.objects.filter(round=1)
    assert (ftp.part, ftp.whole) == (firsts.filter(passed=True).count(), firsts.count())
    share = next(x for x in board.process if x.rule == "APT-1")
    assert share.whole == WorkOrder.objects.filter(customer_signed_at__isnull=False).count()
    unpaid = next(x for x in board.process if x.rule == "SET-14")
    assert unpaid.value == 0


def test_fu4_the_dashboard_page_renders_with_filters_and_exports_csv(order_in, team):
    order_in(S.CLOSED)
    client = login(team[Role.AFTERSALES_MANAGER])
    page = client.get(reverse("followup:overview"), {"month": timezone.localdate().strftime("%Y-%m")})
    assert page.status_code == 200 and "<svg" in page.content.decode()
    csv = client.get(reverse("followup:export", args=["process"]))
    assert csv.status_code == 200 and csv.content.decode("utf-8").startswith("\ufeff")
    assert "APT-1" in csv.content.decode("utf-8")
    assert client.get(reverse("followup:export", args=["people"])).status_code == 200
    assert client.get(reverse("followup:export", args=["compliance"])).status_code == 200


def test_fu5_compliance_counts_a_must_avoid_case_and_links_to_it(order_in, team):
    order = order_in(S.DELIVERED)
    WorkOrder.objects.filter(pk=order.pk).update(promised_at=None)  # REC-X9: no agreed delivery time
    compliance_count(month=timezone.localdate())
    client = login(team[Role.AFTERSALES_MANAGER])
    page = client.get(reverse("followup:compliance")).content.decode()
    assert 'data-code="REC-X9"' in page
    listed = client.get(reverse("followup:compliance_cases", args=["REC-X9"])).content.decode()
    assert order.number in listed


def test_fu8_the_monthly_report_is_generated_kept_and_replaced_not_duplicated(order_in, team):
    order_in(S.CLOSED)
    month = timezone.localdate().strftime("%Y-%m")
    report = monthly_report_generate(group=team.store.group, store=team.store, month=month)
    again = monthly_report_generate(group=team.store.group, store=team.store, month=month)
    assert report.pk == again.pk and MonthlyReport.objects.count() == 1
    text = pdf_text(again.pdf.open("rb").read())
    assert "回访分析月报" in text and team.store.name in text and "满意度" in text
    assert monthly_reports_generate_all(today=date.today().replace(day=1)) == 2  # the store and the group
    client = login(team[Role.AFTERSALES_MANAGER])
    assert client.get(reverse("followup:report_download", args=[report.pk])).status_code == 200
    now = client.get(reverse("followup:report_now"), {"month": month})
    assert now.status_code == 200 and now.content.startswith(b"%PDF")


def test_fu9_a_low_score_through_the_survey_is_handled_as_a_complaint(task):
    survey_answer(task=task, scores={**ALL_FIVE, "overall": 2}, customer_words="刹车还是软,有异响", complaint=False)
    complaint = Complaint.objects.get(work_order=task.work_order)
    assert "刹车" in complaint.description and complaint.status == Complaint.Status.NEW


def test_fu7_only_people_who_can_open_complaints_are_responsible_and_reassigning_moves_the_task(order_in, team):
    order = order_in(S.DELIVERED)
    manager = team[Role.AFTERSALES_MANAGER]
    complaint = complaint_record(work_order=order, description="异响没修好", actor=team[Role.FOLLOWUP_AGENT])
    with refused_by("FU-7"):
        complaint_assign(complaint=complaint, manager=manager, stage="repair", category="quality",
                         department="workshop", owner=team[Role.TECHNICIAN])
    from followup.forms import ComplaintAssignForm

    owners = set(ComplaintAssignForm(store_id=team.store.pk).fields["owner"].queryset)
    assert team[Role.FOREMAN] in owners and team[Role.TECHNICIAN] not in owners and team[Role.GATE_GUARD] not in owners
    complaint_assign(complaint=complaint, manager=manager, stage="repair", category="quality", department="workshop",
                     owner=team[Role.SERVICE_ADVISOR])
    complaint_assign(complaint=complaint, manager=manager, stage="repair", category="quality", department="workshop",
                     owner=team[Role.FOREMAN])
    open_keys = set(StaffTask.objects.filter(done_at__isnull=True, key__startswith=f"complaint-{complaint.pk}-owner")
                    .values_list("assignee_id", flat=True))
    assert open_keys == {team[Role.FOREMAN].pk}


def test_fu3_the_agent_gets_a_call_script_for_the_kind_of_visit(task, team):
    client = login(team[Role.FOLLOWUP_AGENT], language="en")
    page = client.get(reverse("followup:task", args=[task.pk])).content.decode()
    assert 'data-testid="call-script"' in page and "Your car had its maintenance" in page
    from dealership.models import LabourOperation

    LabourOperation.objects.filter(store=task.store).update(job_type="brakes")
    page = client.get(reverse("followup:task", args=[task.pk])).content.decode()
    assert "Is the problem you came for solved?" in page  # a repair
    complaint_record(work_order=task.work_order, description="刹车还有异响", actor=team[Role.FOLLOWUP_AGENT])
    page = client.get(reverse("followup:task", args=[task.pk])).content.decode()
    assert "You told us you were not satisfied last time" in page


def test_sch2_the_dashboard_counts_a_customer_still_waiting_past_the_patience_limit(team):
    """SCH-2 on the dashboard: a wait counts once its outcome is known. Called after 2 minutes: within the limit;
    still waiting after 20 minutes, or gone after 12 without being called: over it (8 minutes by default). Someone
    waiting 3 minutes so far is not counted yet."""
    import time_machine

    from appointments.arrivals import ticket_call, ticket_left, ticket_walk_in
    from followup.figures import waits_and_receptions

    agent, advisor = team[Role.APPOINTMENT_AGENT], team[Role.SERVICE_ADVISOR]
    now = timezone.localtime().replace(microsecond=0)
    start = max(now - timedelta(minutes=30), now.replace(day=1, hour=1, minute=0, second=0))  # in this month
    with time_machine.travel(start, tick=False):
        received = ticket_walk_in(store=team.store, actor=agent, plate="粤A11111", name="甲")
        forgotten = ticket_walk_in(store=team.store, actor=agent, plate="粤A22222", name="乙")
        gone = ticket_walk_in(store=team.store, actor=agent, plate="粤A33333", name="丙")
    with time_machine.travel(start + timedelta(minutes=2), tick=False):
        ticket_call(ticket=received, advisor=advisor)
    with time_machine.travel(start + timedelta(minutes=12), tick=False):
        ticket_left(ticket=gone, actor=agent)
        just_came = ticket_walk_in(store=team.store, actor=agent, plate="粤A44444", name="丁")
    with time_machine.travel(start + timedelta(minutes=15), tick=False):
        assert (timezone.now() - just_came.arrived_at) < timedelta(minutes=8)
        waits = waits_and_receptions(team[Role.AFTERSALES_MANAGER], filters_from({}))
    assert forgotten.called_at is None
    assert (waits["waits"], waits["over"]) == (3, 2)
    assert waits["over_rate"] == round(100 * 2 / 3, 1)


def test_fu4_the_process_figures_name_only_rules_of_the_process(order_in, team):
    """The dashboard, its CSV and the monthly report called two figures APT-13 and APT-14, which are no rules
    (APT ends at APT-12): the confirmations sent in time are APT-11's figure; the no-show rate is no rule's, and
    says what it is."""
    from django.utils import translation

    order_in(S.CLOSED)
    manager = team[Role.AFTERSALES_MANAGER]
    board = dashboard(manager, filters_from({}))
    assert [fig.rule for fig in board.process if fig.rule and not is_rule(fig.rule)] == []
    assert {fig.rule for fig in board.process if "onfirmation" in str(fig.label)} == {"APT-11"}
    with translation.override("zh-hans"):
        labels = {str(fig.label): fig.rule for fig in board.process}
    assert labels["预约未到店率"] == ""
    client = login(manager)
    page = client.get(reverse("followup:overview")).content.decode()
    csv = client.get(reverse("followup:export", args=["process"])).content.decode("utf-8")
    report = pdf_text(client.get(reverse("followup:report_now"), {"month": timezone.localdate().strftime("%Y-%m")})
                      .content)
    for shown in (page, csv, report):
        assert "APT-13" not in shown and "APT-14" not in shown
    assert "APT-11" in csv and "预约未到店率" in report.replace(" ", "").replace("\n", "")
