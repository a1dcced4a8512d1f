"""Writes of stage 4: pass or fail at QC, and the internal handover."""

from django.urls import reverse
from django.utils.translation import gettext as _

from dealership.errors import ProcessError, Refusal
from dealership.messages import N_
from dealership.models import Role, User, WorkOrder
from dealership.services import staff_task_create, staff_tasks_close, work_order_transition
from workshop.jobs import rework_job_create
from workshop.models import Job

from .models import Inspection

S = WorkOrder.Status


def _all_jobs_finished(order: WorkOrder) -> Refusal | None:
    """QC-1 / REP-15: every job finished with its self-check and signature."""
    jobs = Job.objects.filter(work_order=order)
    unfinished = jobs.exclude(status=Job.Status.DONE).exists() or jobs.filter(self_checked=False).exists()
    if unfinished or not jobs.exists():
        return Refusal("QC-1", _("Not all work on the order is finished and self-checked."))
    return None


def inspection_record(*, work_order: WorkOrder, inspector: User, passed: bool, notes: str) -> Inspection:
    """Pass (QC-1) or send back to rework with the reason (QC-4); the
    technician and the advisor are told (QC-4, QC-9)."""
    if not inspector.has_role(Role.QC_INSPECTOR):
        raise ProcessError(_("Only a QC inspector can record an inspection."))
    if not passed and not notes.strip():
        raise ProcessError(_("Write what failed, so the technician knows what to rework."), rule="QC-4")
    created: list[Inspection] = []

    def record(order: WorkOrder) -> None:
        inspection = Inspection.objects.create(store_id=order.store_id, work_order=order,
                                               inspector=inspector, passed=passed, notes=notes.strip())
        created.append(inspection)
        staff_tasks_close(work_order=order, keys=[f"qc-{order.pk}-{j}" for j in
                                                  order.jobs.values_list("pk", flat=True)], actor=inspector)
        link = reverse("dealership:order", args=[order.pk])
        if passed:
            staff_task_create(store=order.store_id, assignee=order.advisor, work_order=order, link=link,
                              key=f"handover-{order.pk}-{inspection.pk}",
                              message=N_("QC passed: take over %(plate)s from QC"), params={"plate": order.vehicle.plate})
        else:
            rework_job_create(work_order=order, findings=notes.strip())
            last_job = order.jobs.filter(kind=Job.Kind.REPAIR).order_by("-finished_at", "-id").first()
            for person in {order.advisor, last_job.technician if last_job else None} - {None}:
                staff_task_create(store=order.store_id, assignee=person, work_order=order, link=link,
                                  key=f"rework-{order.pk}-{inspection.pk}-{person.pk}",
                                  message=N_("QC failed on %(plate)s: %(notes)s"),
                                  params={"plate": order.vehicle.plate, "notes": notes.strip()[:80]})

    work_order_transition(
        work_order=work_order, to=S.QC_PASSED if passed else S.QC_FAILED, actor=inspector,
        guards=[_all_jobs_finished] if passed else [], after=record,
        message=N_("QC passed.") if passed else N_("QC failed."), note=notes.strip(),
    )
    return created[0]


def handover_acknowledge(*, work_order: WorkOrder, advisor: User) -> WorkOrder:
    """The advisor takes the car over from QC (QC-9, QC-10); the car is then
    ready for the customer and the cashier sees it."""
    if not advisor.has_role(Role.SERVICE_ADVISOR, Role.SERVICE_ASSISTANT):
        raise ProcessError(_("Only a service advisor can take over the car."))

    def tasks(order: WorkOrder) -> None:
        staff_tasks_close(work_order=order, keys=[f"handover-{order.pk}-{i}" for i in
                                                  order.inspections.values_list("pk", flat=True)], actor=advisor)
        staff_task_create(store=order.store_id, role=Role.CASHIER, work_order=order,
                          key=f"settle-{order.pk}", link=reverse("settlement:order", args=[order.pk]),
                          message=N_("Settle %(number)s (%(plate)s)"),
                          params={"number": order.number, "plate": order.vehicle.plate})

    return work_order_transition(work_order=work_order, to=S.READY, actor=advisor, after=tasks,
                                 message=N_("Internal handover from QC acknowledged; ready for the customer."))

