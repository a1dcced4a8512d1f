"""Issue 21: every "must avoid" item (APT-X1 … FU-X8) has exactly one home,
and each home is proved here or next to the guard:

- a MEASURED item counts a planted case and not a clean one (one test per
  item, its ID in the test's id: test_measured_item_counts_a_planted_case[APT-X1]);
- an AUDITED item appears once its spot check (and, where it has one, its
  survey answer) is recorded;
- a REFUSED item is refused by its guard: the tests next to the guards name
  it (e.g. tests/reception/test_signing.py, "REC-X10 (refused)");
  test_every_refused_item_is_named_by_a_test_of_its_refusal checks that each
  one is. Here: a refused attempt through a page is recorded and counted,
  and an override counted with its reason.
"""

from __future__ import annotations

import re
from datetime import datetime, time, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from appointments.models import Appointment, AppointmentChange, BookingRequest, Confirmation, QueueTicket
from dealership.models import RefusedAttempt, Role, StaffTask, WorkOrder, WorkOrderEvent, WorkOrderLine
from dealership.services import work_order_add_line
from demo.builder import drive
from followup.compliance import compliance_count, compliance_table, task_key
from followup.models import (
    Complaint,
    ComplianceCount,
    ComplianceRun,
    CorrectiveAction,
    FollowUpCall,
    FollowUpTask,
    MonthlyReport,
    SpotCheckAnswer,
)
from followup.services import action_create, action_done
from followup.standard import AUDITED, BY_CODE, ITEMS, MEASURED, REFUSED
from inspection.models import Handover, Inspection
from reception.models import ExpertRequest, WalkAround
from settlement.models import Delivery, Statement
from workshop.models import Job

from ..conftest import login, new_order
from ..factories import LabourFactory, PartFactory, StoreFactory, VehicleFactory, staff
from ..processrules import DOCS, ROOT

S = WorkOrder.Status
MUST_AVOID = re.compile(r"\b(?:APT|REC|REP|QC|SET|FU)-X\d+\b")


def last_month_noon() -> datetime:
    """The cases are planted on the 15th of last month: the whole month is past, nothing is "not due yet"."""
    first = timezone.localdate().replace(day=1)
    day = (first - timedelta(days=1)).replace(day=15)
    return datetime.combine(day, time(12), tzinfo=timezone.get_current_timezone())


def count(month_of: datetime, **kw) -> ComplianceRun:
    return compliance_count(month=month_of.date(), **kw)


def figure(store, code: str, kind: str = "", month_of: datetime | None = None) -> tuple[int, int, int]:
    month = (month_of or last_month_noon()).date().replace(day=1)
    rows = ComplianceCount.objects.filter(store=store, code=code, month=month, person_kind=kind)
    return (sum(r.cases for r in rows), sum(r.base for r in rows), sum(r.overrides for r in rows))


# --- the table ----------------------------------------------------------------------------------------------

def test_each_of_the_58_must_avoid_items_has_exactly_one_home():
    listed = set(MUST_AVOID.findall((DOCS / "process-rules.md").read_text()))
    assert len(listed) == 58
    codes = [item.code for item in ITEMS]
    assert len(codes) == len(set(codes)) == 58 and set(codes) == listed
    for item in ITEMS:
        assert item.home in (REFUSED, MEASURED, AUDITED)
        assert item.measures, item.code
        if item.home == REFUSED:
            assert item.guards and all(not MUST_AVOID.match(g) for g in item.guards)
        if item.home == AUDITED:
            assert item.question
        if item.home == MEASURED:
            assert item.measure_text


def test_every_refused_item_is_named_by_a_test_of_its_refusal():
    """Each refused item's ID is in a test next to its guard, which asserts the guard's rule."""
    tests = {}
    for path in (ROOT / "tests").rglob("test_*.py"):
        if path.name != Path(__file__).name:
            tests[path] = path.read_text()
    for item in (i for i in ITEMS if i.home == REFUSED):
        naming = [text for text in tests.values() if f"{item.code} (refused)" in text]
        assert naming, f"no test names {item.code} (refused)"
        assert any(any(f'"{g}' in text for g in item.guards) for text in naming), item.code


# --- measured items: a planted case counts, a clean one does not -----------------------------------------------

class Plant:
    def __init__(self, team, catalogue, at: datetime):
        self.team, self.store, self.catalogue, self.at = team, team.store, catalogue, at
        self.advisor = team[Role.SERVICE_ADVISOR]

    def order(self, status: str, **customer) -> WorkOrder:
        vehicle = VehicleFactory(store=self.store)
        if customer:
            type(vehicle.customer).objects.filter(pk=vehicle.customer_id).update(**customer)
            vehicle.customer.refresh_from_db()
        return drive(new_order(self.team, vehicle, self.catalogue), status)

    def appointment(self, slot: int, **fields) -> Appointment:
        from ..appointments.helpers import at, book, tomorrow

        starts_at = at(tomorrow(), 9, 15 * slot) if slot < 3 else at(tomorrow(), 10, 15 * (slot - 3))
        appointment = book(self.team, starts_at, labour=[self.catalogue["labour"]])
        # one minute apart: an advisor has one appointment at a time
        Appointment.objects.filter(pk=appointment.pk).update(starts_at=self.at + timedelta(minutes=slot), **fields)
        appointment.refresh_from_db()
        return appointment


def _apt_x1(p: Plant):
    for handled in (None, p.at - timedelta(minutes=5)):
        BookingRequest.objects.create(store=p.store, source=BookingRequest.Source.PHONE, name="王", mobile="13800000000",
                                      due_at=p.at, handled_at=handled)


def _apt_x6(p: Plant):
    case = p.appointment(0, status=Appointment.Status.ARRIVED)
    clean = p.appointment(1, status=Appointment.Status.ARRIVED)
    assert StaffTask.objects.filter(work_order=case.work_order, key__endswith="-prepare", done_at__isnull=True)
    StaffTask.objects.filter(work_order=clean.work_order).update(done_at=p.at - timedelta(hours=2))


def _apt_x7(p: Plant):
    case = p.appointment(0, status=Appointment.Status.ARRIVED)
    p.appointment(1, status=Appointment.Status.ARRIVED)
    work_order_add_line(work_order=case.work_order, actor=p.advisor, part=p.catalogue["part"],
                        source=WorkOrderLine.Source.APPOINTMENT)  # a booked part nobody reserved


def _apt_x8(p: Plant):
    p.appointment(0, status=Appointment.Status.ARRIVED, ready_at_arrival=False)
    p.appointment(1, status=Appointment.Status.ARRIVED, ready_at_arrival=True)


def _apt_x9(p: Plant):
    for told in (None, p.at + timedelta(minutes=1)):
        appointment = p.appointment(0 if told is None else 1)
        change = AppointmentChange.objects.create(
            store=p.store, appointment=appointment, kind=AppointmentChange.Kind.MOVED, by_shop=True,
            old_starts_at=p.at + timedelta(hours=4), new_starts_at=p.at + timedelta(days=1), reason="技师病假",
            customer_told_at=told)
        AppointmentChange.objects.filter(pk=change.pk).update(at=p.at)


def _apt_x10(p: Plant):
    p.appointment(0, status=Appointment.Status.ARRIVED)
    clean = p.appointment(1, status=Appointment.Status.ARRIVED)
    Confirmation.objects.filter(appointment__store=p.store).delete()
    Confirmation.objects.create(store=p.store, appointment=clean, kind=Confirmation.Kind.DAY_BEFORE,
                                claim="t", claimed_at=p.at - timedelta(days=1), sent_at=p.at - timedelta(days=1))


def _apt_x11(p: Plant):
    other = staff(Role.SERVICE_ADVISOR, p.store)
    for slot, caller in ((0, other), (1, p.advisor)):
        appointment = p.appointment(slot, status=Appointment.Status.ARRIVED)
        QueueTicket.objects.create(store=p.store, appointment=appointment, plate=appointment.vehicle.plate,
                                   arrived_at=p.at - timedelta(minutes=3), called_at=p.at, called_by=caller)


def _rec_x1(p: Plant):
    p.appointment(0, status=Appointment.Status.ARRIVED, arrived_at=p.at, file_pulled_at=None)
    p.appointment(1, status=Appointment.Status.ARRIVED, arrived_at=p.at, file_pulled_at=p.at - timedelta(hours=20))


def _rec_x2(p: Plant):
    for slot, waited in ((0, 30), (1, 2)):
        appointment = p.appointment(slot, status=Appointment.Status.ARRIVED)
        QueueTicket.objects.create(store=p.store, appointment=appointment, plate=appointment.vehicle.plate,
                                   arrived_at=p.at, called_at=p.at + timedelta(minutes=waited), called_by=p.advisor)


def _signed(p: Plant, **changes) -> WorkOrder:
    order = p.order(S.SIGNED)
    WorkOrder.objects.filter(pk=order.pk).update(customer_signed_at=p.at, **changes)
    return order


def _rec_x9(p: Plant):
    _signed(p, promised_at=None)
    _signed(p)


def _rec_x11(p: Plant):
    case = _signed(p)
    _signed(p)
    WalkAround.objects.filter(work_order=case).update(seat_cover=False)


def _rep_x7(p: Plant):
    for late in (True, False):
        order = p.order(S.READY)
        WorkOrderEvent.objects.filter(work_order=order, to_status=S.READY).update(at=p.at)
        WorkOrder.objects.filter(pk=order.pk).update(promised_at=p.at + timedelta(hours=-1 if late else 1))


def _rep_x9(p: Plant):
    for asked in (False, True):
        order = p.order(S.IN_REPAIR)
        first = order.jobs.first()
        redo = Job.objects.create(store=p.store, work_order=order, description="返工",
                                  rework_of=first, technician=first.technician)
        Job.objects.filter(pk=redo.pk).update(created_at=p.at)
        if asked:
            ExpertRequest.objects.create(store=p.store, work_order=order, question="异响来源?", asked_by=p.advisor)


def _qc_x6(p: Plant):
    for minutes in (120, 10):
        order = p.order(S.READY)
        Handover.objects.filter(work_order=order).update(acknowledged_at=p.at)
        WorkOrderEvent.objects.filter(work_order=order, to_status=S.QC_PASSED).update(
            at=p.at - timedelta(minutes=minutes))


def _qc_x7(p: Plant):
    for summary in ("", "更换前刹车片,试车正常"):
        order = p.order(S.QC_PASSED)
        Inspection.objects.filter(work_order=order).update(at=p.at, summary=summary)


def _set_x2(p: Plant):
    for adjustment in (Decimal("50.00"), Decimal("0")):
        order = p.order(S.SETTLED)
        Statement.objects.filter(work_order=order).update(issued_at=p.at, adjustments=adjustment)


def _fu_x1(p: Plant):
    for done in (None, p.at - timedelta(hours=1)):
        order = p.order(S.DELIVERED)
        FollowUpTask.objects.filter(work_order=order).delete()
        FollowUpTask.objects.create(store=p.store, work_order=order, due_from=p.at - timedelta(days=3), due_by=p.at,
                                    done_at=done, status=FollowUpTask.Status.DONE if done else FollowUpTask.Status.OPEN)


def _fu_x5(p: Plant):
    for done in (None, p.at - timedelta(days=1)):
        action = CorrectiveAction.objects.create(store=p.store, title="前台接待培训", trend="REC-X3", owner=p.advisor,
                                                 due_on=p.at.date(), created_by=p.team[Role.AFTERSALES_MANAGER])
        CorrectiveAction.objects.filter(pk=action.pk).update(done_at=done, evidence="已培训" if done else "")


def _fu_x6(p: Plant):
    order = p.order(S.DELIVERED)
    for closed in (None, p.at - timedelta(hours=1)):
        Complaint.objects.create(store=p.store, work_order=order, description="交车晚了", due_at=p.at, closed_at=closed,
                                 status=Complaint.Status.CLOSED if closed else Complaint.Status.ASSIGNED)


def _fu_x8(p: Plant):
    for consent in (False, True):
        order = p.order(S.DELIVERED, consent_to_messages=consent)
        Delivery.objects.filter(work_order=order).update(done_at=p.at)


PLANTS = {"APT-X1": _apt_x1, "APT-X6": _apt_x6, "APT-X7": _apt_x7, "APT-X8": _apt_x8, "APT-X9": _apt_x9,
          "APT-X10": _apt_x10, "APT-X11": _apt_x11, "REC-X1": _rec_x1, "REC-X2": _rec_x2, "REC-X9": _rec_x9,
          "REC-X11": _rec_x11, "REP-X7": _rep_x7, "REP-X9": _rep_x9, "QC-X6": _qc_x6, "QC-X7": _qc_x7,
          "SET-X2": _set_x2, "FU-X1": _fu_x1, "FU-X5": _fu_x5, "FU-X6": _fu_x6, "FU-X8": _fu_x8}


def test_every_measured_item_has_a_planted_case_below():
    assert set(PLANTS) | {"FU-X7"} == {i.code for i in ITEMS if i.home == MEASURED}


@pytest.mark.parametrize("code", sorted(PLANTS))
def test_measured_item_counts_a_planted_case(code, team, catalogue):
    """APT-X1, APT-X6…X11, REC-X1, REC-X2, REC-X9, REC-X11, REP-X7, REP-X9, QC-X6, QC-X7, SET-X2, FU-X1, FU-X5,
    FU-X6, FU-X8 (measured): one case and one clean record of the month; the count is 1 case of 2, and the
    cases page lists the case."""
    at = last_month_noon()
    PLANTS[code](Plant(team, catalogue, at))
    run = count(at)
    assert run.finished_at and run.stores >= 1
    cases, base, _o = figure(team.store, code)
    assert (cases, base) == (1, 2), code
    item = BY_CODE[code]
    rows = list(item.measures[0].case_rows(__import__("followup.compliance", fromlist=["period_of"]).period_of(
        at.date()), [team.store.pk]))
    assert len(rows) == 1
    page = login(team[Role.AFTERSALES_MANAGER]).get(reverse("followup:compliance_cases", args=[code]),
                                                    {"month": f"{at:%Y-%m}"})
    assert page.status_code == 200
    link = item.measures[0].link(rows[0])
    assert link and link in page.content.decode()


def test_fu_x7_a_store_without_last_months_report_is_counted(team, other_team, catalogue):
    """FU-X7 (measured): no analysis report for the month before: a store that worked that month and has none
    counts, one with its report does not, and one that was not using the system yet owes none."""
    at = last_month_noon()
    before = (at.date().replace(day=1) - timedelta(days=1)).replace(day=1)
    worked = datetime.combine(before.replace(day=10), time(10), tzinfo=timezone.get_current_timezone())
    for t in (team, other_team):
        order = new_order(t, VehicleFactory(store=t.store), {"labour": LabourFactory(store=t.store),
                                                                "part": PartFactory(store=t.store)})
        WorkOrder.objects.filter(pk=order.pk).update(created_at=worked)
    MonthlyReport.objects.create(group=other_team.store.group, store=other_team.store, month=before,
                                 pdf="reports/x.pdf")
    idle = StoreFactory(group=team.store.group)
    count(at)
    assert figure(team.store, "FU-X7")[:2] == (1, 1)
    assert figure(other_team.store, "FU-X7")[:2] == (0, 1)
    assert figure(idle, "FU-X7")[:2] == (0, 0)


# --- audited items ----------------------------------------------------------------------------------------------

@pytest.mark.parametrize("code", sorted(i.code for i in ITEMS if i.home == AUDITED))
def test_audited_item_appears_once_its_spot_check_is_recorded(code, team, order_in,
                                                              django_capture_on_commit_callbacks):
    """APT-X5, REC-X3, REP-X3, REP-X4, REP-X5, REP-X6, REP-X8, SET-X8, FU-X3, FU-X4 (audited): the manager's spot
    check, made on the order's page, counts each answer; a "not kept" is a case, listed with the note."""
    order = order_in(S.DELIVERED)
    manager = team[Role.AFTERSALES_MANAGER]
    client = login(manager)
    now = timezone.now()
    count(now)
    assert figure(team.store, code, month_of=now) == (0, 0, 0) or BY_CODE[code].dimension
    refused = client.post(reverse("followup:spot_check", args=[order.pk]), {f"answer_{code}": "not_kept"})
    assert refused.status_code == 400 and not SpotCheckAnswer.objects.exists()  # "not kept" needs what was seen
    with django_capture_on_commit_callbacks(execute=True) as after_commit:
        response = client.post(reverse("followup:spot_check", args=[order.pk]),
                               {f"answer_{code}": "not_kept", f"note_{code}": "现场抽查未做到"})
    assert after_commit  # the recount goes after the commit
    assert response.status_code == 302
    before = figure(team.store, code, month_of=now)
    # recorded, and the store's month counted again at once (Celery runs the recount after commit)
    cases, base, _o = before
    assert cases >= 1 and base >= 1
    assert figure(team.store, code, "advisor", month_of=now)[0] >= 1
    listed = client.get(reverse("followup:compliance_cases", args=[code])).content.decode()
    assert "现场抽查未做到" in listed


@pytest.mark.parametrize("code", sorted(i.code for i in ITEMS if i.home == AUDITED and i.dimension))
def test_audited_item_counts_a_low_survey_score(code, team, order_in):
    """APT-X5, REC-X3, REP-X8, SET-X8 (audited) are also scored by the customer: 2 of 5 or less is a case."""
    item = BY_CODE[code]
    for score in (2, 5):
        order = order_in(S.DELIVERED)
        task = FollowUpTask.objects.get(work_order=order) if FollowUpTask.objects.filter(work_order=order) else \
            FollowUpTask.objects.create(store=team.store, work_order=order, due_from=timezone.now(),
                                        due_by=timezone.now() + timedelta(days=1))
        FollowUpCall.objects.create(store=team.store, task=task, reached=True, satisfaction=4,
                                    **{item.dimension: score}, customer_words="还行")
    now = timezone.now()
    count(now)
    assert figure(team.store, code, month_of=now)[:2] == (1, 2)


# --- refused items: attempts and overrides ------------------------------------------------------------------------

def test_a_refused_attempt_on_a_page_is_recorded_and_counted(team, draft_order):
    """REC-X10 (refused): the advisor presses "sign" on an order not ready: the refusal is written down after
    the request (the view's transaction rolled back), with the order, and the item counts the attempt."""
    advisor = team[Role.SERVICE_ADVISOR]
    client = login(advisor)
    from demo.builder import drawn_signature

    response = client.post(reverse("reception:order_sign", args=[draft_order.pk]), {
        "version": draft_order.version, "explained": "on", "customer_signed_name": "张伟",
        "customer_signature": drawn_signature(1), "advisor_signature": drawn_signature(2)})
    assert response.status_code == 400  # no walk-around, no delivery time: refused
    draft_order.refresh_from_db()
    assert draft_order.status == S.DRAFT
    attempts = RefusedAttempt.objects.filter(store=team.store)
    assert attempts.exists() and all(a.actor == advisor and a.work_order == draft_order for a in attempts)
    rules = set(attempts.values_list("rule", flat=True))
    assert rules and rules <= {g for i in ITEMS if i.home == REFUSED for g in i.guards} | {"REC-15", "REC-1"}
    now = timezone.now()
    count(now)
    counted = {code for code, item in BY_CODE.items() if item.home == REFUSED and figure(team.store, code,
                                                                                         month_of=now)[0]}
    assert counted == {i.code for i in ITEMS if i.home == REFUSED and set(i.guards) & rules}
    # nothing is recorded outside a request (a job, a test calling a service)
    from dealership.errors import ProcessError
    ProcessError("x", rule="REC-12")
    assert RefusedAttempt.objects.filter(store=team.store).count() == attempts.count()


def test_an_override_is_counted_with_its_reason(team, order_in, english):
    """SET-X4 (refused): another advisor delivers with a reason: an override, shown with the reason."""
    order = order_in(S.DELIVERED)
    Delivery.objects.filter(work_order=order).update(other_advisor_reason="原顾问休假")
    now = timezone.now()
    count(now)
    assert figure(team.store, "SET-X4", month_of=now)[2] == 1
    page = login(team[Role.AFTERSALES_MANAGER]).get(reverse("followup:compliance_cases", args=["SET-X4"]))
    assert "原顾问休假" in page.content.decode()


# --- thresholds, tasks and corrective actions (FU-6) --------------------------------------------------------------

def test_an_item_above_its_threshold_becomes_a_task_closed_by_a_corrective_action_with_evidence(team, catalogue):
    at = last_month_noon()
    manager = team[Role.AFTERSALES_MANAGER]
    _rec_x9(Plant(team, catalogue, at))  # 1 of 2 signed orders without a promised time: 50 %
    client = login(manager)
    assert client.post(reverse("followup:compliance_thresholds"), {"REC-X9": "150"}).status_code == 400
    assert client.post(reverse("followup:compliance_thresholds"), {"REC-X9": "60"}).status_code == 302
    count(at)
    month = at.date().replace(day=1)
    assert not StaffTask.objects.filter(key=task_key(month, "REC-X9")).exists()  # 50 % is not above 60 %
    assert client.post(reverse("followup:compliance_thresholds"), {"REC-X9": "20"}).status_code == 302
    count(at)
    count(at)  # twice: one task
    task = StaffTask.objects.get(store=team.store, key=task_key(month, "REC-X9"))
    assert task.role == Role.AFTERSALES_MANAGER and task.done_at is None
    form = client.get(task.link)
    assert form.status_code == 200 and "REC-X9" in form.content.decode()
    action = action_create(manager=manager, kind=CorrectiveAction.Kind.CORRECTIVE, title="接待必须约定交车时间",
                           owner=team[Role.SERVICE_ADVISOR], due_on=timezone.localdate(), trend="REC-X9 50%",
                           item="REC-X9", item_month=month)
    action_done(action=action, actor=manager, evidence="晨会已培训,抽查10单均有交车时间")
    task.refresh_from_db()
    assert task.done_at is not None


# --- the page, the report, the cost -------------------------------------------------------------------------------

def test_the_page_and_the_monthly_report_list_all_58_items(team, catalogue):
    from followup.report import report_pdf

    from ..printing.test_pdf import pdf_text

    at = last_month_noon()
    _rec_x9(Plant(team, catalogue, at))
    count(at)
    page = login(team[Role.AFTERSALES_MANAGER]).get(reverse("followup:compliance"), {"month": f"{at:%Y-%m}"})
    html = page.content.decode()
    assert set(re.findall(r'data-code="([A-Z]+-X\d+)"', html)) == set(BY_CODE)
    assert 'data-testid="worst"' in html and "REC-X9" in html.split('data-testid="worst"')[1].split("</section>")[0]
    text = pdf_text(report_pdf(group=team.store.group, store=team.store, month=f"{at:%Y-%m}"))
    assert set(MUST_AVOID.findall(text)) >= set(BY_CODE)


def test_the_page_reads_counts_not_orders_its_queries_do_not_grow(team, catalogue):
    at = last_month_noon()
    client = login(team[Role.AFTERSALES_MANAGER])
    _rec_x11(Plant(team, catalogue, at))
    count(at)
    with CaptureQueriesContext(connection) as before:
        assert client.get(reverse("followup:compliance"), {"month": f"{at:%Y-%m}"}).status_code == 200
    for plant in (_rec_x9, _set_x2, _fu_x8):
        plant(Plant(team, catalogue, at))
    count(at)
    with CaptureQueriesContext(connection) as after:
        assert client.get(reverse("followup:compliance"), {"month": f"{at:%Y-%m}"}).status_code == 200
    assert len(after) == len(before) <= 20
    assert not any("dealership_workorder" in q["sql"] for q in after.captured_queries)


def test_the_job_run_is_recorded_and_a_rerun_replaces_the_counts(team, catalogue):
    at = last_month_noon()
    _rec_x9(Plant(team, catalogue, at))
    first = count(at, trigger="test")
    rows = ComplianceCount.objects.count()
    second = count(at, trigger="test")
    assert ComplianceCount.objects.count() == rows == second.rows == first.rows
    assert ComplianceRun.objects.filter(trigger="test", finished_at__isnull=False).count() == 2
    table = compliance_table(stores=[team.store.pk], month=at.date())
    assert table.counted_at == second.finished_at


def test_the_docs_table_states_the_same_home_for_every_item():
    table = {}
    for line in (DOCS / "compliance.md").read_text().splitlines():
        cells = [c.strip() for c in line.strip("|").split("|")]
        if len(cells) == 4 and MUST_AVOID.fullmatch(cells[0]):
            table[cells[0]] = cells[2]
    assert table == {item.code: item.home for item in ITEMS}


def test_a_group_manager_sees_the_groups_stores_and_each_one(team, group_manager, catalogue):
    at = last_month_noon()
    _rec_x9(Plant(team, catalogue, at))
    count(at)
    client = login(group_manager)
    for params in ({"month": f"{at:%Y-%m}"}, {"month": f"{at:%Y-%m}", "store": team.store.pk}):
        page = client.get(reverse("followup:compliance"), params)
        assert page.status_code == 200 and 'data-code="REC-X9"' in page.content.decode()
        assert "33.3%" in page.content.decode() or "50.0%" in page.content.decode()
        cases = client.get(reverse("followup:compliance_cases", args=["REC-X9"]), params)
        assert cases.status_code == 200
    assert client.get(reverse("followup:export", args=["compliance"]), {"month": f"{at:%Y-%m}"}).status_code == 200
