"""The core's Celery tasks, where the worker's autodiscovery finds them (`<app>.tasks`); each is safe to run
twice."""

from celery import shared_task

from .catalogue import price_changes_apply
from .imports.tasks import import_check_task, import_write_task

__all__ = ["apply_price_changes", "import_check_task", "import_write_task"]


@shared_task(name="dealership.tasks.apply_price_changes", time_limit=300, soft_time_limit=270)
def apply_price_changes() -> int:
    """SET-3: a price change whose day has come moves the catalogue's price of today."""
    return price_changes_apply()
