"""Celery tasks of stage 1. Each calls a service; the database records what
was done, so a duplicated or retried run sends nothing twice."""

import logging

from celery import shared_task

from dealership.sweeps import sweep_by_store

from .confirmations import confirmations_sweep
from .offers import offer_message_deliver, offers_sweep
from .services import appointments_mark_no_shows

log = logging.getLogger(__name__)


CONFIRMATION_COUNTS = ("claimed", "queued", "sent", "calls", "failed", "skipped", "alerts")


def _confirmations(store_ids: list[int]) -> dict:
    result = confirmations_sweep(store_ids=store_ids)
    return {name: getattr(result, name) for name in CONFIRMATION_COUNTS}


# Each sweep: the beat's round split by store (dealership/sweeps.py), or a piece of it, or a wake-up for a store.
@shared_task(bind=True, name="appointments.tasks.sweep_confirmations", time_limit=300, soft_time_limit=270)
def sweep_confirmations(self, store_ids: list[int] | None = None, round_: int | None = None) -> dict:
    return sweep_by_store(self, store_ids=store_ids, round_=round_, work=_confirmations,
                          empty=dict.fromkeys(CONFIRMATION_COUNTS, 0))


@shared_task(bind=True, name="appointments.tasks.sweep_no_shows", time_limit=120, soft_time_limit=100)
def sweep_no_shows(self, store_ids: list[int] | None = None, round_: int | None = None) -> int:
    return sweep_by_store(self, store_ids=store_ids, round_=round_, empty=0,
                          work=lambda mine: appointments_mark_no_shows(store_ids=mine))


def wake_confirmations(store_id: int | None = None) -> None:
    """After a booking commits: sweep its store now instead of at the next beat.
    If the broker is down only the wake-up is lost; the next beat finds the
    work in the database."""
    try:
        sweep_confirmations.delay(store_ids=[store_id] if store_id else None)
    except Exception:  # noqa: BLE001 - the broker being down must not fail a booking
        log.warning("broker unavailable; confirmations wait for the next beat", exc_info=True)


@shared_task(name="appointments.tasks.send_offer", time_limit=60, soft_time_limit=50)
def send_offer(offer_id: int) -> bool:
    """APT-10: the new times offered after the shop cancelled, sent after commit."""
    return offer_message_deliver(offer_id=offer_id)


def _offers(store_ids: list[int]) -> dict:
    result = offers_sweep(store_ids=store_ids)
    return {"sent": result.sent, "calls": result.calls}


@shared_task(bind=True, name="appointments.tasks.sweep_offers", time_limit=300, soft_time_limit=270)
def sweep_offers(self, store_ids: list[int] | None = None, round_: int | None = None) -> dict:
    """APT-10: offer messages whose wake-up was lost, and a call task for each
    customer who has not answered in time."""
    return sweep_by_store(self, store_ids=store_ids, round_=round_, work=_offers, empty={"sent": 0, "calls": 0})


def wake_offer(offer_id: int) -> None:
    """After a shop's cancellation commits: send its message now. If the broker
    is down, the sweep sends it at the next beat."""
    try:
        send_offer.delay(offer_id)
    except Exception:  # noqa: BLE001 - the broker being down must not fail a cancellation
        log.warning("broker unavailable; offer %s waits for the next beat", offer_id, exc_info=True)
