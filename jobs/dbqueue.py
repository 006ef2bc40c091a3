"""The embedded queue's fault handling, around django-tasks-db's table (``DBTaskResult``).

- attempts: each claim appends the worker's id to ``worker_ids``, so their number is the attempt count;
- retry: a failed attempt goes back to READY with ``run_after`` pushed by the backoff, until the last attempt,
  which stays FAILED: the dead letter staff see and can re-run;
- lease: a RUNNING task whose worker's heartbeat has not named it for ``TASKS_LEASE_SECONDS`` (the worker was
  killed, or lost track of it in a database outage) counts as a failed attempt and is retried the same way.
"""

from __future__ import annotations

import logging
from datetime import datetime

from django.db import transaction
from django.utils import timezone
from django_tasks_db.compat import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from jobs import policy
from jobs.models import WorkerHeartbeat

logger = logging.getLogger(__name__)

WORKER_LOST = "jobs.dbqueue.WorkerLost"


class WorkerLost(Exception):  # noqa: N818 - the name staff read in the dead-letter list
    """The worker running the task stopped answering before it finished."""


class TaskTimedOut(BaseException):  # noqa: N818 - the name staff read in the dead-letter list
    """The attempt ran longer than its task's time limit and was stopped. A ``BaseException``, so that a task's own
    ``except Exception`` cannot swallow it and run on."""


def attempts(result: DBTaskResult) -> int:
    return len(result.worker_ids)


def retry_or_bury(result: DBTaskResult, *, now: datetime | None = None) -> bool:
    """After a failed attempt: back to the queue with backoff (True), or left FAILED as a dead letter (False)."""
    done = attempts(result)
    if done >= policy.max_attempts():
        logger.error("Task %s (%s) failed %d times: dead letter.", result.id, result.task_path, done)
        return False
    now = now or timezone.now()
    DBTaskResult.objects.filter(id=result.id).update(
        status=TaskResultStatus.READY, run_after=now + policy.backoff(done), finished_at=None
    )
    logger.warning("Task %s (%s) failed (attempt %d): retried later.", result.id, result.task_path, done)
    return True


def requeue_expired(*, now: datetime | None = None) -> int:
    """Take back every running task whose lease expired; the number taken back."""
    now = now or timezone.now()
    cutoff = now - policy.lease()
    held = set(
        WorkerHeartbeat.objects.filter(last_seen__gte=cutoff).exclude(task_id="").values_list("worker_id", "task_id")
    )
    expired = [
        result.id
        for result in DBTaskResult.objects.running().filter(started_at__lt=cutoff).only("id", "worker_ids")
        if (result.worker_ids[-1] if result.worker_ids else "", str(result.id)) not in held
    ]
    return sum(_take_back(task_id, now) for task_id in expired)


@transaction.atomic
def _take_back(task_id, now: datetime) -> bool:
    result = DBTaskResult.objects.select_for_update().filter(id=task_id, status=TaskResultStatus.RUNNING).first()
    if result is None:
        return False
    result.status, result.finished_at = TaskResultStatus.FAILED, now
    result.exception_class_path = WORKER_LOST
    result.traceback = f"{WorkerLost.__doc__} (worker {result.worker_ids[-1] if result.worker_ids else '?'})"
    result.save(update_fields=["status", "finished_at", "exception_class_path", "traceback"])
    retry_or_bury(result, now=now)
    return True


@transaction.atomic
def rerun(task_id: str) -> DBTaskResult | None:
    """Put a dead letter back in the queue with its attempts reset; None when it is not a dead letter."""
    result = DBTaskResult.objects.select_for_update().filter(id=task_id, status=TaskResultStatus.FAILED).first()
    if result is None:
        return None
    result.status, result.run_after, result.finished_at = TaskResultStatus.READY, timezone.now(), None
    result.worker_ids = []
    result.save(update_fields=["status", "run_after", "finished_at", "worker_ids"])
    return result
