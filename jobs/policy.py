"""The one retry policy of background work, whichever engine runs it (settings ``TASKS_*``)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import TypeVar

from django.conf import settings

MAX_BACKOFF_SECONDS = 3600
_TIMEOUTS: dict[str, int] = {}  # task path → its own limit (``timeout``)
T = TypeVar("T")


def max_attempts() -> int:
    return max(1, settings.TASKS_MAX_ATTEMPTS)


def backoff(attempt: int) -> timedelta:
    """The wait before the attempt after ``attempt`` (1-based): the base, doubled at each failure, at most an hour."""
    return timedelta(seconds=min(settings.TASKS_RETRY_BACKOFF * 2 ** (attempt - 1), MAX_BACKOFF_SECONDS))


def retry_intervals() -> list[int]:
    """The same waits as seconds, for engines that take them as a list (RQ's ``Retry``)."""
    return [int(backoff(attempt).total_seconds()) for attempt in range(1, max_attempts())]


def lease() -> timedelta:
    return timedelta(seconds=settings.TASKS_LEASE_SECONDS)


def heartbeat_seconds() -> float:
    return float(settings.TASKS_HEARTBEAT_SECONDS)


def timeout_seconds(task_path: str) -> int:
    """How long one attempt of the task at ``task_path`` may run before it is stopped and counted as failed:
    its own limit, else ``TASKS_TIMEOUT_SECONDS``."""
    return _TIMEOUTS.get(task_path, settings.TASKS_TIMEOUT_SECONDS)


def timeout(seconds: int) -> Callable[[T], T]:
    """A task's own time limit, put over its ``@task()``: ``@timeout(30)`` then ``@task()``."""

    def register(task: T) -> T:
        _TIMEOUTS[task.module_path] = seconds
        return task

    return register
