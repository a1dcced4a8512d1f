"""Writes of stage 3: starting and finishing work on a signed order."""

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from dealership.errors import ProcessError, Refusal
from dealership.messages import N_
from dealership.models import Role, User, WorkOrder
from dealership.services import staff_task_create, work_order_transition

from .models import Job

S = WorkOrder.Status


def job_start(*, work_order: WorkOrder, technician: User) -> Job:
    """Start work. Only a signed order (REC-12) or one back from QC (QC-4) can
    move to repair: the transition table refuses anything else."""
    if not technician.has_role(Role.TECHNICIAN):
        raise ProcessError(_("Only a technician can clock on to a job."))
    kind = Job.Kind.REWORK if work_order.status == S.QC_FAILED else Job.Kind.REPAIR
    try:
        with transaction.atomic():
            jobs: list[Job] = []
            work_order_transition(
                work_order=work_order, to=S.IN_REPAIR, actor=technician,
                message=N_("Rework started.") if kind == Job.Kind.REWORK else N_("Repair started."),
                after=lambda order: jobs.append(Job.objects.create(
                    store_id=order.store_id, work_order=order, technician=technician, kind=kind)),
            )
    except IntegrityError:
        raise ProcessError(_("Someone already started this job.")) from None
    return jobs[0]


def job_finish(*, job: Job, technician: User, self_checked: bool, report: str) -> Job:
    """Finish with the self-check (REP-15) and the signed repair report
    (REP-16): the order cannot go to QC without both."""
    if job.technician_id != technician.pk:
        raise ProcessError(_("Only the technician on the job can finish it."))

    def self_check(order: WorkOrder) -> Refusal | None:
        return None if self_checked else Refusal("REP-15", _("Do the self-check before handing the car to QC."))

    def repair_report(order: WorkOrder) -> Refusal | None:
        return None if report.strip() else Refusal("REP-16", _("Write the repair report: what was found and what was done."))

    def close_job(order: WorkOrder) -> None:
        now = timezone.now()
        updated = Job.objects.filter(pk=job.pk, finished_at__isnull=True).update(
            finished_at=now, self_checked=True, report=report.strip(), signed_at=now)
        if updated != 1:
            raise ProcessError(_("This job is already finished."))
        staff_task_create(store=order.store_id, role=Role.QC_INSPECTOR, work_order=order,
                          key=f"qc-{order.pk}-{job.pk}",
                          message=N_("Inspect %(plate)s (%(number)s)"),
                          params={"plate": order.vehicle.plate, "number": order.number})

    work_order_transition(
        work_order=job.work_order, to=S.REPAIR_DONE, actor=technician,
        guards=[self_check, repair_report], after=close_job,
        message=N_("Self-check done and repair report signed."), note=report.strip(),
    )
    job.refresh_from_db()
    return job
