"""Questions to technical experts and the pre-check bay (REC-6; the
workshop's REP-14 uses the same): the answer comes back onto the order."""

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from dealership.errors import ProcessError
from dealership.messages import N_
from dealership.models import Role, User, WorkOrder
from dealership.services import staff_task_create, staff_tasks_close, work_order_note
from dealership.textlimits import text_check

from .models import ExpertRequest


def expert_request_create(*, work_order: WorkOrder, actor: User, kind: str, question: str) -> ExpertRequest:
    if not question.strip():
        raise ProcessError(_("Write the question, or what the pre-check should look at."))
    text_check(ExpertRequest, rule="REC-6", question=question)
    with transaction.atomic():
        request = ExpertRequest.objects.create(store_id=work_order.store_id, work_order=work_order, kind=kind,
                                               question=question.strip(), asked_by=actor)
        work_order_note(work_order=work_order, actor=actor, rule="REC-6",
                        message=N_("Asked a technical expert.") if kind == ExpertRequest.Kind.EXPERT
                        else N_("Sent to the pre-check bay."), note=question.strip())
        staff_task_create(store=work_order.store_id, role=Role.TECHNICAL_EXPERT, work_order=work_order,
                          key=f"expert-{request.pk}", link=reverse("reception:expert_queue"),
                          message=N_("%(plate)s: %(question)s"),
                          params={"plate": work_order.vehicle.plate, "question": question.strip()[:80]})
    return request


def expert_answer(*, request: ExpertRequest, actor: User, answer: str) -> ExpertRequest:
    if not actor.has_role(Role.TECHNICAL_EXPERT, Role.FOREMAN):
        raise ProcessError(_("Only a technical expert or the foreman answers."))
    if not answer.strip():
        raise ProcessError(_("Write the answer."))
    text_check(ExpertRequest, rule="REC-6", answer=answer)
    with transaction.atomic():
        updated = ExpertRequest.objects.filter(pk=request.pk, answered_at__isnull=True).update(
            answer=answer.strip(), answered_by=actor, answered_at=timezone.now())
        if updated != 1:
            raise ProcessError(_("This question has already been answered."))
        order = request.work_order
        work_order_note(work_order=order, actor=actor, rule="REC-6", message=N_("The expert answered."),
                        note=answer.strip())
        staff_tasks_close(work_order=order, keys=[f"expert-{request.pk}"], actor=actor)
        staff_task_create(store=order.store_id, assignee=request.asked_by, work_order=order,
                          key=f"expert-{request.pk}-answered",
                          link=reverse("reception:order", args=[order.pk]),
                          message=N_("The expert answered about %(plate)s"), params={"plate": order.vehicle.plate})
    request.refresh_from_db()
    return request
