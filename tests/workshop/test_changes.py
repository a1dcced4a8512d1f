"""REP-2…REP-4, REP-10, REP-14: findings, priced by the advisor, decided by
the customer; nothing unapproved is worked, issued or billed."""

import io
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from PIL import Image

from dealership.models import Customer, Role, StaffTask, WorkOrder, WorkOrderLine
from dealership.notify import LocmemBackend
from reception.models import ExpertRequest
from workshop.changes import (
    approval_token,
    finding_decide,
    finding_lines,
    finding_price,
    finding_report,
    free_fix_record,
)
from workshop.models import Finding, FreeFix, Job
from workshop.parts import part_request

from ..conftest import login
from ..factories import LabourFactory, PartFactory
from ..refusals import refused_by
from .helpers import working

S = WorkOrder.Status


@pytest.fixture
def job(order_in, team):
    return working(order_in(S.SIGNED), team)


def photo():
    buffer = io.BytesIO()
    Image.new("RGB", (32, 24), "gray").save(buffer, format="JPEG")
    return SimpleUploadedFile("f.jpg", buffer.getvalue(), content_type="image/jpeg")


@pytest.fixture
def priced(job, team):
    finding = finding_report(work_order=job.work_order, actor=job.technician, job=job,
                             description="左前减震器漏油", photo=photo())
    shock = LabourFactory(store=team.store, code="S010", name="更换前减震器", standard_hours=Decimal("1.5"),
                          price=Decimal("420"))
    strut = PartFactory(store=team.store, number="SA-01", name="前减震器", price=Decimal("860"), on_hand=4)
    return finding_price(finding=finding, actor=team[Role.SERVICE_ADVISOR], labour=[(shock, Decimal(1))],
                         parts=[(strut, Decimal(1))], new_promised_at=timezone.now() + timedelta(hours=6))


def test_rep3_a_finding_reaches_the_advisor_at_once(job, team):
    finding = finding_report(work_order=job.work_order, actor=job.technician, job=job, description="刹车油管老化",
                             photo=photo())
    assert finding.photo_type == "image/jpeg"
    assert StaffTask.objects.filter(assignee=job.work_order.advisor, key=f"finding-{finding.pk}").exists()
    assert job.work_order.events.filter(rule="REP-3").exists()


def test_rep2_priced_items_wait_for_the_customer_and_are_not_billed_worked_or_issued(priced, job, team):
    order = WorkOrder.objects.get(pk=job.work_order_id)
    total_before = order.total
    lines = finding_lines(priced)
    assert {line.approval for line in lines} == {"pending"}
    assert order.total == total_before  # not billed
    from workshop.jobs import jobs_sync

    assert not any(j.line_id in {line.pk for line in lines} for j in jobs_sync(work_order=order))  # not worked
    with refused_by("REP-2"):
        part_request(line=[line for line in lines if line.kind == "part"][0], quantity=1,
                     technician=team[Role.TECHNICIAN])  # not issued


def test_rep4_a_phone_decision_needs_what_the_customer_said(priced, team):
    lines = finding_lines(priced)
    with refused_by("REP-4"):
        finding_decide(finding=priced, decisions={line.pk: True for line in lines}, via="phone", note=" ",
                       actor=team[Role.SERVICE_ADVISOR])


def test_rep4_approved_items_join_the_order_with_the_new_time_declined_ones_stay_declined(priced, job, team):
    order = WorkOrder.objects.get(pk=job.work_order_id)
    labour, part = finding_lines(priced)
    finding_decide(finding=priced, decisions={labour.pk: True, part.pk: False}, via="phone",
                   note="14:05 电话,李女士同意换工时,配件自带", actor=team[Role.SERVICE_ADVISOR])
    order.refresh_from_db()
    labour.refresh_from_db()
    part.refresh_from_db()
    assert (labour.approval, part.approval) == ("approved", "declined")
    assert order.total == Decimal("960.00") + Decimal("420.00")
    assert order.promised_at == priced.new_promised_at
    assert Job.objects.filter(line=labour).exists()  # the approved work becomes a job
    assert StaffTask.objects.filter(assignee=job.technician, key=f"finding-{priced.pk}-decided").exists()
    assert order.events.filter(rule="REP-4").exists()


def test_rep4_the_customer_decides_each_item_through_the_link(priced, client):
    labour, part = finding_lines(priced)
    url = reverse("workshop:approve", args=[approval_token(priced)])
    page = client.get(url).content.decode()
    assert "左前减震器漏油" in page and "¥420.00" in page and "¥860.00" in page
    assert client.get(reverse("workshop:approve_photo", args=[approval_token(priced)]))["Content-Type"] == "image/jpeg"
    assert client.post(url, {f"decision-{labour.pk}": "approve"}).status_code == 400  # every item decided
    client.post(url, {f"decision-{labour.pk}": "approve", f"decision-{part.pk}": "approve"})
    priced.refresh_from_db()
    assert priced.status == Finding.Status.DECIDED and priced.decided_via == "link" and priced.decided_by is None
    assert client.post(url, {f"decision-{labour.pk}": "decline", f"decision-{part.pk}": "decline"}).status_code == 200
    labour.refresh_from_db()
    assert labour.approval == "approved"  # decided once


def test_rep4_a_free_text_item_is_a_part_unless_the_advisor_says_labour(job, team):
    finding = finding_report(work_order=job.work_order, actor=job.technician, job=job, description="雨刮片老化",
                             photo=photo())
    advisor = login(team[Role.SERVICE_ADVISOR])
    url = reverse("workshop:finding_add_item", args=[finding.pk])
    response = advisor.post(url, {"description": "雨刮片(外购)"})
    assert response.status_code == 400 and "雨刮片(外购)" in response.content.decode()  # the price is asked for
    advisor.post(url, {"description": "雨刮片(外购)", "price": "120", "description_kind": "part"})
    advisor.post(url, {"description": "外协补漆", "price": "300", "description_kind": "labour"})
    wiper, paint = finding_lines(Finding.objects.get(pk=finding.pk))
    assert (wiper.kind, wiper.unit_price, paint.kind) == ("part", Decimal("120.00"), "labour")
    finding_decide(finding=Finding.objects.get(pk=finding.pk), decisions={wiper.pk: True, paint.pk: True},
                   via="phone", note="电话同意", actor=team[Role.SERVICE_ADVISOR])
    assert not Job.objects.filter(line=wiper).exists() and Job.objects.filter(line=paint).exists()


def test_rep4_a_forged_approval_link_finds_nothing(priced, client):
    token = approval_token(priced)
    assert client.get(reverse("workshop:approve", args=[token[:-2] + "zz"])).status_code == 404


def test_rep4_the_advisor_sends_the_link(priced, team, django_capture_on_commit_callbacks):
    LocmemBackend.outbox = []
    Customer.objects.filter(pk=priced.work_order.customer_id).update(consent_to_messages=True)
    with django_capture_on_commit_callbacks(execute=True):  # the outbox sends it after commit (issue 20)
        login(team[Role.SERVICE_ADVISOR]).post(reverse("workshop:finding_send", args=[priced.pk]))
    assert "/workshop/approve/" in LocmemBackend.outbox[0].body


def test_rep10_a_small_fix_free_of_charge_is_recorded(job):
    """REP-10 (RECORD): the fix, who made it and when, on the order's timeline where the advisor explains the work."""
    fix = free_fix_record(work_order=job.work_order, technician=job.technician, job=job, description="紧固松动的护板")
    assert FreeFix.objects.get() == fix and (fix.technician, fix.job) == (job.technician, job)
    event = job.work_order.events.get(rule="REP-10")
    assert (event.actor, event.note) == (job.technician, "紧固松动的护板")
    page = login(job.work_order.advisor).get(reverse("dealership:order", args=[job.work_order.pk])).content.decode()
    assert "紧固松动的护板" in page


def test_rep14_the_technician_asks_an_expert_from_the_tablet(job, team):
    login(team[Role.TECHNICIAN]).post(reverse("workshop:ask_expert", args=[job.pk]),
                                      {f"expert{job.pk}-question": "ABS 灯常亮,线路正常,下一步?"})
    question = ExpertRequest.objects.get(work_order=job.work_order)
    assert question.asked_by == team[Role.TECHNICIAN]
    assert StaffTask.objects.filter(role=Role.TECHNICAL_EXPERT, key=f"expert-{question.pk}").exists()


def test_rep4_an_unchanged_delivery_time_is_no_change_even_for_a_late_car(job, team):
    order = job.work_order
    late = timezone.now() - timedelta(hours=1)
    WorkOrder.objects.filter(pk=order.pk).update(promised_at=late)
    finding = finding_report(work_order=order, actor=job.technician, job=job, description="雨刮片老化", photo=photo())
    wiper = PartFactory(store=team.store, number="W-1", name="雨刮片", price=Decimal("80"))
    priced = finding_price(finding=finding, actor=team[Role.SERVICE_ADVISOR], parts=[(wiper, Decimal(1))],
                           new_promised_at=late)  # the form comes filled with the order's time
    assert priced.new_promised_at is None
    later = timezone.now() + timedelta(hours=3)
    priced = finding_price(finding=priced, actor=team[Role.SERVICE_ADVISOR], parts=[(wiper, Decimal(1))],
                           new_promised_at=later)
    assert priced.new_promised_at == later
    priced = finding_price(finding=priced, actor=team[Role.SERVICE_ADVISOR], parts=[(wiper, Decimal(1))],
                           new_promised_at=later.replace(second=0, microsecond=0))  # filled again with that time
    assert priced.new_promised_at == later
    with refused_by("REP-4", match=_("The new delivery time must be in the future.")):
        finding_price(finding=priced, actor=team[Role.SERVICE_ADVISOR], parts=[(wiper, Decimal(1))],
                      new_promised_at=timezone.now() - timedelta(minutes=30))


def test_rep4_an_item_added_by_mistake_is_taken_off_before_the_customer_decides(priced, team):
    labour, part = finding_lines(priced)
    advisor = login(team[Role.SERVICE_ADVISOR])
    advisor.post(reverse("workshop:finding_remove_item", args=[priced.pk, part.pk]))
    assert [line.pk for line in finding_lines(priced)] == [labour.pk]
    assert priced.work_order.events.filter(rule="REP-4", kind="line").exists()
    finding_decide(finding=Finding.objects.get(pk=priced.pk), decisions={labour.pk: True}, via="phone",
                   note="电话同意", actor=team[Role.SERVICE_ADVISOR])
    response = advisor.post(reverse("workshop:finding_remove_item", args=[priced.pk, labour.pk]))
    assert response.status_code == 302 and WorkOrderLine.objects.filter(pk=labour.pk).exists()  # decided: stays


def test_rep4_the_customers_choices_stay_when_the_link_form_is_refused(priced, client):
    labour, part = finding_lines(priced)
    url = reverse("workshop:approve", args=[approval_token(priced)])
    html = client.post(url, {f"decision-{labour.pk}": "approve", "note": "下午来取"}).content.decode()
    assert f'id="yes-{labour.pk}" value="approve" checked' in html and '>下午来取</textarea>' in html


def test_rep4_a_customers_note_beyond_its_limit_is_refused_on_the_link_not_cut(priced, client):
    """The customer's note on the approval link was cut at 500 characters
    without a word (issue 16): now it is refused with a message, the choices
    and the note stay on the page to shorten, and nothing is decided."""
    from dealership.textlimits import REASON

    labour, part = finding_lines(priced)
    url = reverse("workshop:approve", args=[approval_token(priced)])
    note = "下午来取" * (REASON // 4) + "好"
    response = client.post(url, {f"decision-{labour.pk}": "approve", f"decision-{part.pk}": "decline", "note": note})
    html = response.content.decode()
    assert response.status_code == 400 and str(REASON) in html and note in html
    assert f'maxlength="{REASON}"' in html and "js/textlimit.js" in html  # the public page counts too
    priced.refresh_from_db()
    assert priced.status == Finding.Status.PRICED and priced.decided_note == ""
