"""Reads of background work for the staff panel (administrators only: task arguments are ids, not health data)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from accounts.choices import StaffRole
from jobs import monitor

JOBS_ROLES = (StaffRole.ADMINISTRATOR,)


@dataclass(frozen=True)
class Overview:
    engine: str
    workers: list[monitor.LiveWorker]
    waiting: int
    oldest_waiting: timedelta | None
    failed: int
    dead_letters: list[monitor.DeadLetter]

    @property
    def oldest_minutes(self) -> int | None:
        return None if self.oldest_waiting is None else int(self.oldest_waiting.total_seconds() // 60)


def overview() -> Overview:
    engine = monitor.engine()
    waiting, oldest = engine.waiting()
    failed, letters = engine.dead_letters()
    return Overview(engine.name, engine.workers(), waiting, oldest, failed, letters)


def dead_letter_count() -> int:
    return monitor.engine().dead_letters()[0]
