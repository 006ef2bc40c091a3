"""The production engine: django-tasks' RQ backend (``django_tasks_rq.RQBackend``) over Redis, given the same
policy as the embedded queue through django-rq's ``RQ`` setting (``QUEUE_CLASS``, ``WORKER_CLASS``):

- every job is enqueued with RQ's ``Retry`` (``TASKS_MAX_ATTEMPTS``, backoff from ``jobs.policy``) and its time
  limit (``jobs.policy.timeout_seconds``): RQ's work horse stops an attempt running longer, a failure like any
  other; retries wait in RQ's scheduled registry, run by the worker's scheduler (``task_worker`` starts it);
- the lease: the worker renews a running job's entry every ``TASKS_HEARTBEAT_SECONDS`` for ``TASKS_LEASE_SECONDS``;
  when a worker dies its job's entry expires and the next maintenance (every lease) retries it, or fails it after
  the last attempt (RQ's ``AbandonedJobError``);
- dead letters are RQ's failed-job registry; liveness is RQ's worker registry and heartbeats.
"""

from __future__ import annotations

from django_rq.queues import DjangoRQ
from rq import Retry
from rq import Worker as BaseWorker

from jobs import policy

MIN_WORKER_TTL = 20  # RQ blocks on Redis for its worker TTL minus 15 s between maintenance runs


class RetryingQueue(DjangoRQ):
    def create_job(self, func, *args, retry: Retry | None = None, timeout: int | None = None, **kwargs):
        if retry is None and policy.max_attempts() > 1:
            retry = Retry(max=policy.max_attempts() - 1, interval=policy.retry_intervals())
        if timeout is None and isinstance(func, str):  # django-tasks names the task by its path
            timeout = policy.timeout_seconds(func)
        return super().create_job(func, *args, retry=retry, timeout=timeout, **kwargs)


class LeasedWorker(BaseWorker):
    def __init__(self, *args, **kwargs) -> None:
        lease = int(policy.lease().total_seconds())
        kwargs.setdefault("job_monitoring_interval", max(1, int(policy.heartbeat_seconds())))
        kwargs.setdefault("maintenance_interval", lease)
        # Not a default: rqworker passes its own 420 s, and RQ blocks on Redis that long minus 15 s between two
        # maintenance runs, so a dead worker's job would wait up to 7 minutes to be taken again.
        kwargs.pop("default_worker_ttl", None)
        kwargs["worker_ttl"] = max(MIN_WORKER_TTL, lease + 15)
        super().__init__(*args, **kwargs)

    def get_heartbeat_ttl(self, job) -> int:
        return int(policy.lease().total_seconds())
