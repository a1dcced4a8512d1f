"""Writes of stage 6: the follow-up sweep and recording a call."""

from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from dealership.errors import ProcessError
from dealership.messages import N_
from dealership.models import Role, User, WorkOrder
from dealership.services import work_order_transition
from settlement.models import GatePass

from .models import FollowUpCall, FollowUpTask

SWEEP_BATCH = 2000


def followup_tasks_create_due(*, batch: int = SWEEP_BATCH) -> int:
    """FU-1: a call task for every delivered order, due within the store's
    window after delivery. Exactly once per order, however often and however
    concurrently it runs: the task's one-to-one key refuses a second row."""
    created = 0
    while True:
        passes = list(
            GatePass.objects.filter(work_order__status=WorkOrder.Status.DELIVERED,
                                    work_order__followup_task__isnull=True)
            .select_related("store").order_by("id")[:batch]
        )
        if not passes:
            return created
        before = FollowUpTask.objects.filter(work_order_id__in=[p.work_order_id for p in passes]).count()
        FollowUpTask.objects.bulk_create(
            [FollowUpTask(store_id=p.store_id, work_order_id=p.work_order_id,
                          due_from=p.issued_at + timedelta(days=p.store.followup_due_min_days),
                          due_by=p.issued_at + timedelta(days=p.store.followup_due_max_days))
             for p in passes],
            ignore_conflicts=True,
        )
        after = FollowUpTask.objects.filter(work_order_id__in=[p.work_order_id for p in passes]).count()
        created += after - before
        if len(passes) < batch:
            return created


def followup_call_record(*, task: FollowUpTask, agent: User, reached: bool, channel: str,
                         satisfaction: int | None, customer_words: str, complaint: bool) -> FollowUpCall:
    """Record a call (FU-2). A reached customer's answer closes the task and the
    work order; an unreached one counts as an attempt."""
    if not agent.has_role(Role.FOLLOWUP_AGENT):
        raise ProcessError(_("Only a follow-up agent can record a call."))
    if reached and satisfaction is None:
        raise ProcessError(_("Record the customer's satisfaction."), rule="FU-2")
    if reached and not customer_words.strip():
        raise ProcessError(_("Write down what the customer said, in full, satisfied or not."), rule="FU-2")
    with transaction.atomic():
        locked = FollowUpTask.objects.select_for_update().select_related("work_order").get(pk=task.pk)
        if locked.status == FollowUpTask.Status.DONE:
            raise ProcessError(_("This follow-up is already done."))
        call = FollowUpCall.objects.create(
            store_id=locked.store_id, task=locked, agent=agent, channel=channel, reached=reached,
            satisfaction=satisfaction if reached else None, customer_words=customer_words.strip(),
            complaint=complaint)
        locked.attempts += 1
        if reached:
            locked.status = FollowUpTask.Status.DONE
            locked.done_at = timezone.now()
            work_order_transition(work_order=locked.work_order, to=WorkOrder.Status.CLOSED, actor=agent,
                                  message=N_("Follow-up done: satisfaction %(s)s/5."), params={"s": satisfaction})
        locked.save(update_fields=["attempts", "status", "done_at"])
    return call


def is_overdue(task: FollowUpTask, now: datetime | None = None) -> bool:
    return task.status == FollowUpTask.Status.OPEN and task.due_by < (now or timezone.now())
