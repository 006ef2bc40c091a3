"""The embedded task worker: django-tasks-db's worker loop, made to survive faults.

- a heartbeat thread writes this worker's ``WorkerHeartbeat`` (and the task it runs) every few seconds and takes
  back the tasks whose lease expired (``dbqueue.requeue_expired``), so a worker killed mid-task loses nothing;
- an attempt running longer than its task's time limit (``jobs.policy.timeout_seconds``) is stopped and counts as
  a failed attempt;
- a failed attempt is retried with backoff, the last one stays as a dead letter (``dbqueue.retry_or_bury``);
- a database blip (OperationalError, InterfaceError) no longer stops the worker: it closes its connections,
  waits (doubling while the outage lasts, at most 30 s; from 1 s again at the next outage) and goes on.
"""

from __future__ import annotations

import contextlib
import logging
import os
import signal
import socket
import threading
import time

from django.db import InterfaceError, OperationalError, close_old_connections, connections
from django.utils import timezone
from django_tasks_db.compat import TaskResultStatus
from django_tasks_db.management.commands.db_worker import Worker as DatabaseWorker
from django_tasks_db.models import DBTaskResult

from jobs import dbqueue, policy
from jobs.models import WorkerHeartbeat

logger = logging.getLogger(__name__)

DATABASE_ERRORS = (OperationalError, InterfaceError)
MAX_BLIP_WAIT = 30.0


class Worker(DatabaseWorker):
    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.current_task_id = ""
        self.started_at = timezone.now()
        self._stopped = threading.Event()

    def run(self) -> None:
        beat = threading.Thread(target=self._heartbeat_loop, name="task-heartbeat", daemon=True)
        beat.start()
        wait = 1.0
        try:
            while self.running:
                started = time.monotonic()
                try:
                    super().run()
                    return
                except DATABASE_ERRORS as exc:
                    self.current_task_id = ""  # a task cut off here is no longer held: its lease lapses
                    if time.monotonic() - started > wait:  # it worked since the last wait: a new outage
                        wait = 1.0
                    logger.warning(
                        "Task worker %s: database unavailable (%s), retrying in %.0f s.", self.worker_id, exc, wait
                    )
                    connections.close_all()
                    time.sleep(wait)
                    wait, self.startup_delay = min(wait * 2, MAX_BLIP_WAIT), False
        finally:
            self._stopped.set()
            beat.join(timeout=policy.heartbeat_seconds() + 5)
            self._forget()

    def run_task(self, db_task_result: DBTaskResult) -> None:
        self.current_task_id = str(db_task_result.id)
        try:
            self._beat_now()
            with self._time_limit(db_task_result):
                super().run_task(db_task_result)
            if db_task_result.status == TaskResultStatus.FAILED:
                dbqueue.retry_or_bury(db_task_result)
        finally:
            self.current_task_id = ""

    # --- time limit -----------------------------------------------------------------------------------------

    @contextlib.contextmanager
    def _time_limit(self, db_task_result: DBTaskResult):
        """Stop the attempt after the task's time limit: SIGALRM raises ``TaskTimedOut`` in the task (the worker runs
        tasks in its main thread), which the base worker records as the attempt's failure."""
        try:
            seconds = policy.timeout_seconds(db_task_result.task.module_path)  # imports the task: its own limit
        except Exception:  # noqa: BLE001 - a task that cannot be imported fails in the base worker, as before
            seconds = policy.timeout_seconds(db_task_result.task_path)

        def stop(_signum, _frame) -> None:
            if self.running_task:  # not once the attempt is over
                raise dbqueue.TaskTimedOut(f"{db_task_result.task_path} ran longer than {seconds} s")

        previous = signal.signal(signal.SIGALRM, stop)
        signal.setitimer(signal.ITIMER_REAL, seconds)
        try:
            yield
        finally:
            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.signal(signal.SIGALRM, previous)

    # --- heartbeat ------------------------------------------------------------------------------------------

    def beat(self) -> None:
        WorkerHeartbeat.objects.update_or_create(
            worker_id=self.worker_id,
            defaults={
                "host": socket.gethostname()[:255],
                "pid": os.getpid(),
                "task_id": self.current_task_id,
                "started_at": self.started_at,
                "last_seen": timezone.now(),
            },
        )

    def _beat_now(self) -> None:
        """Name the task in the heartbeat at once (the lease starts now); the heartbeat thread retries if it fails."""
        try:
            self.beat()
        except DATABASE_ERRORS as exc:
            logger.warning("Task worker %s: heartbeat not written (%s).", self.worker_id, exc)

    def _heartbeat_loop(self) -> None:
        while not self._stopped.is_set():
            try:
                close_old_connections()
                self.beat()
                dbqueue.requeue_expired()
            except DATABASE_ERRORS as exc:
                logger.warning("Task worker %s: heartbeat not written (%s).", self.worker_id, exc)
                connections.close_all()
            self._stopped.wait(policy.heartbeat_seconds())
        connections.close_all()

    def _forget(self) -> None:
        try:
            WorkerHeartbeat.objects.filter(worker_id=self.worker_id).delete()
        except DATABASE_ERRORS:
            logger.info("Task worker %s: heartbeat left behind; it expires on its own.", self.worker_id)
