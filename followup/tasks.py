"""Celery tasks of stage 6. Each task calls a service; the database is the
record of what was done, so a retried or duplicated run creates nothing twice."""

from celery import shared_task

from .services import followup_tasks_create_due


@shared_task(name="followup.tasks.sweep_followup_tasks", time_limit=120, soft_time_limit=100)
def sweep_followup_tasks() -> int:
    return followup_tasks_create_due()
