"""Stage 3 in the foundation: start, self-check and the signed repair report."""

import pytest
from django.urls import reverse

from dealership.errors import GuardRefused, ProcessError
from dealership.models import Role, StaffTask, WorkOrder
from workshop.models import Job
from workshop.services import job_finish, job_start

from ..conftest import login

S = WorkOrder.Status


def test_a_technician_starts_a_signed_order(order_in, technician):
    order = order_in(S.SIGNED)
    job = job_start(work_order=order, technician=technician)
    order.refresh_from_db()
    assert order.status == S.IN_REPAIR and job.kind == Job.Kind.REPAIR and job.technician == technician


def test_only_a_technician_clocks_on(order_in, advisor):
    with pytest.raises(ProcessError):
        job_start(work_order=order_in(S.SIGNED), technician=advisor)


def test_rep15_no_qc_before_the_self_check(order_in, technician):
    order = order_in(S.IN_REPAIR)
    job = Job.objects.get(work_order=order)
    with pytest.raises(GuardRefused) as exc:
        job_finish(job=job, technician=technician, self_checked=False, report="已更换刹车片")
    assert exc.value.rule == "REP-15"
    order.refresh_from_db()
    assert order.status == S.IN_REPAIR


def test_rep16_the_repair_report_is_required_and_signed(order_in, technician, inspector):
    order = order_in(S.IN_REPAIR)
    job = Job.objects.get(work_order=order)
    with pytest.raises(GuardRefused) as exc:
        job_finish(job=job, technician=technician, self_checked=True, report=" ")
    assert exc.value.rule == "REP-16"
    job = job_finish(job=job, technician=technician, self_checked=True, report="更换前刹车片,测量厚度 10mm")
    order.refresh_from_db()
    assert order.status == S.REPAIR_DONE
    assert job.signed_at and job.self_checked and job.report.startswith("更换")
    assert StaffTask.objects.filter(work_order=order, role=Role.QC_INSPECTOR, done_at__isnull=True).exists()


def test_only_the_technician_on_the_job_finishes_it(order_in, team):
    from ..factories import staff

    order = order_in(S.IN_REPAIR)
    other = staff(Role.TECHNICIAN, team.store)
    with pytest.raises(ProcessError):
        job_finish(job=Job.objects.get(work_order=order), technician=other, self_checked=True, report="x")


def test_the_board_shows_the_finish_errors_on_the_tablet(order_in, technician):
    order = order_in(S.IN_REPAIR)
    job = Job.objects.get(work_order=order)
    response = login(technician).post(reverse("workshop:finish", args=[job.pk]), {"report": ""})
    assert response.status_code == 400
    html = response.content.decode()
    assert "REP-15" in html and "REP-16" in html


def test_a_second_start_of_the_same_order_is_refused(order_in, technician):
    order = order_in(S.SIGNED)
    job_start(work_order=order, technician=technician)
    response = login(technician).post(reverse("workshop:start", args=[order.pk]), follow=True)
    assert response.status_code == 200
    assert Job.objects.filter(work_order=order).count() == 1
