"""Celery tasks of stage 6. Each task calls a service; the database is the
record of what was done, so a retried or duplicated run creates nothing twice."""

from celery import shared_task

from dealership.sweeps import sweep_by_store

from .compliance import compliance_count, compliance_count_due
from .report import monthly_reports_generate_all
from .services import complaints_escalate_overdue, followup_tasks_create_due, reminders_send_due


# Each sweep: the beat's round split by store (dealership/sweeps.py), or a piece of it.
@shared_task(bind=True, name="followup.tasks.sweep_followup_tasks", time_limit=120, soft_time_limit=100)
def sweep_followup_tasks(self, store_ids: list[int] | None = None, round_: int | None = None) -> int:
    return sweep_by_store(self, store_ids=store_ids, round_=round_, empty=0,
                          work=lambda mine: followup_tasks_create_due(store_ids=mine))


@shared_task(bind=True, name="followup.tasks.sweep_complaints", time_limit=120, soft_time_limit=100)
def sweep_complaints(self, store_ids: list[int] | None = None, round_: int | None = None) -> int:
    return sweep_by_store(self, store_ids=store_ids, round_=round_, empty=0,
                          work=lambda mine: complaints_escalate_overdue(store_ids=mine))


@shared_task(bind=True, name="followup.tasks.sweep_reminders", time_limit=600, soft_time_limit=540)
def sweep_reminders(self, store_ids: list[int] | None = None, round_: int | None = None) -> int:
    return sweep_by_store(self, store_ids=store_ids, round_=round_, empty=0,
                          work=lambda mine: reminders_send_due(store_ids=mine))


@shared_task(name="followup.tasks.monthly_reports", time_limit=1800, soft_time_limit=1700)
def monthly_reports() -> int:
    return monthly_reports_generate_all()


@shared_task(name="followup.tasks.compliance_count_month", time_limit=1800, soft_time_limit=1700)
def compliance_count_month(month: str, store_ids: list[int] | None = None, trigger: str = "job") -> int:
    """Issue 21: count one month again (a manager asked, or a spot check was recorded)."""
    from datetime import date

    return compliance_count(month=date.fromisoformat(month), store_ids=store_ids, trigger=trigger).rows


@shared_task(name="followup.tasks.compliance_count", time_limit=3600, soft_time_limit=3500)
def compliance_count_job() -> int:
    """Issue 21: the month so far (and in the first week, the month before), every hour."""
    return compliance_count_due()
