"""The replica tests run against a real streaming replica (scripts/replica.sh): `.ci/run` starts one on port 5433
and runs this folder with DATABASE_REPLICA_URL pointing at it, REQUIRE_REPLICA=1. Without a replica configured
they are left out of the run (a laptop's `make test`, and the suite's main run in CI, where the pages must read
what the test itself has not committed); with REQUIRE_REPLICA=1 and none configured, the run fails."""

import os
import time

import pytest
from django.db import connections

from dealership.replicas import replicas


def pytest_collection_modifyitems(config, items):
    here = [item for item in items if "tests/replicas/" in str(item.fspath)]
    if not here or replicas():
        return
    if os.environ.get("REQUIRE_REPLICA") == "1":
        raise pytest.UsageError("REQUIRE_REPLICA=1 but DATABASE_REPLICA_URL names no replica")
    config.hook.pytest_deselected(items=here)
    items[:] = [item for item in items if item not in here]



def wait_for_replica(alias: str = "replica1", seconds: float = 20) -> None:
    """Until the replica has replayed everything the primary has written so far."""
    with connections["default"].cursor() as cursor:
        cursor.execute("SELECT pg_current_wal_lsn()::text")
        target = cursor.fetchone()[0]
    deadline = time.monotonic() + seconds
    while True:
        try:
            with connections[alias].cursor() as cursor:
                cursor.execute("SELECT pg_last_wal_replay_lsn() >= %s::pg_lsn", [target])
                if cursor.fetchone()[0]:
                    return
        except Exception:  # the test database itself may not have arrived yet
            connections[alias].close()
            if time.monotonic() > deadline:
                raise
        if time.monotonic() > deadline:
            raise AssertionError(f"{alias} did not replay up to {target} in {seconds} s")
        time.sleep(0.05)


@pytest.fixture
def replica(transactional_db, django_db_blocker):
    """The replica, caught up with what the test set up; its replay is resumed after the test whatever happens."""
    wait_for_replica()
    yield "replica1"
    with connections["replica1"].cursor() as cursor:
        cursor.execute("SELECT pg_wal_replay_resume()")


def pause_replay(alias: str = "replica1") -> None:
    with connections[alias].cursor() as cursor:
        cursor.execute("SELECT pg_wal_replay_pause()")
        # pausing takes effect at the next record: wait until it has
        for _ in range(200):
            cursor.execute("SELECT pg_get_wal_replay_pause_state()")
            if cursor.fetchone()[0] == "paused":
                return
            time.sleep(0.02)
    raise AssertionError("the replica did not pause")
