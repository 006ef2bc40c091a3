"""What staff and /healthz see of background work, whichever engine runs it: live workers, the oldest waiting
task's age, the dead letters (tasks that failed their last attempt) and re-running one."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.utils import timezone
from django_tasks import DEFAULT_TASK_BACKEND_ALIAS, task_backends

from jobs import policy

DEAD_LETTERS_SHOWN = 50


@dataclass(frozen=True)
class LiveWorker:
    name: str
    host: str
    pid: int
    last_seen: datetime | None
    task_id: str


@dataclass(frozen=True)
class DeadLetter:
    id: str
    task: str
    args: str
    attempts: int
    error: str
    failed_at: datetime | None


def uses_rq() -> bool:
    return type(task_backends[DEFAULT_TASK_BACKEND_ALIAS]).__name__ == "RQBackend"


def engine():
    return RQMonitor() if uses_rq() else DatabaseMonitor()


class DatabaseMonitor:
    name = "database"

    def workers(self) -> list[LiveWorker]:
        from jobs.models import WorkerHeartbeat

        alive = WorkerHeartbeat.objects.filter(last_seen__gte=timezone.now() - policy.lease())
        return [LiveWorker(w.worker_id, w.host, w.pid, w.last_seen, w.task_id) for w in alive]

    def waiting(self) -> tuple[int, timedelta | None]:
        from django.db.models import Count, Min
        from django_tasks_db.models import DBTaskResult

        found = DBTaskResult.objects.ready().aggregate(n=Count("id"), oldest=Min("enqueued_at"))
        return found["n"], (timezone.now() - found["oldest"]) if found["oldest"] else None

    def dead_letters(self) -> tuple[int, list[DeadLetter]]:
        from django_tasks_db.models import DBTaskResult

        failed = DBTaskResult.objects.failed().order_by("-finished_at")
        shown = [
            DeadLetter(
                str(r.id),
                r.task_path,
                str(r.args_kwargs)[:200],
                len(r.worker_ids),
                r.exception_class_path,
                r.finished_at,
            )
            for r in failed[:DEAD_LETTERS_SHOWN]
        ]
        return failed.count(), shown

    def rerun(self, task_id: str) -> DeadLetter | None:
        from django.core.exceptions import ValidationError

        from jobs import dbqueue

        try:
            result = dbqueue.rerun(task_id)
        except ValidationError:  # not a task id
            result = None
        if result is None:
            return None
        return DeadLetter(str(result.id), result.task_path, "", 0, result.exception_class_path, result.finished_at)


class RQMonitor:
    name = "rq"

    def _queues(self):
        import django_rq

        return [django_rq.get_queue(name) for name in django_rq.settings.QUEUES]

    def workers(self) -> list[LiveWorker]:
        import django_rq
        from rq import Worker

        found = Worker.all(connection=django_rq.get_connection())
        return [
            LiveWorker(w.name, w.hostname or "", w.pid or 0, w.last_heartbeat, w.get_current_job_id() or "")
            for w in found
        ]

    def waiting(self) -> tuple[int, timedelta | None]:
        count, oldest = 0, None
        for queue in self._queues():
            count += queue.count
            first = queue.get_jobs(0, 0)
            if first and first[0].enqueued_at:
                at = first[0].enqueued_at
                at = at if timezone.is_aware(at) else timezone.make_aware(at, timezone.utc)
                oldest = at if oldest is None else min(oldest, at)
        return count, (timezone.now() - oldest) if oldest else None

    def dead_letters(self) -> tuple[int, list[DeadLetter]]:
        from rq.job import Job

        total, shown = 0, []
        for queue in self._queues():
            registry = queue.failed_job_registry
            total += registry.count
            ids = registry.get_job_ids(0, DEAD_LETTERS_SHOWN - 1)
            for job in Job.fetch_many(ids, connection=queue.connection):
                if job is not None:
                    shown.append(_rq_letter(job))
        return total, shown[:DEAD_LETTERS_SHOWN]

    def rerun(self, task_id: str) -> DeadLetter | None:
        from rq.exceptions import InvalidJobOperation, NoSuchJobError

        for queue in self._queues():
            if task_id in queue.failed_job_registry:
                try:
                    job = queue.fetch_job(task_id)
                    job.retries_left = policy.max_attempts() - 1  # a fresh set of attempts, as on the database
                    job.save()
                    return _rq_letter(queue.failed_job_registry.requeue(job))
                except (InvalidJobOperation, NoSuchJobError, AttributeError):
                    return None
        return None


def _rq_letter(job) -> DeadLetter:
    results = job.results()
    return DeadLetter(
        job.id,
        job.func_name or "",
        str({"args": list(job.args), "kwargs": job.kwargs})[:200],
        len(results) or 1,
        (job.meta.get("_django_tasks_rq_exceptions") or [""])[-1],
        job.ended_at,
    )
