"""Stage 6 in the foundation: the follow-up sweep and the call."""

from datetime import timedelta

import pytest
from django.urls import reverse

from dealership.models import WorkOrder
from followup.models import FollowUpCall, FollowUpTask
from followup.services import followup_call_record, followup_tasks_create_due
from followup.tasks import sweep_followup_tasks
from settlement.models import GatePass

from ..conftest import login
from ..refusals import refused_by

S = WorkOrder.Status


def test_fu1_every_delivered_car_gets_one_call_task_due_within_the_week(order_in):
    order = order_in(S.DELIVERED)
    assert followup_tasks_create_due() == 1
    task = FollowUpTask.objects.get(work_order=order)
    issued = GatePass.objects.get(work_order=order).issued_at
    assert task.due_from == issued + timedelta(days=2) and task.due_by == issued + timedelta(days=7)


def test_fu1_the_sweep_run_twice_creates_nothing_twice(order_in):
    order_in(S.DELIVERED)
    order_in(S.DELIVERED)
    assert sweep_followup_tasks() == 2
    assert sweep_followup_tasks() == 0
    assert followup_tasks_create_due() == 0
    assert FollowUpTask.objects.count() == 2


def test_fu1_the_sweep_ignores_cars_not_yet_delivered(order_in):
    order_in(S.SETTLED)
    assert followup_tasks_create_due() == 0


def test_fu1_the_sweep_works_in_batches(order_in):
    for _ in range(3):
        order_in(S.DELIVERED)
    assert followup_tasks_create_due(batch=2) == 3
    assert FollowUpTask.objects.count() == 3


@pytest.fixture
def task(order_in):
    order_in(S.DELIVERED)
    followup_tasks_create_due()
    return FollowUpTask.objects.get()


def test_fu2_a_reached_customer_needs_their_words_and_a_score(task, team):
    """FU-X2 (refused): not only the satisfied answers are recorded, and not without what was said: an
    unsatisfied customer's call without their words, or a call without the score, is refused (FU-2); no call
    is recorded, the task stays open and the order is not closed."""
    agent = team["followup_agent"]
    with refused_by("FU-2"):
        followup_call_record(task=task, agent=agent, reached=True, channel="phone", satisfaction=2,
                             customer_words=" ", complaint=True)
    with refused_by("FU-2"):
        followup_call_record(task=task, agent=agent, reached=True, channel="phone", satisfaction=None,
                             customer_words="还行", complaint=False)
    task.refresh_from_db()
    task.work_order.refresh_from_db()
    assert not FollowUpCall.objects.filter(task=task).exists()
    assert task.status == FollowUpTask.Status.OPEN and task.work_order.status == S.DELIVERED


def test_fu2_an_answer_closes_the_task_and_the_order(task, team):
    followup_call_record(task=task, agent=team["followup_agent"], reached=True, channel="wechat",
                         satisfaction=2, customer_words="交车晚了一小时,没人提前告诉我", complaint=True)
    task.refresh_from_db()
    task.work_order.refresh_from_db()
    assert task.status == FollowUpTask.Status.DONE and task.work_order.status == S.CLOSED
    call = FollowUpCall.objects.get()
    assert call.customer_words.startswith("交车晚了") and call.complaint and call.channel == "wechat"


def test_fu1_a_customer_not_reached_is_an_attempt_and_stays_in_the_queue(task, team):
    followup_call_record(task=task, agent=team["followup_agent"], reached=False, channel="phone",
                         satisfaction=None, customer_words="", complaint=False)
    task.refresh_from_db()
    assert task.status == FollowUpTask.Status.OPEN and task.attempts == 1


def test_fu2_the_call_form_refuses_an_answer_without_words(task, team):
    response = login(team["followup_agent"]).post(reverse("followup:record_call", args=[task.pk]),
                                                  {"reached": "1", "channel": "phone", "satisfaction": "1"})
    assert response.status_code == 400
    task.refresh_from_db()
    assert task.status == FollowUpTask.Status.OPEN


def test_fu1_overdue_calls_stand_out_in_the_queue(task, team):
    FollowUpTask.objects.filter(pk=task.pk).update(due_by=task.due_by - timedelta(days=30))
    html = login(team["followup_agent"]).get(reverse("followup:queue")).content.decode()
    assert 'class="late"' in html
