"""The Celery tasks of an import: each claims its ImportRun before it acts (services), so a task delivered twice
does nothing the second time."""

from celery import shared_task

from .run import import_check, import_write


@shared_task(name="dealership.imports.check", time_limit=600, soft_time_limit=570)
def import_check_task(run_id: int) -> None:
    import_check(run_id)


@shared_task(name="dealership.imports.write", time_limit=900, soft_time_limit=870)
def import_write_task(run_id: int) -> None:
    import_write(run_id)
