"""Two transactions at once, for the tests that prove a write does not wait for another one (PostgreSQL only)."""

from __future__ import annotations

import threading
from collections.abc import Callable

from django.db import connection, transaction


def finishes_while_open(first: Callable[[], object], second: Callable[[], object], *, timeout: float = 3) -> bool:
    """Run ``first`` in a transaction left open, then ``second`` in a transaction of its own, each on a thread with
    its own connection: did ``second`` commit while the first transaction was still open? Both commit in the end."""
    done_first, release = threading.Event(), threading.Event()

    def hold() -> None:
        with transaction.atomic():
            first()
            done_first.set()
            release.wait(timeout + 10)

    def quick() -> None:
        with transaction.atomic():
            second()

    holder = _thread(hold)
    done_first.wait(10)
    other = _thread(quick)
    other.join(timeout)
    finished = not other.is_alive()
    release.set()
    holder.join()
    other.join()
    return finished


def _thread(work: Callable[[], None]) -> threading.Thread:
    def run() -> None:
        try:
            work()
        finally:
            connection.close()

    thread = threading.Thread(target=run)
    thread.start()
    return thread
