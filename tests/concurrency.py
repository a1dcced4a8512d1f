"""Running the same action from several people at the same moment: one thread
and one database connection each, released together by a barrier (the
"two at once" tests run these against PostgreSQL in CI)."""

import threading

from django.db import connection

from dealership.errors import ProcessError


def at_once(action, items, refused=(ProcessError,)) -> list[str]:
    """action(item) for every item at once; "ok" or "refused" for each, in the order they finished."""
    barrier = threading.Barrier(len(items))
    results: list[str] = []

    def attempt(item):
        try:
            barrier.wait()
            action(item)
            results.append("ok")
        except refused:
            results.append("refused")
        finally:
            connection.close()

    threads = [threading.Thread(target=attempt, args=(item,)) for item in items]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results
