"""Stage 4 in the foundation: pass, fail and rework, handover."""

import pytest
from django.urls import reverse

from dealership.errors import GuardRefused, ProcessError
from dealership.models import Role, StaffTask, WorkOrder
from inspection.models import Inspection
from inspection.services import handover_acknowledge, inspection_record
from workshop.jobs import job_clock_on
from workshop.models import Job

from ..conftest import login
from ..workshop.helpers import finish

S = WorkOrder.Status


def test_qc4_a_fail_needs_the_reason(order_in, inspector):
    order = order_in(S.REPAIR_DONE)
    with pytest.raises(ProcessError) as exc:
        inspection_record(work_order=order, inspector=inspector, passed=False, notes="")
    assert exc.value.rule == "QC-4"


def test_qc4_a_failed_car_goes_back_to_rework_and_technician_and_advisor_are_told(order_in, inspector,
                                                                                  technician, advisor):
    order = order_in(S.REPAIR_DONE)
    inspection_record(work_order=order, inspector=inspector, passed=False, notes="刹车踏板偏软")
    order.refresh_from_db()
    assert order.status == S.QC_FAILED
    told = set(StaffTask.objects.filter(work_order=order, key__startswith="rework").values_list("assignee", flat=True))
    assert told == {technician.pk, advisor.pk}
    rework = Job.objects.get(work_order=order, kind=Job.Kind.REWORK)
    assert rework.technician == technician and rework.qc_findings == "刹车踏板偏软"
    job_clock_on(job=rework, technician=technician)
    order.refresh_from_db()
    assert order.status == S.IN_REPAIR
    finish(rework, report="重新排空气")
    inspection_record(work_order=order, inspector=inspector, passed=True, notes="")
    order.refresh_from_db()
    assert order.status == S.QC_PASSED
    assert list(Inspection.objects.filter(work_order=order).values_list("passed", flat=True)) == [False, True]


def test_qc1_a_pass_is_refused_while_work_is_unfinished(order_in, inspector):
    order = order_in(S.REPAIR_DONE)
    Job.objects.filter(work_order=order).update(status=Job.Status.PAUSED)
    with pytest.raises(GuardRefused) as exc:
        inspection_record(work_order=order, inspector=inspector, passed=True, notes="")
    assert exc.value.rule == "QC-1"


def test_only_an_inspector_records_qc(order_in, technician):
    with pytest.raises(ProcessError):
        inspection_record(work_order=order_in(S.REPAIR_DONE), inspector=technician, passed=True, notes="")


def test_qc9_the_advisor_takes_over_and_the_cashier_is_told(order_in, advisor):
    order = order_in(S.QC_PASSED)
    assert StaffTask.objects.filter(work_order=order, assignee=advisor, key__startswith="handover",
                                    done_at__isnull=True).exists()
    handover_acknowledge(work_order=order, advisor=advisor)
    order.refresh_from_db()
    assert order.status == S.READY
    assert not StaffTask.objects.filter(work_order=order, key__startswith="handover", done_at__isnull=True).exists()
    assert StaffTask.objects.filter(work_order=order, role=Role.CASHIER).exists()


def test_the_inspection_form_refuses_a_fail_without_notes(order_in, inspector):
    order = order_in(S.REPAIR_DONE)
    response = login(inspector).post(reverse("inspection:record", args=[order.pk]), {"result": "fail"})
    assert response.status_code == 400
    order.refresh_from_db()
    assert order.status == S.REPAIR_DONE
