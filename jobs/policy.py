"""The one retry policy of background work, whichever engine runs it (settings ``TASKS_*``)."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings

MAX_BACKOFF_SECONDS = 3600


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
