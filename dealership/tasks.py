"""The core's Celery tasks (beat runs them; each is safe to run twice)."""

from celery import shared_task

from .catalogue import price_changes_apply


@shared_task(name="dealership.tasks.apply_price_changes", time_limit=300, soft_time_limit=270)
def apply_price_changes() -> int:
    """SET-3: a price change whose day has come moves the catalogue's price of today."""
    return price_changes_apply()
