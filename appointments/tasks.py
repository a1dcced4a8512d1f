"""Celery tasks of stage 1. Each calls a service; the database records what
was done, so a duplicated or retried run sends nothing twice."""

import logging

from celery import shared_task

from .confirmations import confirmations_sweep
from .offers import offer_message_deliver, offers_sweep
from .services import appointments_mark_no_shows

log = logging.getLogger(__name__)


@shared_task(name="appointments.tasks.sweep_confirmations", time_limit=300, soft_time_limit=270)
def sweep_confirmations() -> dict:
    result = confirmations_sweep()
    return {"claimed": result.claimed, "queued": result.queued, "sent": result.sent, "calls": result.calls, "failed": result.failed,
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


@shared_task(name="appointments.tasks.send_offer", time_limit=60, soft_time_limit=50)
def send_offer(offer_id: int) -> bool:
    """APT-10: the new times offered after the shop cancelled, sent after commit."""
    return offer_message_deliver(offer_id=offer_id)


@shared_task(name="appointments.tasks.sweep_offers", time_limit=300, soft_time_limit=270)
def sweep_offers() -> dict:
    """APT-10: offer messages whose wake-up was lost, and a call task for each
    customer who has not answered in time."""
    result = offers_sweep()
    return {"sent": result.sent, "calls": result.calls}


def wake_offer(offer_id: int) -> None:
    """After a shop's cancellation commits: send its message now. If the broker
    is down, the sweep sends it at the next beat."""
    try:
        send_offer.delay(offer_id)
    except Exception:  # noqa: BLE001 - the broker being down must not fail a cancellation
        log.warning("broker unavailable; offer %s waits for the next beat", offer_id, exc_info=True)
