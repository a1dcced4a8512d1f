"""Reads on PostgreSQL streaming replicas (issue 23, docs/scaling.md "Reads on replicas").

`DATABASE_REPLICA_URL` names one or more replicas (aliases `replica1`, `replica2`, ...). Nothing reads them
unless it asks: the managers' pages that only read (the dashboards, the compliance page, the exports and the
reports: `@reads_replica`) and the monthly report job (`reading_replica()`). Everything else, and every
write, goes to the primary.

A replica is used only when it is streaming, no more than `REPLICA_MAX_LAG_SECONDS` behind, and has replayed
the last write of the person asking: each write request (POST and the like) keeps the primary's WAL position
in the session, and a replica that has not reached it is passed over for the primary. So nobody sees their
own change vanish, however far a replica lags. A replica that cannot be reached is passed over too."""

from __future__ import annotations

import logging
import random
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from functools import wraps

from django.conf import settings
from django.db import DatabaseError, connections
from django.http import HttpRequest, HttpResponse

log = logging.getLogger(__name__)

PRIMARY = "default"
WROTE_AT = "wrote_at_lsn"  # the session key: the primary's WAL position after this person's last write
UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})

_reading: ContextVar[str | None] = ContextVar("replica_reading", default=None)

# Has this replica replayed the position given, and how far behind is it? Behind is 0 while it has replayed
# all it received (it is streaming, so what it received is the primary's latest but for the network), else
# the age of the last transaction it replayed. Not streaming (cut off from the primary, or not a replica at
# all): never used, whatever it says.
_STATE = """
SELECT EXISTS (SELECT 1 FROM pg_stat_wal_receiver WHERE status = 'streaming'),
       COALESCE(pg_last_wal_replay_lsn() >= %s::pg_lsn, false),
       CASE WHEN pg_last_wal_receive_lsn() = pg_last_wal_replay_lsn() THEN 0
            ELSE COALESCE(EXTRACT(EPOCH FROM now() - pg_last_xact_replay_timestamp()), 1e9) END
"""


def replicas() -> list[str]:
    return [alias for alias in settings.DATABASES if alias.startswith("replica")]


class ReplicaRouter:
    """Reads go where `reading_replica` pointed them (the primary outside it); writes and migrations go to
    the primary. Installed only when replicas are configured (dealership/settings.py)."""

    def db_for_read(self, model, **hints) -> str | None:
        return _reading.get()

    def db_for_write(self, model, **hints) -> str:
        return PRIMARY

    def allow_relation(self, obj1, obj2, **hints) -> bool:
        return True  # the same data, wherever it was read

    def allow_migrate(self, db: str, app_label: str, model_name: str | None = None, **hints) -> bool:
        return db == PRIMARY


def primary_position() -> str | None:
    """The primary's WAL position now (None when no replica is configured: nothing to wait for)."""
    if not replicas():
        return None
    with connections[PRIMARY].cursor() as cursor:
        cursor.execute("SELECT pg_current_wal_lsn()::text")
        return cursor.fetchone()[0]


def usable_replica(*, after: str | None = None) -> str | None:
    """A replica that may serve reads now (in random order, to share them out), or None for the primary."""
    aliases = replicas()
    random.shuffle(aliases)
    for alias in aliases:
        try:
            with connections[alias].cursor() as cursor:
                cursor.execute(_STATE, [after or "0/0"])
                streaming, caught_up, behind = cursor.fetchone()
        except DatabaseError as exc:
            log.warning("replica %s passed over: %s", alias, exc)
            connections[alias].close()
            continue
        if streaming and caught_up and float(behind) <= settings.REPLICA_MAX_LAG_SECONDS:
            return alias
        log.info("replica %s passed over: streaming=%s caught_up=%s behind=%.1fs", alias, streaming, caught_up,
                 float(behind))
    return None


@contextmanager
def reading_replica(*, after: str | None = None) -> Iterator[str | None]:
    """Reads inside go to a usable replica (or the primary); writes still go to the primary."""
    token = _reading.set(usable_replica(after=after) if replicas() else None)
    try:
        yield _reading.get()
    finally:
        _reading.reset(token)


def reading_from() -> str:
    """Where reads go now (the pages say so to a manager who wonders why a figure is a moment old)."""
    return _reading.get() or PRIMARY


def reads_replica(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """A page that only reads, served from a replica: after the person's own last write, and rendered inside
    (a template evaluates its querysets as it renders). Anything but GET and HEAD reads the primary."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if request.method not in ("GET", "HEAD") or not replicas():
            return view(request, *args, **kwargs)
        with reading_replica(after=request.session.get(WROTE_AT)):
            response = view(request, *args, **kwargs)
            if callable(getattr(response, "render", None)) and not getattr(response, "is_rendered", True):
                response.render()
            return response

    return wrapped


class ReadYourWritesMiddleware:
    """After a signed-in person's write request, keep the primary's WAL position in their session, so their
    next pages read a replica only once it has that write (`reads_replica`). Costs one query per write
    request, and nothing when no replica is configured."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if request.method in UNSAFE_METHODS and replicas() and getattr(request, "user", None) is not None \
                and request.user.is_authenticated:
            request.session[WROTE_AT] = primary_position()
        return response
