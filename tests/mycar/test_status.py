"""Issue 20: the car's live status page, opened from the link sent at signing. It shows where the car is, the
promised time and its changes (REP-8), a finding to decide (REP-4), the documents (SET-13) and the survey (FU-9),
and nothing that is not this customer's."""

import io
from datetime import timedelta
from decimal import Decimal

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from dealership.models import Customer, OutboundMessage, Role, User, WorkOrder, WorkOrderEvent
from dealership.notify import LocmemBackend
from dealership.services import work_order_note
from demo.builder import drive
from followup.services import followup_tasks_create_due
from reception.links import copy_token, order_from_status_token, status_token
from reception.services import work_order_cancel
from workshop.changes import finding_decide, finding_lines, finding_price, finding_report
from workshop.delays import work_order_delay_tell
from workshop.models import Finding

from ..conftest import new_order
from ..factories import LabourFactory, PartFactory, VehicleFactory
from ..workshop.helpers import working

S = WorkOrder.Status
pytestmark = pytest.mark.django_db


def page_of(client, order, name="mycar:status", **headers):
    return client.get(reverse(name, args=[status_token(order)]), **headers)


def photo():
    buffer = io.BytesIO()
    Image.new("RGB", (32, 24), "gray").save(buffer, format="JPEG")
    return SimpleUploadedFile("f.jpg", buffer.getvalue(), content_type="image/jpeg")


def priced_finding(order, team, description="左前减震器漏油", **kw):
    finding = finding_report(work_order=order, actor=team[Role.TECHNICIAN], description=description, photo=photo())
    shock = LabourFactory(store=team.store, name="更换前减震器", price=Decimal("420"))
    strut = PartFactory(store=team.store, name="前减震器", price=Decimal("860"), on_hand=4)
    return finding_price(finding=finding, actor=team[Role.SERVICE_ADVISOR], labour=[(shock, Decimal(1))],
                         parts=[(strut, Decimal(1))], **kw)


@pytest.fixture
def repairing(order_in, team):
    job = working(order_in(S.SIGNED), team)
    return WorkOrder.objects.get(pk=job.work_order_id)


# --- where the car is --------------------------------------------------------------------------

@pytest.mark.parametrize(("status", "step"), [
    (S.SIGNED, "received"), (S.IN_REPAIR, "workshop"), (S.REPAIR_DONE, "inspection"), (S.QC_FAILED, "workshop"),
    (S.QC_PASSED, "inspection"), (S.READY, "ready"), (S.SETTLED, "paid"), (S.DELIVERED, "delivered"),
    (S.CLOSED, "delivered"), (S.CANCELLED, "cancelled")])
def test_it_shows_each_status_as_its_step(order_in, client, status, step):
    if status == S.CANCELLED:  # cancelled after signing (the link is sent at signing)
        signed = order_in(S.SIGNED)
        order = work_order_cancel(work_order=signed, actor=signed.advisor, reason="客户改天再来")
    else:
        order = order_in(status)
    assert order.status == status
    html = page_of(client, order).content.decode()
    assert f'data-step="{step}" data-hx-get' in html
    if step == "cancelled":
        assert 'data-testid="cancelled"' in html and "aria-current" not in html
    else:
        assert f'<li class="car-step car-step-current" data-step="{step}" aria-current="step">' in html
        assert html.count('aria-current="step"') == 1
        assert 'data-step="approval"' not in html  # shown only while a finding waits


def test_it_puts_the_approval_step_in_while_a_priced_finding_waits(repairing, team, client):
    finding_report(work_order=repairing, actor=team[Role.TECHNICIAN], description="刹车油管老化")
    html = page_of(client, repairing).content.decode()
    assert 'data-step="workshop" data-hx-get' in html and "刹车油管老化" not in html  # not priced: with the advisor
    priced_finding(repairing, team)
    html = page_of(client, repairing).content.decode()
    assert 'data-step="approval" data-hx-get' in html and "左前减震器漏油" in html and "¥1,280.00" in html
    assert 'car-step-held" data-step="workshop"' in html and "等您决定后继续" in html  # on hold, not done


def test_it_is_chinese_by_default_and_english_on_request(repairing, client):
    html = page_of(client, repairing).content.decode()
    assert '<html lang="zh-hans"' in html and "车辆进度" in html and "车间维修中" in html
    client.cookies["django_language"] = "en"
    html = page_of(client, repairing).content.decode()
    assert "Where your car is" in html and "In the workshop" in html


# --- the link sent at signing ------------------------------------------------------------------

def test_signing_sends_the_status_link_once_after_commit(draft_order, django_capture_on_commit_callbacks, client):
    Customer.objects.filter(pk=draft_order.customer_id).update(consent_to_messages=True)
    LocmemBackend.outbox = []
    with django_capture_on_commit_callbacks(execute=True):
        order = drive(WorkOrder.objects.get(pk=draft_order.pk), S.SIGNED)
    record = OutboundMessage.objects.get(key=f"wo-{order.pk}-status")
    assert record.status == OutboundMessage.Status.SENT and record.work_order_id == order.pk
    assert [m.body for m in LocmemBackend.outbox if m.key == record.key] == [record.body]
    link = record.body.split("http://127.0.0.1:8000", 1)[1].split()[0]
    assert link.startswith("/my/") and order.vehicle.plate in client.get(link).content.decode()


def test_without_consent_to_messages_nothing_is_sent_at_signing(draft_order, django_capture_on_commit_callbacks):
    LocmemBackend.outbox = []
    with django_capture_on_commit_callbacks(execute=True):
        order = drive(draft_order, S.SIGNED)
    assert not OutboundMessage.objects.filter(key=f"wo-{order.pk}-status").exists()
    assert not [m for m in LocmemBackend.outbox if m.key == f"wo-{order.pk}-status"]


# --- tokens ------------------------------------------------------------------------------------

def test_a_forged_altered_or_foreign_token_finds_nothing(repairing, draft_order, team, client):
    finding = priced_finding(repairing, team)
    good = status_token(repairing)
    for token in (good[:-2] + ("aa" if not good.endswith("aa") else "bb"), "x" * 40, "<script>", "%00",
                  copy_token(repairing),  # a real token for another purpose
                  status_token(draft_order)):  # not signed: no page yet
        for url in (f"/my/{token}/", f"/my/{token}/now/"):
            assert client.get(url).status_code == 404, url
        assert client.post(f"/my/{token}/finding/{finding.pk}/", {}).status_code == 404


def test_an_expired_link_finds_nothing(repairing, client):
    token = status_token(repairing)
    with time_machine.travel(timezone.now() + timedelta(days=121)):
        assert client.get(f"/my/{token}/").status_code == 404


# --- nothing that is not this customer's --------------------------------------------------------

def test_one_cars_page_never_shows_anothers(order_in, team, other_team, client, catalogue):
    mine = order_in(S.IN_REPAIR)
    theirs_vehicle = VehicleFactory(store=team.store, plate="粤B99999",
                                    customer__name="欧阳娜娜", customer__title="ms")
    theirs = drive(new_order(team, theirs_vehicle, catalogue), S.IN_REPAIR)
    priced_finding(theirs, team, description="另一辆车的后桥异响")
    work_order_note(work_order=theirs, actor=team[Role.SERVICE_ADVISOR], message="", note="客户很难沟通,注意")
    far_vehicle = VehicleFactory(store=other_team.store, plate="京C55555", customer__name="司马光")
    far = drive(new_order(other_team, far_vehicle, {"labour": LabourFactory(store=other_team.store),
                                                    "part": PartFactory(store=other_team.store)}), S.SIGNED)
    priced_finding(mine, team)
    for name in ("mycar:status", "mycar:status_now"):
        html = page_of(client, mine, name).content.decode()
        assert mine.vehicle.plate in html or name == "mycar:status_now"
        for other in (theirs, far):
            for secret in (other.vehicle.plate, other.customer.name, other.customer.salutation(), other.number,
                           str(other.total)):
                assert secret not in html, (name, secret)
        for secret in ("另一辆车的后桥异响", "客户很难沟通"):
            assert secret not in html
    # the other car's finding cannot be decided through this car's link
    other_finding = Finding.objects.get(work_order=theirs)
    lines = finding_lines(other_finding)
    response = client.post(reverse("mycar:finding_decide", args=[status_token(mine), other_finding.pk]),
                           {f"decision-{line.pk}": "approve" for line in lines})
    assert response.status_code == 404
    other_finding.refresh_from_db()
    assert other_finding.status == Finding.Status.PRICED


def test_no_technician_inspector_or_cashier_name_and_no_internal_note(order_in, team, client):
    closed = order_in(S.CLOSED)  # worked, inspected, paid, delivered and called by the store's people
    finding = priced_finding(closed, team)
    finding_decide(finding=finding, decisions={line.pk: True for line in finding_lines(finding)}, via="phone",
                   note="内部:客户砍价很凶", actor=team[Role.SERVICE_ADVISOR])
    work_order_note(work_order=closed, actor=team[Role.TECHNICIAN], message="", note="内部:技师备注")
    repairing = order_in(S.IN_REPAIR)
    work_order_delay_tell(work_order=repairing, actor=team[Role.SERVICE_ADVISOR],
                          new_promised_at=timezone.now() + timedelta(days=1), reason="内部:等配件,供应商延误")
    advisor = team[Role.SERVICE_ADVISOR]
    User.objects.filter(pk=advisor.pk).update(display_name="顾问周明")
    for user in User.objects.exclude(pk=advisor.pk):
        User.objects.filter(pk=user.pk).update(display_name=f"内部员工{user.pk}号")
    assert WorkOrderEvent.objects.filter(work_order=closed).exclude(actor=advisor).exclude(actor=None).exists()
    for order in (closed, repairing):
        for name in ("mycar:status", "mycar:status_now"):
            html = page_of(client, order, name).content.decode()
            assert "顾问周明" in html  # the advisor is the customer's contact
            assert "内部员工" not in html and "内部:" not in html, (order.status, name)


# --- the promised time (REP-8) ----------------------------------------------------------------

def test_rep8_a_new_time_shows_with_the_reason_for_the_customer(repairing, team, client):
    old = timezone.now() + timedelta(hours=2)
    WorkOrder.objects.filter(pk=repairing.pk).update(promised_at=old)
    new = timezone.now() + timedelta(hours=9)
    work_order_delay_tell(work_order=repairing, actor=team[Role.SERVICE_ADVISOR], new_promised_at=new,
                          reason="等待变速箱配件")
    html = page_of(client, repairing, "mycar:status_now").content.decode()
    assert timezone.localtime(new).strftime("%m-%d %H:%M") in html
    assert f"维修所需时间比预计长：新时间 {timezone.localtime(new).strftime('%m-%d %H:%M')}" in html
    assert f"原为 {timezone.localtime(old).strftime('%m-%d %H:%M')}" in html
    assert "维修所需时间比预计长" in html
    assert "等待变速箱配件" not in html  # the advisor's note is for the timeline


def test_rep8_the_cause_the_advisor_chose_for_the_customer_shows_with_the_new_time(repairing, team, client):
    new = repairing.promised_at + timedelta(hours=9)
    work_order_delay_tell(work_order=repairing, actor=team[Role.SERVICE_ADVISOR], new_promised_at=new,
                          cause="parts", reason="变速箱配件在途，供应商说明天到")
    html = page_of(client, repairing, "mycar:status_now").content.decode()
    assert f"配件未到：新时间 {timezone.localtime(new).strftime('%m-%d %H:%M')}" in html
    assert "供应商" not in html  # the note stays on the timeline


# --- deciding a finding from the page (REP-4) ---------------------------------------------------

def test_rep4_the_customer_decides_a_finding_from_the_status_page_once(repairing, team, client):
    finding = priced_finding(repairing, team, new_promised_at=timezone.now() + timedelta(hours=6))
    labour, part = finding_lines(finding)
    token = status_token(repairing)
    url = reverse("mycar:finding_decide", args=[token, finding.pk])
    html = client.get(f"/my/{token}/").content.decode()
    assert f'action="{url}"' in html
    assert client.get(html.split('<img src="')[1].split('"')[0], follow=True)["Content-Type"] == "image/jpeg"
    response = client.post(url, {f"decision-{labour.pk}": "approve", f"decision-{part.pk}": "decline",
                                 "note": "下午来取"})
    assert response.status_code == 302 and order_from_status_token(response["Location"].split("/")[2]) == repairing
    finding.refresh_from_db()
    labour.refresh_from_db()
    part.refresh_from_db()
    assert (finding.status, finding.decided_via, finding.decided_by) == ("decided", "link", None)
    assert (labour.approval, part.approval) == ("approved", "declined")
    html = client.get(response["Location"]).content.decode()
    assert f'id="decided-{finding.pk}"' in html and 'data-testid="decision-form"' not in html
    assert 'data-step="workshop" data-hx-get' in html
    again = client.post(url, {f"decision-{labour.pk}": "decline", f"decision-{part.pk}": "approve"})
    assert again.status_code == 400 and "该增项当前不在等待客户确认" in again.content.decode()
    labour.refresh_from_db()
    assert labour.approval == "approved"
    assert repairing.events.filter(rule="REP-4").count() == 1  # recorded once


@pytest.mark.parametrize("data", [
    {}, {"decision-1": "approve"}, {"decision-{labour}": "yes", "decision-{part}": "approve"},
    {"decision-{labour}": "approve"}, {"decision-{labour}": "approve", "decision-{part}": ""},
    {"decision-{labour}": "approve", "decision-{part}": "approve", "note": "长" * 5000},
    {"decision-{labour}": "approve\x01", "decision-{part}": "approve", "note": "<script>alert(1)</script>"},
])
def test_rep4_hostile_decisions_get_a_clear_message_and_change_nothing(repairing, team, client, data):
    finding = priced_finding(repairing, team)
    labour, part = finding_lines(finding)
    keys = {"labour": labour.pk, "part": part.pk}
    form = {k.format(**keys): v for k, v in data.items()}
    url = reverse("mycar:finding_decide", args=[status_token(repairing), finding.pk])
    response = client.post(url, form)
    html = response.content.decode()
    assert response.status_code == 400 and 'data-testid="decision-errors"' in html
    assert "<script>alert(1)</script>" not in html
    finding.refresh_from_db()
    assert finding.status == Finding.Status.PRICED


def test_rep4_a_decision_for_a_finding_that_is_not_there_finds_nothing(repairing, team, client):
    token = status_token(repairing)
    finding_report(work_order=repairing, actor=team[Role.TECHNICIAN], description="未报价", photo=photo())
    reported = Finding.objects.get(work_order=repairing)
    assert client.get(f"/my/{token}/finding/{reported.pk}/photo/").status_code == 404  # not shown yet
    assert client.post(f"/my/{token}/finding/{reported.pk}/", {}).status_code == 400
    assert client.post(f"/my/{token}/finding/999999/", {}).status_code == 404
    opened = client.get(f"/my/{token}/finding/1/")  # the address a refused decision left in the address bar
    assert opened.status_code == 302 and opened["Location"] == f"/my/{token}/"
    assert client.post(f"/my/{token}/finding/abc/", {}).status_code == 404


# --- documents and survey ----------------------------------------------------------------------

def test_set13_fu9_documents_once_billed_and_the_survey_after_delivery(order_in, client):
    ready = order_in(S.READY)
    assert 'data-testid="documents"' not in page_of(client, ready).content.decode()
    paid = order_in(S.SETTLED)
    html = page_of(client, paid).content.decode()
    link = html.split('data-testid="documents"')[0].rsplit('href="', 1)[1].split('"')[0]
    assert link.startswith("/my/")
    assert client.get(link, follow=True).redirect_chain[-1][0].startswith("/settlement/")
    assert client.get(link, follow=True).status_code == 200
    assert client.get(reverse("mycar:documents", args=[status_token(ready)])).status_code == 404
    assert 'data-testid="survey"' not in html
    delivered = order_in(S.DELIVERED)
    followup_tasks_create_due()
    html = page_of(client, delivered).content.decode()
    survey = html.split('data-testid="survey"')[0].rsplit('href="', 1)[1].split('"')[0]
    followed = client.get(survey, follow=True)
    assert followed.status_code == 200 and followed.redirect_chain[-1][0].startswith("/followup/")
    assert 'data-testid="promise"' not in html
    closed = order_in(S.CLOSED)
    assert 'data-testid="survey-done"' in page_of(client, closed).content.decode()
    assert client.get(reverse("mycar:survey", args=[status_token(closed)])).status_code == 404


# --- the fragment htmx asks for -------------------------------------------------------------------

def test_the_fragment_answers_304_when_nothing_changed(repairing, team, client):
    url = reverse("mycar:status_now", args=[status_token(repairing)])
    priced_finding(repairing, team, description="雨刮片老化")  # its links too stay the same from poll to poll
    first = client.get(url)
    assert first.status_code == 200 and first["ETag"] and "private" in first["Cache-Control"]
    with time_machine.travel(timezone.now() + timedelta(seconds=20)):  # the next poll
        again = client.get(url, HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 304 and again.content == b""
    priced_finding(repairing, team)
    changed = client.get(url, HTTP_IF_NONE_MATCH=first["ETag"])
    assert changed.status_code == 200 and "左前减震器漏油" in changed.content.decode()


def test_the_fragment_reads_a_bounded_number_of_rows(order_in, team, client):
    def queries(order):
        with CaptureQueriesContext(connection) as seen:
            assert page_of(client, order, "mycar:status_now").status_code == 200
        return len(seen)

    small = order_in(S.IN_REPAIR)
    priced_finding(small, team)
    big = order_in(S.IN_REPAIR)
    for n in range(6):
        finding = priced_finding(big, team, description=f"发现{n}")
        if n % 2:
            finding_decide(finding=finding, decisions={line.pk: True for line in finding_lines(finding)},
                           via="link")
    for hours in (5, 7, 9):
        work_order_delay_tell(work_order=big, actor=team[Role.SERVICE_ADVISOR],
                              new_promised_at=timezone.now() + timedelta(days=hours))
    assert queries(small) == queries(big) == 4  # the order, the findings, their items, the delays


def test_the_customers_printed_copy_carries_the_status_link(order_in):
    """Without consent to messages nothing is sent at signing: the advisor hands the link on the printed copy."""
    import pypdf

    from reception.printing import work_order_pdf

    order = order_in(S.SIGNED)

    def text(copy):
        return "".join(p.extract_text() for p in pypdf.PdfReader(io.BytesIO(work_order_pdf(order=order, copy=copy)))
                       .pages).replace("\n", "")

    customer = text("customer")
    assert "扫码查看车辆维修进度" in customer and f"/my/{status_token(order).split(':')[0]}:" in customer
    assert "/my/" not in text("shop")
