"""Running service calls at the same moment in several threads."""

from __future__ import annotations

import threading
from collections.abc import Callable

from django.db import connection

TIMEOUT_SECONDS = 10


def run_together(*calls: Callable[[], object]) -> list[object]:
    """Run each call in its own thread, all released at once by a barrier.

    Returns each call's outcome, in the order of `calls`: its return value or the
    exception it raised. Each thread has its own database connection and closes it.
    """
    barrier = threading.Barrier(len(calls), timeout=TIMEOUT_SECONDS)
    outcomes: list[object] = [None] * len(calls)

    def run(index: int, call: Callable[[], object]) -> None:
        try:
            barrier.wait()
            outcomes[index] = call()
        except Exception as error:  # the outcome under test
            outcomes[index] = error
        finally:
            connection.close()

    threads = [
        threading.Thread(target=run, args=(index, call))
        for index, call in enumerate(calls)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(TIMEOUT_SECONDS)
    assert not any(thread.is_alive() for thread in threads), "a thread hung"
    return outcomes


def pause(seconds: float) -> None:
    threading.Event().wait(seconds)
