"""Role and store scoping on every view, generated from the URL configuration:
a new view without a role rule, or without a case here, fails this test."""

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from appointments.models import Appointment
from dealership.models import Role, WorkOrder
from followup.models import FollowUpTask
from followup.services import followup_tasks_create_due
from settlement.models import Adjustment
from workshop.models import Job, Requisition

from .conftest import login, new_order
from .factories import VehicleFactory

S = WorkOrder.Status
PUBLIC = {"login", "logout", "set_language", "healthz", "appointments:answer", "reception:customer_copy",
          "settlement:customer_documents", "settlement:customer_document", "followup:survey",
          "followup:reminder_book",
          "workshop:approve", "workshop:approve_photo"}


def app_urls():
    """(name, callback) of every URL of the project's own apps."""
    found = []

    def walk(patterns, namespace=""):
        for p in patterns:
            if isinstance(p, URLResolver):
                if p.app_name == "admin":
                    continue
                walk(p.url_patterns, f"{p.namespace}:" if p.namespace else namespace)
            elif isinstance(p, URLPattern) and p.name:
                found.append((namespace + p.name, p.callback))

    walk(get_resolver().url_patterns)
    return found


URLS = app_urls()
SESSION_ENDING = {"logout_everywhere"}


@pytest.fixture
def records(team, order_in, vehicle, catalogue):
    """One record of each kind a URL can point at, in `team`'s store."""
    from datetime import datetime, time, timedelta

    from django.utils import timezone

    from appointments.services import appointment_book


    delivered = order_in(S.DELIVERED)
    followup_tasks_create_due()
    in_repair = order_in(S.IN_REPAIR)
    tomorrow = timezone.localdate() + timedelta(days=1)
    appointment = appointment_book(
        store=team.store, actor=team[Role.APPOINTMENT_AGENT], customer=vehicle.customer,
        vehicle=VehicleFactory(store=team.store), advisor=team[Role.SERVICE_ADVISOR],
        starts_at=datetime.combine(tomorrow, time(9, 0), tzinfo=timezone.get_current_timezone()),
        customer_words="异响", pre_diagnosis="检查", labour_operations=[catalogue["labour"]])
    line = delivered.lines.first()
    from appointments.arrivals import ticket_walk_in
    from appointments.capacity import workshop_day
    from appointments.models import BookingRequest, PartReservation

    ticket = ticket_walk_in(store=team.store, actor=team[Role.APPOINTMENT_AGENT], plate="粤A11111", name="路人")
    reservation = PartReservation.objects.create(
        store=team.store, appointment=appointment, line=appointment.work_order.lines.first(), part=catalogue["part"],
        quantity=1, status=PartReservation.Status.SHORT, reserved_by=team[Role.PARTS_CLERK])
    booking_request = BookingRequest.objects.create(store=team.store, source="phone", name="李", mobile="13900000000")
    import io

    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image

    from reception.experts import expert_request_create
    from reception.walkaround import damage_mark_add, photo_add

    draft = new_order(team, VehicleFactory(store=team.store), catalogue)
    from demo.builder import all_checks_fine
    from reception.services import walkaround_record

    walkaround = walkaround_record(work_order=draft, actor=team[Role.SERVICE_ADVISOR], mileage=30500,
                                   fuel_level="50", checks=all_checks_fine(team.store))
    mark = damage_mark_add(walkaround=walkaround, actor=team[Role.SERVICE_ADVISOR], x=10, y=20, kind="dent")
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), "red").save(buffer, format="PNG")
    picture = photo_add(walkaround=walkaround, actor=team[Role.SERVICE_ADVISOR],
                        upload=SimpleUploadedFile("p.png", buffer.getvalue(), content_type="image/png"))
    question = expert_request_create(work_order=draft, actor=team[Role.SERVICE_ADVISOR], kind="expert",
                                     question="异响来源?")
    from workshop.changes import finding_report

    requisition = Requisition.objects.filter(work_order=in_repair).first()  # drawn when the work started
    finding = finding_report(work_order=in_repair, actor=team[Role.TECHNICIAN], description="减震器漏油")
    return {
        "order": delivered.pk, "job": Job.objects.filter(work_order=in_repair).first().pk,
        "requisition": requisition.pk, "finding": finding.pk,
        "appointment": appointment.pk, "task": FollowUpTask.objects.get(work_order=delivered).pk,
        "line": line.pk, "ticket": ticket.pk, "reservation": reservation.pk, "request": booking_request.pk,
        "workshop_day": workshop_day(store=team.store, day=tomorrow, trade="mechanical").pk,
        "draft": draft.pk, "mark": mark.pk, "photo": picture.pk, "question": question.pk, "=damage": "damage",
        "adjustment": Adjustment.objects.create(store=team.store, work_order=delivered, kind="goodwill",
                                                amount=-1, reason="x", requested_by=team[Role.SERVICE_ADVISOR]).pk,
        "payment": delivered.payments.first().pk, "=statement": "statement",
        **followup_records(team, delivered),
    }


def followup_records(team, delivered):
    from datetime import date

    from django.core.files.base import ContentFile

    from followup.models import MonthlyReport
    from followup.services import action_create, complaint_record

    complaint = complaint_record(work_order=delivered, description="等太久", actor=team[Role.FOLLOWUP_AGENT])
    action = action_create(manager=team[Role.AFTERSALES_MANAGER], kind="corrective", title="增加接车人手",
                           owner=team[Role.SERVICE_ADVISOR], due_on=date(2026, 12, 31), complaints=[complaint])
    report = MonthlyReport(group=team.store.group, store=team.store, month=date(2026, 10, 1))
    report.pdf.save("2026-10.pdf", ContentFile(b"%PDF-1.7 test"), save=True)
    return {"complaint": complaint.pk, "action": action.pk, "report": report.pk, "=code": "APT-X9", "=process": "process"}


# Which record each URL's arguments name.
ARGS = {
    "dealership:order": ["order"],
    "appointments:detail": ["appointment"], "appointments:prepare": ["appointment"],
    "appointments:reschedule": ["appointment"], "appointments:cancel": ["appointment"],
    "appointments:no_show": ["appointment"], "appointments:arrive": ["appointment"],
    "appointments:reserve": ["appointment"], "appointments:call": ["ticket"], "appointments:left": ["ticket"],
    "appointments:reservation_retry": ["reservation"], "appointments:reservation_expected": ["reservation"],
    "appointments:request_close": ["request"], "appointments:capacity_set": ["workshop_day"],
    "reception:order_greet": ["draft"], "reception:order_damage": ["draft"],
    "reception:order_damage_remove": ["draft", "mark"], "reception:order_photo": ["draft"],
    "reception:photo": ["photo"], "reception:order_expert": ["draft"], "reception:expert_reply": ["question"],
    "reception:order_send_copy": ["order"], "reception:order_section": ["draft", "=damage"],
    "reception:receive": ["appointment"],
    "reception:order": ["order"], "reception:order_missing": ["order"], "reception:order_details": ["order"], "reception:order_walkaround": ["order"],
    "reception:order_add_line": ["order"], "reception:order_decline_line": ["order", "line"],
    "reception:order_sign": ["order"], "reception:order_cancel": ["order"], "reception:order_pdf": ["order"],
    "workshop:finish": ["job"], "workshop:assign": ["job"], "workshop:job_status": ["job"],
    "workshop:clock_on": ["job"], "workshop:pause": ["job"], "workshop:request_part": ["job"],
    "workshop:report_finding": ["job"], "workshop:free_fix": ["job"], "workshop:ask_expert": ["job"],
    "workshop:old_part": ["job"], "workshop:issue": ["requisition"], "workshop:return_part": ["requisition"],
    "workshop:finding": ["finding"], "workshop:finding_add_item": ["finding"], "workshop:finding_phone": ["finding"],
    "workshop:finding_send": ["finding"], "workshop:finding_photo": ["finding"],
    "workshop:finding_remove_item": ["finding", "line"],
    "inspection:inspect": ["order"], "inspection:record": ["order"], "inspection:handover": ["order"],
    "inspection:finding": ["order"], "inspection:wash": ["order"], "inspection:park": ["order"],
    "inspection:acknowledge": ["order"], "inspection:guarantee_card": ["order"],
    "settlement:order": ["order"], "settlement:pay": ["order"], "settlement:issue_gate_pass": ["order"],
    "settlement:adjust": ["order"], "settlement:bill_as_issued": ["order", "line"],
    "settlement:decide": ["order", "adjustment"], "settlement:issue_statement": ["order"],
    "settlement:void": ["order", "payment"], "settlement:refund": ["order"], "settlement:deliver": ["order"],
    "settlement:document": ["order", "=statement"], "settlement:send_documents": ["order"],
    "followup:task": ["task"], "followup:record_call": ["task"],
    "followup:complaint": ["complaint"], "followup:complaint_assign": ["complaint"],
    "followup:complaint_handle": ["complaint"], "followup:complaint_close": ["complaint"],
    "followup:action_done": ["action"], "followup:compliance_cases": ["=code"],
    "followup:report_download": ["report"], "followup:export": ["=process"],
}


def url_for(name, records):
    return reverse(name, args=[records[k] for k in ARGS.get(name, [])])


def test_every_view_declares_the_roles_that_may_use_it():
    missing = [name for name, view in URLS if name not in PUBLIC and not hasattr(view, "allowed_roles")]
    assert missing == []


def test_every_view_with_arguments_has_a_case_in_this_test():
    uncovered = []
    for name, _ in URLS:
        if name in PUBLIC or name in ARGS:
            continue
        try:
            reverse(name)
        except Exception:
            uncovered.append(name)
    assert uncovered == []


def request(client, name, url):
    get = client.get(url)
    if get.status_code == 405:  # a POST-only view
        return client.post(url, {})
    return get


@pytest.mark.parametrize("role", [r for r in Role.values if r != Role.GROUP_MANAGER])
def test_each_role_is_refused_every_view_it_may_not_use(team, records, role):
    client = login(team[role])
    wrong = []
    for name, view in URLS:
        if name in PUBLIC:
            continue
        allowed = role in view.allowed_roles
        status = request(client, name, url_for(name, records)).status_code
        if name in SESSION_ENDING:  # it ended the session: sign in again for the next views
            client = login(team[role])
        if allowed == (status == 403):
            wrong.append(f"{name}: {status} for {'allowed' if allowed else 'refused'} role")
    assert wrong == []


def test_anonymous_visitors_are_sent_to_the_login_page(records, client):
    for name, _ in URLS:
        if name in PUBLIC:
            continue
        response = client.get(url_for(name, records))
        assert response.status_code == 302 and response.url.startswith(reverse("login")), name


def test_staff_of_another_store_get_404_for_every_record(team, other_team, records):
    """Store isolation: each URL that names a record, tried by the other
    store's person in a role that may use the view."""
    wrong = []
    for name, view in URLS:
        if name not in ARGS or all(k.startswith("=") for k in ARGS[name]):
            continue  # no record in the URL (a rule code, a table name): scoped like a list
        role = next(r for r in Role.values if r in view.allowed_roles and r != Role.GROUP_MANAGER)
        status = request(login(other_team[role]), name, url_for(name, records)).status_code
        if status != 404:
            wrong.append(f"{name} as {role}: {status}")
    assert wrong == []


def test_lists_show_only_the_users_store(team, other_team, records):
    order = WorkOrder.objects.get(pk=records["order"])
    mine = login(team[Role.SERVICE_ADVISOR]).get(reverse("dealership:orders")).content.decode()
    theirs = login(other_team[Role.SERVICE_ADVISOR]).get(reverse("dealership:orders")).content.decode()
    assert order.number in mine and order.number not in theirs
    queue = login(other_team[Role.FOLLOWUP_AGENT]).get(reverse("followup:queue")).content.decode()
    assert order.vehicle.plate not in queue
    appointments = login(other_team[Role.APPOINTMENT_AGENT]).get(
        reverse("appointments:list"), {"day": Appointment.objects.get().starts_at.date().isoformat()})
    assert Appointment.objects.get().vehicle.plate not in appointments.content.decode()


def test_a_group_manager_sees_every_store_of_the_group(group_manager, records, other_team):
    client = login(group_manager)
    assert client.get(reverse("dealership:order", args=[records["order"]])).status_code == 200
    overview = client.get(reverse("followup:overview")).content.decode()
    assert WorkOrder.objects.get(pk=records["order"]).store.name in overview


def test_a_group_manager_of_another_group_sees_nothing(records):
    from .factories import GroupFactory, UserFactory

    outsider = UserFactory(store=None, group=GroupFactory(), roles=[Role.GROUP_MANAGER])
    assert login(outsider).get(reverse("dealership:order", args=[records["order"]])).status_code == 404


def test_each_role_lands_on_its_own_home_page(team):
    expected = {
        Role.SERVICE_ADVISOR: "reception:desk", Role.TECHNICIAN: "workshop:mine", Role.QC_INSPECTOR: "inspection:queue",
        Role.CASHIER: "settlement:queue", Role.FOLLOWUP_AGENT: "followup:queue",
        Role.AFTERSALES_MANAGER: "followup:overview", Role.APPOINTMENT_AGENT: "appointments:list",
        Role.GATE_GUARD: "settlement:gate", Role.PARTS_CLERK: "workshop:parts_counter",
    }
    for role, url_name in expected.items():
        response = login(team[role]).get(reverse("home"))
        assert response.status_code == 302 and response.url == reverse(url_name), role
