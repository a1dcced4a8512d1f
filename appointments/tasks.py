"""Celery tasks of stage 1. Each calls a service; the database records what
was done, so a duplicated or retried run sends nothing twice."""

import logging

from celery import shared_task

from .confirmations import confirmations_sweep
from .services import appointments_mark_no_shows

log = logging.getLogger(__name__)


@shared_task(name="appointments.tasks.sweep_confirmations", time_limit=300, soft_time_limit=270)
def sweep_confirmations() -> dict:
    result = confirmations_sweep()
    return {"claimed": result.claimed, "sent": result.sent, "calls": result.calls, "failed": result.failed,
            "skipped": result.skipped, "alerts": result.alerts}


@shared_task(name="appointments.tasks.sweep_no_shows", time_limit=120, soft_time_limit=100)
def sweep_no_shows() -> int:
    return appointments_mark_no_shows()


def wake_confirmations() -> None:
    """After a booking commits: wake the sweep now instead of at the next beat.
    If the broker is down only the wake-up is lost; the next beat finds the
    work in the database."""
    try:
        sweep_confirmations.delay()
    except Exception:  # noqa: BLE001 - the broker being down must not fail a booking
        log.warning("broker unavailable; confirmations wait for the next beat", exc_info=True)
