"""Stage 3: jobs from the signed order, dispatch, the job clock, the
technician's tablet, and finishing with the self-check and the signed
report (REP-1, REP-5…REP-8, REP-11…REP-13, REP-15, REP-16)."""

from datetime import timedelta
from decimal import Decimal

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from dealership.errors import GuardRefused
from dealership.models import Role, StaffTask, Trade, WorkOrder, WorkOrderLine
from demo.builder import drawn_signature, drive
from workshop.jobs import clocked_hours, job_assign, job_clock_on, job_pause, jobs_sync, technician_loads
from workshop.models import ClockEntry, Job

from ..concurrency import at_once
from ..conftest import Team, login, new_order
from ..factories import LabourFactory, StoreFactory, VehicleFactory, staff
from ..refusals import refused_by, refused_saying
from .helpers import dispatched, finish, working

S = WorkOrder.Status


def test_rep1_one_job_for_each_approved_labour_line(order_in, team):
    order = order_in(S.SIGNED)
    jobs = jobs_sync(work_order=order)
    labour = order.lines.filter(kind="labour", approval="approved")
    assert [j.line_id for j in jobs] == list(labour.values_list("pk", flat=True))
    assert jobs_sync(work_order=order) == jobs  # again: nothing twice
    assert {j.status for j in jobs} == {Job.Status.WAITING}


def test_rep1_signing_makes_the_jobs_in_the_signings_transaction(team, catalogue, monkeypatch):
    """Reception announces the signing (reception.signals) and the workshop makes the jobs
    in the same transaction: a failure there leaves the order unsigned, not signed without jobs."""
    from reception.models import Signature
    from tests.reception.test_signing import prepare, sign

    advisor = team[Role.SERVICE_ADVISOR]
    order = prepare(new_order(team, VehicleFactory(store=team.store), catalogue), advisor)
    before = order.status

    def fails(**kwargs):
        raise RuntimeError("the workshop could not make the jobs")

    monkeypatch.setattr("workshop.receivers.jobs_for_signed_order", fails)
    with pytest.raises(RuntimeError, match="could not make the jobs"):
        sign(order, advisor)
    order.refresh_from_db()
    assert order.status == before and not Signature.objects.filter(work_order=order).exists()
    monkeypatch.undo()

    sign(order, advisor)
    labour = order.lines.filter(kind="labour", approval="approved").values_list("pk", flat=True)
    assert sorted(Job.objects.filter(work_order=order).values_list("line_id", flat=True)) == sorted(labour)
    assert StaffTask.objects.filter(work_order=order, key__startswith=f"dispatch-{order.pk}-").exists()


def test_the_foreman_dispatches_to_a_technician_of_the_right_trade(order_in, team):
    order = order_in(S.SIGNED)
    [job] = jobs_sync(work_order=order)
    body = staff(Role.TECHNICIAN, team.store, trade=Trade.BODY)
    with refused_saying(_("This is %(trade)s work: choose a technician of that trade.")
                        % {"trade": Trade(job.trade).label}):
        job_assign(job=job, technician=body, bay="2号工位", actor=team[Role.FOREMAN])
    with refused_saying(_("Only the foreman dispatches jobs in this store.")):  # advisors, only where the store says so
        job_assign(job=job, technician=team[Role.TECHNICIAN], bay="2号工位", actor=team[Role.SERVICE_ADVISOR])
    job = job_assign(job=job, technician=team[Role.TECHNICIAN], bay="2号工位", actor=team[Role.FOREMAN])
    assert (job.status, job.bay, job.assigned_by) == (Job.Status.ASSIGNED, "2号工位", team[Role.FOREMAN])
    assert StaffTask.objects.filter(assignee=team[Role.TECHNICIAN], key__startswith=f"job-{job.pk}").exists()
    team.store.advisors_dispatch = True
    team.store.save()
    job.work_order.store.refresh_from_db()
    job_assign(job=job, technician=team[Role.TECHNICIAN], bay="3号工位", actor=team[Role.SERVICE_ADVISOR])


def test_rep1_only_the_technician_given_the_job_clocks_on(order_in, team):
    """REP-X1 (refused): work is done to the work order: the only jobs are the order's approved labour lines
    (test_rep1_one_job_for_each_approved_labour_line), and a technician the job was not dispatched to cannot
    clock on to it (REP-1): no clock runs, the job and the order do not move."""
    [job] = dispatched(order_in(S.SIGNED), team)
    with refused_by("REP-1"):
        job_clock_on(job=job, technician=staff(Role.TECHNICIAN, team.store))
    job.refresh_from_db()
    job.work_order.refresh_from_db()
    assert job.status == Job.Status.ASSIGNED and job.work_order.status == S.SIGNED
    assert not ClockEntry.objects.filter(job=job).exists()


def test_rec12_work_on_a_complete_order_waits_for_the_signatures(draft_order, team):
    """REC-X10 (refused): the customer did not sign, so no work starts: an order complete in every other way
    (walk-around, diagnosis, quote, delivery time) but unsigned: the technician's clock-on is refused by REC-12
    itself, no clock runs and the order stays a draft."""
    from workshop.models import Job as JobModel

    from ..reception.test_signing import prepare

    order = prepare(draft_order, team[Role.SERVICE_ADVISOR])
    line = order.lines.filter(kind="labour").first()
    job = JobModel.objects.create(store=team.store, work_order=order, line=line, description=line.description,
                                  technician=team[Role.TECHNICIAN], status=Job.Status.ASSIGNED)
    with refused_by("REC-12"):
        job_clock_on(job=job, technician=team[Role.TECHNICIAN])
    order.refresh_from_db()
    job.refresh_from_db()
    assert order.status == S.DRAFT and job.status == Job.Status.ASSIGNED
    assert not ClockEntry.objects.filter(job=job).exists()


def test_rec12_no_work_starts_on_an_unsigned_order(draft_order, team):
    from workshop.models import Job as JobModel

    line = draft_order.lines.filter(kind="labour").first()
    job = JobModel.objects.create(store=team.store, work_order=draft_order, line=line, description=line.description,
                                  technician=team[Role.TECHNICIAN], status=Job.Status.ASSIGNED)
    with refused_by("REC-5", others=True):
        job_clock_on(job=job, technician=team[Role.TECHNICIAN])
    draft_order.refresh_from_db()
    assert draft_order.status == S.DRAFT


def test_clocking_on_starts_the_repair_and_pausing_needs_a_reason(order_in, team):
    order = order_in(S.SIGNED)
    job = working(order, team)
    order.refresh_from_db()
    assert order.status == S.IN_REPAIR and job.status == Job.Status.RUNNING
    with refused_saying(_("Say why the job is paused.")):
        job_pause(job=job, technician=job.technician, reason="coffee")
    job = job_pause(job=job, technician=job.technician, reason=ClockEntry.PauseReason.PARTS)
    assert job.status == Job.Status.PAUSED
    assert ClockEntry.objects.filter(job=job, kind="pause", reason="parts", ended_at__isnull=True).exists()
    job = job_clock_on(job=job, technician=job.technician)  # resume
    assert job.status == Job.Status.RUNNING


def test_clocked_hours_count_work_not_pauses(order_in, team):
    order = order_in(S.SIGNED)
    [job] = dispatched(order, team)
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        job_clock_on(job=job, technician=job.technician)
    with time_machine.travel(start + timedelta(minutes=30), tick=False):
        job_pause(job=job, technician=job.technician, reason="approval")
    with time_machine.travel(start + timedelta(minutes=90), tick=False):
        job_clock_on(job=job, technician=job.technician)
    with time_machine.travel(start + timedelta(minutes=105), tick=False):
        job.refresh_from_db()
        assert clocked_hours(job) == Decimal("0.75")


def test_the_clock_cannot_run_twice_for_one_technician(team, catalogue, order_in):
    first = working(order_in(S.SIGNED), team)
    second_order = new_order(team, VehicleFactory(store=team.store), catalogue)
    from tests.reception.test_signing import prepare, sign

    sign(prepare(second_order, team[Role.SERVICE_ADVISOR]), team[Role.SERVICE_ADVISOR])
    [second] = dispatched(second_order, team)
    with refused_saying(_("You are still clocked on to %(job)s (%(plate)s): pause or finish it first.")
                        % {"job": first.description, "plate": first.work_order.vehicle.plate}):
        job_clock_on(job=second, technician=second.technician)


@pytest.mark.django_db(transaction=True)
def test_the_clock_cannot_run_twice_even_when_two_jobs_start_at_once():
    from demo.builder import drive

    team = Team(StoreFactory())
    catalogue = {"labour": LabourFactory(store=team.store), "part": None}
    from ..factories import PartFactory

    catalogue["part"] = PartFactory(store=team.store)
    jobs = []
    for _i in range(3):
        order = drive(new_order(team, VehicleFactory(store=team.store), catalogue), S.SIGNED)
        jobs += dispatched(order, team)
    def attempt(job):
        job_clock_on(job=job, technician=job.technician)

    results = at_once(attempt, jobs)
    assert sorted(results) == ["ok", "refused", "refused"]
    assert ClockEntry.objects.filter(kind="work", ended_at__isnull=True).count() == 1


def test_rep2_an_item_the_customer_has_not_approved_is_never_worked_on(order_in, team):
    [job] = dispatched(order_in(S.SIGNED), team)
    WorkOrderLine.objects.filter(pk=job.line_id).update(approval="pending")
    job.line.refresh_from_db()
    with refused_by("REP-2"):
        job_clock_on(job=job, technician=job.technician)


def test_rep15_no_qc_before_every_self_check_item(order_in, team):
    """REP-X10 (refused): no self-check, no QC: finishing without the self-check is refused (REP-15); the job
    stays open and the car does not go to QC."""
    job = working(order_in(S.SIGNED), team)
    with refused_by("REP-15", error=GuardRefused):
        finish(job, checks=[])
    job.work_order.refresh_from_db()
    assert job.work_order.status == S.IN_REPAIR
    job.refresh_from_db()
    assert job.status == Job.Status.RUNNING and not job.self_checked


@pytest.mark.parametrize("change", [{"report": " "}, {"signature": ""}, {"signature": "data:image/png;base64,AAAA"}])
def test_rep16_the_repair_report_is_written_and_signed(order_in, team, change):
    """REP-X11 (refused): no repair report or no signature: finishing is refused (REP-16); the job stays open,
    nothing of the report is kept, and the car does not go to QC."""
    job = working(order_in(S.SIGNED), team)
    with refused_by("REP-16", error=GuardRefused):
        finish(job, **change)
    job.refresh_from_db()
    job.work_order.refresh_from_db()
    assert job.status == Job.Status.RUNNING and (job.report, job.signature, job.signed_at) == ("", "", None)
    assert job.work_order.status == S.IN_REPAIR


def test_rep15_rep16_the_last_job_finished_sends_the_car_to_qc(order_in, team):
    order = order_in(S.SIGNED)
    job = working(order, team)
    job = finish(job)
    order.refresh_from_db()
    assert job.status == Job.Status.DONE and job.self_checked and job.signed_at and job.signature
    assert order.status == S.REPAIR_DONE
    assert StaffTask.objects.filter(role=Role.QC_INSPECTOR, work_order=order, done_at__isnull=True).exists()


def test_the_self_check_list_is_per_job_type_and_a_store_setting(team):
    from dealership.models import JobType
    from workshop.jobs import self_check_items
    from workshop.models import SelfCheckItem

    brakes = self_check_items(store=team.store, job_type=JobType.BRAKES)
    assert any("制动" in item for item in brakes)
    SelfCheckItem.objects.create(store=team.store, job_type=JobType.BRAKES, label="试车确认制动")
    assert self_check_items(store=team.store, job_type=JobType.BRAKES)[0] == "试车确认制动"


def test_rep5_rep6_rep7_rep12_rep13_the_tablet_shows_the_documentation_tools_and_reminders(order_in, team, catalogue):
    catalogue["labour"].documentation_url = "https://service.example/brakes"
    catalogue["labour"].special_tools = "制动分泵回位工具"
    catalogue["labour"].save()
    dispatched(order_in(S.SIGNED), team)
    html = login(team[Role.TECHNICIAN], language="en").get(reverse("workshop:mine")).content.decode()
    assert "https://service.example/brakes" in html and "制动分泵回位工具" in html
    assert "covers" in html and "safety" in html  # REP-12, REP-13


def test_rep11_the_tablet_marks_what_is_approved_and_nothing_else_can_be_requested(order_in, team):
    order = order_in(S.SIGNED)
    dispatched(order, team)
    part_line = order.lines.get(kind="part")
    WorkOrderLine.objects.filter(pk=part_line.pk).update(approval="declined")
    html = login(team[Role.TECHNICIAN]).get(reverse("workshop:mine")).content.decode()
    assert f'name="part{Job.objects.get(work_order=order).pk}-line" value="{part_line.pk}"' not in html


def test_rep8_the_workshop_board_says_which_cars_will_be_late(order_in, team):
    order = order_in(S.SIGNED)
    working(order, team)
    WorkOrder.objects.filter(pk=order.pk).update(promised_at=timezone.now() + timedelta(minutes=10))
    advisor = login(team[Role.SERVICE_ADVISOR], "en")
    html = advisor.get(reverse("workshop:board")).content.decode()
    assert 'class="due-soon"' in html and "will be late" in html and "overdue" not in html  # forecast past the promise
    WorkOrder.objects.filter(pk=order.pk).update(promised_at=timezone.now() - timedelta(minutes=10))
    html = advisor.get(reverse("workshop:board")).content.decode()
    assert 'class="late"' in html and "overdue" in html and order.vehicle.plate in html  # the promise has passed
    # From the late row the advisor goes on to tell the customer the new time; the foreman does not.
    assert reverse("workshop:delay", args=[order.pk]) in html
    foreman = login(team[Role.FOREMAN], "en").get(reverse("workshop:board")).content.decode()
    assert 'class="late"' in foreman and reverse("workshop:delay", args=[order.pk]) not in foreman


def test_the_finish_form_on_the_tablet_shows_what_is_missing_in_the_card(order_in, team):
    job = working(order_in(S.SIGNED), team)
    tablet = login(team[Role.TECHNICIAN], "en")
    response = tablet.post(reverse("workshop:finish", args=[job.pk]), {f"job{job.pk}-report": ""},
                           HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert response.status_code == 422  # refused: htmx swaps the card with the reasons in
    assert f'id="job-{job.pk}"' in html and "REP-15" in html
    assert "Write the repair report" in html and "Sign the repair report" in html  # all three at once
    # The finish section is drawn afresh; the others keep what is typed in them in the browser.
    assert f'id="job-{job.pk}-finish" data-hx-preserve' not in html
    assert f'id="job-{job.pk}-finding" data-testid="finding-details" data-hx-preserve="true"' in html
    # What was typed and drawn comes back with the errors.
    signature = drawn_signature(3)
    html = tablet.post(reverse("workshop:finish", args=[job.pk]),
                       {f"job{job.pk}-report": "换了刹车片", f"job{job.pk}-signature": signature},
                       HTTP_HX_REQUEST="true").content.decode()
    assert "换了刹车片" in html and signature in html and "Sign the repair report" not in html


def test_a_part_request_on_the_tablet_keeps_the_finish_section_as_typed(order_in, team):
    job = working(order_in(S.SIGNED), team)
    part_line = job.work_order.lines.get(kind="part")
    tablet = login(team[Role.TECHNICIAN])
    url = reverse("workshop:request_part", args=[job.pk])
    response = tablet.post(url, {f"part{job.pk}-line": part_line.pk, f"part{job.pk}-quantity": "-1"},
                           HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert response.status_code == 422 and "0.01" in html  # says what is wrong with the quantity
    assert f'id="job-{job.pk}-finish" data-hx-preserve="true"' in html
    response = tablet.post(url, {f"part{job.pk}-line": part_line.pk, f"part{job.pk}-quantity": part_line.quantity},
                           HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert response.status_code == 200 and f'name="part{job.pk}-quantity"' not in html  # all of it asked for


def test_clocked_hours_against_standard_hours_per_technician_today(order_in, team):
    order = order_in(S.SIGNED)
    [job] = dispatched(order, team)
    start = timezone.localtime().replace(hour=9, minute=0, second=0, microsecond=0)  # well inside one day
    with time_machine.travel(start, tick=False):
        job_clock_on(job=job, technician=job.technician)
    with time_machine.travel(start + timedelta(minutes=90), tick=False):
        finish(Job.objects.get(pk=job.pk))
        load = {load.technician: load for load in technician_loads(store=team.store)}[job.technician]
        # read at that moment too: at 02:00 the 09:00 of the same day is still ahead
        page = login(team[Role.FOREMAN]).get(reverse("workshop:dispatch")).content.decode()
    assert load.clocked_today == Decimal("1.50")
    assert load.earned_today == job.standard_hours
    assert load.efficiency == int(job.standard_hours / Decimal("1.5") * 100)
    assert (load.hours, load.jobs) == (Decimal(0), 0)  # nothing open any more
    assert f"{load.efficiency}%" in page


def test_the_tablet_offers_a_refresh_when_a_job_is_dispatched_to_the_technician(order_in, team):
    [first] = dispatched(order_in(S.SIGNED), team)
    tablet = login(team[Role.TECHNICIAN])
    ids = str(first.pk)
    assert f"ids={ids}" in tablet.get(reverse("workshop:mine")).content.decode()
    watch = reverse("workshop:mine_watch") + f"?ids={ids}"
    assert b"jobs-changed" not in tablet.get(watch, headers={"HX-Request": "true"}).content
    dispatched(order_in(S.SIGNED), team)
    assert b"jobs-changed" in tablet.get(watch, headers={"HX-Request": "true"}).content


def test_rep1_the_signed_order_has_its_jobs_at_once_and_the_foreman_is_asked_to_dispatch(order_in, team):
    order = order_in(S.SIGNED)
    jobs = list(Job.objects.filter(work_order=order))
    assert jobs and {j.status for j in jobs} == {Job.Status.WAITING}  # on the board before anyone opens dispatch
    task = StaffTask.objects.get(key__startswith=f"dispatch-{order.pk}-")
    assert task.role == Role.FOREMAN and task.done_at is None
    for job in jobs:
        job_assign(job=job, technician=team[Role.TECHNICIAN], bay="1号工位", actor=team[Role.FOREMAN])
    task.refresh_from_db()
    assert task.done_at is not None


def test_dispatch_uses_the_stores_bays_and_shows_which_are_taken(order_in, team, catalogue):
    first = order_in(S.SIGNED)
    second = drive(new_order(team, VehicleFactory(store=team.store), catalogue), S.SIGNED)
    [job] = jobs_sync(work_order=first)
    with refused_saying(_("Choose one of the store's bays.")):
        job_assign(job=job, technician=team[Role.TECHNICIAN], bay="停车场", actor=team[Role.FOREMAN])
    job_assign(job=job, technician=team[Role.TECHNICIAN], bay="2号工位", actor=team[Role.FOREMAN])
    foreman = login(team[Role.FOREMAN], "en")
    html = foreman.get(reverse("workshop:dispatch")).content.decode()
    assert f"2号工位 (in use: {first.vehicle.plate})" in html  # offered for the second car, with a warning
    [other] = jobs_sync(work_order=second)
    response = foreman.post(reverse("workshop:assign", args=[other.pk]),
                            {"technician": team[Role.TECHNICIAN].pk, "bay": "x" * 30}, follow=True)
    assert "Choose one of the store" in response.content.decode()
    assert Job.objects.get(pk=other.pk).status == Job.Status.WAITING


def test_rep8_the_forecast_finish_is_counted_in_the_stores_opening_hours(team):
    """Read before opening, the board promised finishes at 06:38: the hours
    left are worked when the workshop is open (issue 16)."""
    from datetime import datetime, time

    from workshop.jobs import forecast_finish

    job = Job(pk=1, standard_hours=Decimal("1.00"), status=Job.Status.ASSIGNED)
    tz = timezone.get_current_timezone()
    day = timezone.localdate() + timedelta(days=1)
    early = datetime.combine(day, time(5, 0), tzinfo=tz)
    assert forecast_finish(jobs=[job], now=early, clocked={1: Decimal(0)}, store=team.store) == \
        datetime.combine(day, time(10, 0), tzinfo=tz)  # opens 8:30, one hour of work and half an hour of QC
    late = datetime.combine(day, time(17, 30), tzinfo=tz)
    assert forecast_finish(jobs=[job], now=late, clocked={1: Decimal(0)}, store=team.store) == \
        datetime.combine(day + timedelta(days=1), time(9, 30), tzinfo=tz)  # half an hour today, the rest tomorrow
