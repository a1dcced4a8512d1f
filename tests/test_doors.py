"""One door for every status (issue 17): each model's moves are checked
against its table, an appointment's every move leaves an AppointmentChange,
and scripts/lint_doors.py (run by `make lint`) fails on a status write outside
a door anywhere in the apps."""

import importlib.util
import re
import shutil
import subprocess
import sys
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from appointments.arrivals import ticket_arrive
from appointments.doors import APPOINTMENT, CONFIRMATION
from appointments.models import Appointment, AppointmentChange, Confirmation
from appointments.services import appointment_no_show
from dealership.doors import Door, transitions
from dealership.errors import TransitionNotAllowed
from dealership.models import Role, WorkOrder
from followup.models import Complaint
from followup.services import COMPLAINT
from reception.services import work_order_cancel
from settlement.models import Adjustment
from settlement.services import ADJUSTMENT
from workshop.jobs import JOB
from workshop.models import Job

from .appointments.helpers import at, book
from .conftest import login
from .refusals import refused_by, refused_saying

ROOT = Path(__file__).resolve().parent.parent
SCRIPT = ROOT / "scripts" / "lint_doors.py"
_spec = importlib.util.spec_from_file_location("lint_doors", SCRIPT)
lint_doors = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(lint_doors)

S = WorkOrder.Status


# --- the checker ---------------------------------------------------------------------------------

def test_the_checker_passes_on_the_project():
    assert lint_doors.check(list(lint_doors.app_files())) == []
    assert {"appointments", "dealership", "workshop", "followup"} <= set(lint_doors.apps())


FORBIDDEN = {
    "job.status = 'done'": "DOOR1",
    "job.status, job.bay = 'done', ''": "DOOR1",
    "setattr(job, 'status', 'done')": "DOOR1",
    "Job.objects.filter(pk=1).update(status='done')": "DOOR2",
    "Job.objects.filter(pk=1).update(**{'status': 'done'})": "DOOR2",
    "Job.objects.update_or_create(pk=1, defaults={'status': 'done'})": "DOOR2",
    "job.save(update_fields=['bay', 'status'])": "DOOR3",
    "Job.objects.bulk_update(jobs, ['status'])": "DOOR4",
    "Job.objects.bulk_update(jobs, fields=('bay', 'status'))": "DOOR4",
    "cursor.execute('UPDATE workshop_job SET bay = %s, status = %s WHERE id = %s', args)": "DOOR5",
    'cursor.execute("""update workshop_job\n   set \\"status\\" = \'done\'""")': "DOOR5",
}


@pytest.mark.parametrize(("code", "rule"), FORBIDDEN.items())
def test_the_checker_finds_each_kind_of_status_write(code, rule):
    assert [(line, found) for line, found, _what in lint_doors.violations(f"x = 1\n{code}\n")] == [(2, rule)]


@pytest.mark.parametrize("code", [
    "Job.objects.create(status='done')",  # a row starts in its first status
    "Job(status='waiting', bay='1')",
    "Job.objects.filter(status='done').update(bay='')",
    "Job.objects.bulk_create([Job(status='waiting')])",
    "params = {'status': job.get_status_display()}",  # a message's parameters
    "job.save(update_fields=['bay'])",
    "if job.status == 'done': pass",
    "cursor.execute('SELECT status FROM workshop_job')",
    "JOB.move(job, to='done')",
])
def test_the_checker_lets_creation_filters_and_doors_through(code):
    assert list(lint_doors.violations(code)) == []


def test_make_lint_fails_on_a_status_write_planted_in_a_copy_of_a_module(tmp_path):
    """A copy of the workshop app with a status write added to a service and
    one in a new subpackage: both named file:line; the migrations and tests
    of an app are not read."""
    app = tmp_path / "workshop"
    shutil.copytree(ROOT / "workshop", app, ignore=shutil.ignore_patterns("__pycache__"))
    jobs = app / "jobs.py"
    source = jobs.read_text(encoding="utf-8")
    jobs.write_text(source + "\n\ndef job_reset(job):\n    job.status = Job.Status.WAITING\n", encoding="utf-8")
    planted_line = len(source.splitlines()) + 4
    (app / "deep" / "deeper").mkdir(parents=True)
    (app / "deep" / "deeper" / "sweep.py").write_text(
        "def sweep(qs):\n    return qs.update(bay='', status='waiting')\n", encoding="utf-8")
    (app / "migrations" / "0999_data.py").write_text("def f(qs):\n    qs.update(status='x')\n", encoding="utf-8")

    assert lint_doors.check(list(lint_doors.app_files(tmp_path)), root=tmp_path) == [
        "workshop/deep/deeper/sweep.py:2: DOOR2 update() writes status outside a door (use dealership.doors)",
        f"workshop/jobs.py:{planted_line}: DOOR1 assigns .status outside a door (use dealership.doors)",
    ]
    run = subprocess.run([sys.executable, str(SCRIPT), str(jobs)], capture_output=True, text=True, check=False)
    assert run.returncode == 1
    assert f"jobs.py:{planted_line}: DOOR1" in run.stdout


def test_make_lint_runs_the_checker():
    lint = (ROOT / "Makefile").read_text(encoding="utf-8").split("\nlint:")[1].split("\n\n")[0]
    assert "scripts/lint_doors.py" in lint


# --- the tables -------------------------------------------------------------------------------

def test_a_table_names_every_status_of_its_model():
    with pytest.raises(ValueError, match="missing"):
        Door(Job, table=transitions({Job.Status.WAITING: {Job.Status.ASSIGNED}}))
    with pytest.raises(ValueError, match="unknown"):
        Door(Job, table=transitions({**Job.TRANSITIONS, Job.Status.DONE: {"archived"}}))


# --- moves the tables refuse ------------------------------------------------------------------

def test_a_finished_job_cannot_be_clocked_on_again(order_in):
    order = order_in(S.REPAIR_DONE)
    job = Job.objects.filter(work_order=order).first()
    assert job.status == Job.Status.DONE
    with refused_saying(re.compile(re.escape(f"“{Job.Status.DONE.label}”")), error=TransitionNotAllowed):
        JOB.move(job, to=Job.Status.RUNNING)
    job.refresh_from_db()
    assert job.status == Job.Status.DONE
    assert JOB.claim(Job.objects.filter(pk=job.pk), to=Job.Status.PAUSED) == 0  # a claim moves only what may move
    assert Job.objects.get(pk=job.pk).status == Job.Status.DONE


def test_set2_a_decided_adjustment_cannot_be_decided_again(order_in, manager):
    order = order_in(S.READY)
    adjustment = Adjustment.objects.create(store_id=order.store_id, work_order=order, kind=Adjustment.Kind.DISCOUNT,
                                           amount=Decimal("-10.00"), reason="老客户", requested_by=manager,
                                           status=Adjustment.Status.APPROVED)
    with refused_by("SET-2", error=TransitionNotAllowed):
        ADJUSTMENT.move(adjustment, to=Adjustment.Status.REJECTED)
    assert Adjustment.objects.get(pk=adjustment.pk).status == Adjustment.Status.APPROVED


def test_fu7_a_closed_complaint_is_not_handled_again_and_records_nothing(order_in, manager):
    order = order_in(S.DELIVERED)
    complaint = Complaint.objects.create(store_id=order.store_id, work_order=order, description="洗车不干净",
                                         status=Complaint.Status.CLOSED)
    with refused_by("FU-7", error=TransitionNotAllowed):
        COMPLAINT.move(complaint, to=Complaint.Status.HANDLED, fields={"handling": "again"}, actor=manager,
                       message="Handled.")
    assert not complaint.events.exists()
    assert Complaint.objects.get(pk=complaint.pk).handling == ""


def test_apt11_a_sent_confirmation_is_not_claimed_again(team, catalogue):
    appointment = book(team, labour=[catalogue["labour"]])
    sent = Confirmation.objects.create(store=team.store, appointment=appointment, kind=Confirmation.Kind.DAY_BEFORE,
                                       status=Confirmation.Status.SENT, claim="old", claimed_at=timezone.now())
    assert CONFIRMATION.claim(Confirmation.objects.filter(pk=sent.pk), to=Confirmation.Status.PENDING,
                              fields={"claim": "new"}) == 0
    assert Confirmation.objects.get(pk=sent.pk).claim == "old"


def test_a_cancelled_appointment_cannot_arrive(team, catalogue):
    appointment = book(team, labour=[catalogue["labour"]])
    work_order_cancel(work_order=appointment.work_order, actor=team[Role.SERVICE_ADVISOR], reason="客户改主意")
    appointment.refresh_from_db()
    with refused_saying(re.compile(re.escape(f"“{Appointment.Status.CANCELLED.label}”")), error=TransitionNotAllowed):
        APPOINTMENT.move(appointment, to=Appointment.Status.ARRIVED, actor=None)
    assert appointment.changes.count() == 1


# --- an appointment's every move leaves an AppointmentChange (APT-10) ----------------------------

def test_a_no_show_is_recorded_on_the_appointments_history(team, catalogue):
    appointment = book(team, labour=[catalogue["labour"]])
    advisor = team[Role.SERVICE_ADVISOR]
    with time_machine.travel(appointment.starts_at + timedelta(hours=1), tick=False):
        appointment_no_show(appointment=appointment, actor=advisor)
    change = AppointmentChange.objects.get(appointment=appointment)
    assert (change.kind, change.actor, change.by_shop, change.old_starts_at) == (
        AppointmentChange.Kind.NO_SHOW, advisor, False, appointment.starts_at)


def test_an_appointment_closed_with_its_order_at_reception_is_recorded(team, catalogue):
    appointment = book(team, labour=[catalogue["labour"]])
    advisor = team[Role.SERVICE_ADVISOR]
    work_order_cancel(work_order=appointment.work_order, actor=advisor, reason="客户改主意")
    appointment.refresh_from_db()
    change = AppointmentChange.objects.get(appointment=appointment)
    assert appointment.status == Appointment.Status.CANCELLED
    assert (change.kind, change.actor, change.reason, change.by_shop) == (
        AppointmentChange.Kind.CANCELLED, advisor, "客户改主意", False)


def test_an_arrival_is_recorded_once(team, catalogue):
    appointment = book(team, at(timezone.localdate() + timedelta(days=1), 9), labour=[catalogue["labour"]])
    agent = team[Role.APPOINTMENT_AGENT]
    with time_machine.travel(appointment.starts_at - timedelta(minutes=5), tick=False):
        ticket_arrive(appointment=appointment, actor=agent)
        ticket_arrive(appointment=appointment, actor=agent)  # a second tap changes nothing
    appointment.refresh_from_db()
    assert appointment.status == Appointment.Status.ARRIVED
    assert list(appointment.changes.values_list("kind", "actor")) == [(AppointmentChange.Kind.ARRIVED, agent.pk)]
    page = login(team[Role.SERVICE_ADVISOR]).get(reverse("appointments:detail", args=[appointment.pk]))
    history = page.content.decode().split('data-testid="changes"')[1].split("</ul>")[0]
    assert str(AppointmentChange.Kind.ARRIVED.label) in history and "(" + str(agent) + ")" in history
    assert str(_("at the customer's request")) not in history  # an arrival is no one's request


def test_a_door_that_records_moves_one_locked_row_at_a_time():
    with pytest.raises(TypeError, match="records each move"):
        APPOINTMENT.claim(Appointment.objects.all(), to=Appointment.Status.NO_SHOW)
