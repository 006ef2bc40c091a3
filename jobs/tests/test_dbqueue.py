"""The embedded queue's lease and retry rules, without worker processes (tests/faults runs the real ones)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from django_tasks_db.compat import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from jobs import dbqueue
from jobs.models import WorkerHeartbeat

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _policy(settings):
    settings.TASKS_MAX_ATTEMPTS, settings.TASKS_RETRY_BACKOFF, settings.TASKS_LEASE_SECONDS = 3, 10, 60


def running(*workers: str, minutes_ago: int = 5) -> DBTaskResult:
    return DBTaskResult.objects.create(
        status=TaskResultStatus.RUNNING,
        args_kwargs={"args": [], "kwargs": {}},
        task_path="privacy.tasks.build_export",
        backend_name="default",
        run_after=timezone.now(),
        started_at=timezone.now() - timedelta(minutes=minutes_ago),
        worker_ids=list(workers),
    )


def beat(worker: str, task: DBTaskResult | None, seconds_ago: int = 1) -> None:
    now = timezone.now()
    WorkerHeartbeat.objects.create(
        worker_id=worker,
        host="h",
        pid=1,
        task_id=str(task.id) if task else "",
        started_at=now,
        last_seen=now - timedelta(seconds=seconds_ago),
    )


def test_a_task_whose_worker_went_silent_is_retried_after_a_backoff():
    task = running("w1")
    beat("w1", task, seconds_ago=300)
    assert dbqueue.requeue_expired() == 1
    task.refresh_from_db()
    assert task.status == TaskResultStatus.READY and task.exception_class_path == dbqueue.WORKER_LOST
    assert timedelta(seconds=9) < task.run_after - timezone.now() <= timedelta(seconds=10)


def test_a_task_its_live_worker_still_names_is_left_alone():
    task = running("w1")
    beat("w1", task)
    assert dbqueue.requeue_expired() == 0


def test_a_live_worker_that_lost_track_of_its_task_gives_it_back():
    running("w1")
    beat("w1", None)  # alive, but running nothing (a database outage cut it off while settling the task)
    assert dbqueue.requeue_expired() == 1


def test_a_task_just_started_is_within_its_lease():
    running("w1", minutes_ago=0)
    assert dbqueue.requeue_expired() == 0


def test_the_last_attempt_lost_is_a_dead_letter_and_a_rerun_resets_the_attempts():
    task = running("w1", "w2", "w3")
    assert dbqueue.requeue_expired() == 1
    task.refresh_from_db()
    assert task.status == TaskResultStatus.FAILED
    assert dbqueue.rerun(str(task.id)).status == TaskResultStatus.READY
    task.refresh_from_db()
    assert task.worker_ids == [] and dbqueue.rerun(str(task.id)) is None


def test_a_task_has_the_default_time_limit_unless_it_sets_its_own(settings):
    from jobs import policy
    from tests.faults.tasks import mark, sleeps

    settings.TASKS_TIMEOUT_SECONDS = 300
    assert policy.timeout_seconds(mark.module_path) == 300
    assert policy.timeout_seconds(sleeps.module_path) == 2


def test_the_wait_after_a_database_blip_starts_again_at_each_new_outage(monkeypatch):
    """Waits double while an outage lasts (the database fails at once again), and start from 1 s at an outage
    that follows a while of work: a hundred restarts had left the worker sleeping 30 s after each."""
    import threading

    from django.db import OperationalError

    from jobs import worker as module

    clock, waits = [0.0], []
    lasted = iter([0.0, 0.0, 0.0, 50.0])  # seconds each run works before the database fails; then it stops

    def run(self) -> None:
        try:
            clock[0] += next(lasted)
        except StopIteration:
            return
        raise OperationalError("the database system is shutting down")

    monkeypatch.setattr(module.DatabaseWorker, "run", run)
    monkeypatch.setattr(module.time, "monotonic", lambda: clock[0])
    monkeypatch.setattr(module.time, "sleep", waits.append)
    worker = object.__new__(module.Worker)
    worker.running, worker.worker_id, worker.startup_delay, worker.current_task_id = True, "w", True, ""
    worker._stopped = threading.Event()
    monkeypatch.setattr(module.Worker, "_heartbeat_loop", lambda self: None)
    monkeypatch.setattr(module.Worker, "_forget", lambda self: None)
    worker.run()
    assert waits == [1.0, 2.0, 4.0, 1.0]
