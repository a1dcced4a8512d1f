"""Beat sweeps split by store (issue 23, docs/scaling.md "Sweeps split by store").

A sweep the beat sends (`sweep_confirmations()`, no arguments) is a round: the time over the sweep's period. Its
first worker splits the stores into pieces of `SWEEP_STORES_PER_TASK` and sends each piece as a task of its own to
the sweeps queue, so that every worker on that queue takes a share (one piece alone is swept there and then).
Whoever takes a piece claims its stores for the round first, in one short transaction (`SweepStore.last_round`,
rows locked and skipped when another worker holds them): a round sent twice, a piece delivered twice, or two beats
at once sweep each store once. The work itself stays as safe to repeat as it was (each sweep's own claims and
unique keys): a worker that dies half-way leaves its stores to the next round, which finds the work still due.

A wake-up for one store (a booking's confirmation, sent after its commit) sweeps that store at once, outside the
rounds."""

from __future__ import annotations

import logging
import os
import socket
import time
from collections.abc import Callable
from typing import TypeVar

from celery import current_task
from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from .models import Store, SweepStore

log = logging.getLogger(__name__)
T = TypeVar("T")
DEFAULT_PERIOD = 60.0


def sweep_period(name: str) -> float:
    """The sweep's period in the beat schedule (seconds; a crontab counts as a minute)."""
    from . import celery_app  # noqa: PLC0415 - the app imports the tasks that import this module

    for entry in celery_app.conf.beat_schedule.values():
        if entry["task"] == name:
            schedule = entry["schedule"]
            return float(schedule) if isinstance(schedule, int | float) else DEFAULT_PERIOD
    return DEFAULT_PERIOD


def round_now(name: str) -> int:
    return int(time.time() // sweep_period(name))


def _worker() -> str:
    request = getattr(current_task, "request", None)
    return (getattr(request, "hostname", None) or f"{socket.gethostname()}:{os.getpid()}")[:120]


def sweep_claim(name: str, store_ids: list[int], round_: int) -> list[int]:
    """The stores of `store_ids` whose share of round `round_` nobody has taken yet, taken now for this worker."""
    SweepStore.objects.bulk_create([SweepStore(sweep=name, store_id=pk) for pk in store_ids], ignore_conflicts=True)
    with transaction.atomic():
        mine = list(SweepStore.objects.select_for_update(skip_locked=True).filter(
            sweep=name, store_id__in=store_ids, last_round__lt=round_).values_list("store_id", flat=True))
        if mine:
            SweepStore.objects.filter(sweep=name, store_id__in=mine).update(
                last_round=round_, runs=F("runs") + 1, worker=_worker(), started_at=timezone.now(), finished_at=None)
    return sorted(mine)


def sweep_by_store(task, *, store_ids: list[int] | None, round_: int | None, work: Callable[[list[int]], T],
                   empty: T) -> T:
    """Run one call of a sweep task: the beat's (split the stores, or sweep them when they make one piece), a
    piece's (claim, then sweep what was claimed), or a wake-up's (the stores named, at once)."""
    name = task.name
    if store_ids is not None and round_ is None:  # a wake-up
        return work(store_ids)
    if store_ids is None:  # the beat: a new round
        round_ = round_now(name)
        stores = list(Store.objects.order_by("id").values_list("pk", flat=True))
        size = max(1, settings.SWEEP_STORES_PER_TASK)
        pieces = [stores[i:i + size] for i in range(0, len(stores), size)]
        if len(pieces) > 1:
            for piece in pieces:
                task.apply_async(kwargs={"store_ids": piece, "round_": round_})
            log.info("%s round %s: %s stores in %s pieces", name, round_, len(stores), len(pieces))
            return empty
        store_ids = stores
    mine = sweep_claim(name, store_ids, round_)
    if not mine:
        return empty
    result = work(mine)
    SweepStore.objects.filter(sweep=name, store_id__in=mine, last_round=round_).update(finished_at=timezone.now())
    return result


def in_stores(queryset, store_ids: list[int] | None, field: str = "store_id"):
    """The sweep's rows of the stores it was given (all of them when None)."""
    return queryset if store_ids is None else queryset.filter(**{f"{field}__in": store_ids})
