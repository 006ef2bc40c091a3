"""Tasks the fault tests run in real workers. Each takes a folder and leaves files a test can count: one line per
run in ``runs`` and, for the effect, one file created exclusively (so doing the work twice shows)."""

from __future__ import annotations

import os
import time
from pathlib import Path

from django_tasks import task

from jobs.policy import timeout


def _run(folder: str, key: str) -> int:
    runs = Path(folder) / f"{key}.runs"
    with runs.open("a") as handle:
        handle.write(f"{os.getpid()} {time.time()}\n")
    return len(runs.read_text().splitlines())


def _effect(folder: str, key: str) -> None:
    done = Path(folder) / f"{key}.done"
    if done.exists():  # idempotent: a task taken again does not do its work twice
        return
    with done.open("x") as handle:
        handle.write("done")


@task()
def mark(folder: str, key: str, first_run_sleeps: float = 0) -> None:
    """The effect, once; the first run may sleep (so a test can kill the worker in the middle)."""
    if _run(folder, key) == 1 and first_run_sleeps:
        time.sleep(first_run_sleeps)
    _effect(folder, key)


@task()
def fails_until(folder: str, key: str, succeeding_run: int) -> None:
    """Raises until its ``succeeding_run``-th run, then does the effect."""
    if _run(folder, key) < succeeding_run:
        raise RuntimeError(f"{key}: failing on purpose")
    _effect(folder, key)


@timeout(2)
@task()
def sleeps(folder: str, key: str, runs_that_sleep: int) -> None:
    """Sleeps far past its own 2 s limit in its first ``runs_that_sleep`` runs, then does the effect."""
    if _run(folder, key) <= runs_that_sleep:
        time.sleep(600)
    _effect(folder, key)
