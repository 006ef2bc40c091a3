"""``manage.py task_worker``: the one command that runs background tasks, whichever engine is configured.

Embedded default (django-tasks-db): ``jobs.worker.Worker`` (lease, retries with backoff, dead letters, heartbeat,
survives database blips); it takes db_worker's options. With ``TASKS_BACKEND=django_tasks_rq.RQBackend``: an RQ
worker with its scheduler (retries wait in RQ's scheduled registry) and the same policy (``jobs.rq``).
"""

from __future__ import annotations

from django.core.management import call_command
from django.utils.autoreload import DJANGO_AUTORELOAD_ENV, run_with_reloader
from django_tasks import DEFAULT_TASK_BACKEND_ALIAS, task_backends
from django_tasks_db.management.commands import db_worker

from jobs.worker import Worker


def _uses_rq() -> bool:
    return type(task_backends[DEFAULT_TASK_BACKEND_ALIAS]).__name__ == "RQBackend"


class Command(db_worker.Command):
    help = "Run the background task worker (embedded database queue, or RQ when TASKS_BACKEND says so)"

    def add_arguments(self, parser) -> None:
        if _uses_rq():
            parser.add_argument("--queue-name", default="default", help="Queues to process, comma-separated.")
            parser.add_argument("--burst", action="store_true", help="Run the waiting tasks, then exit.")
            return
        super().add_arguments(parser)

    def handle(self, *args, **options) -> None:
        if _uses_rq():
            queues = options["queue_name"].split(",")
            call_command("rqworker", *queues, with_scheduler=True, burst=options["burst"])
            return
        self._run_database_worker(**options)

    def _run_database_worker(self, *, verbosity: int, queue_name: str, exclude_queues: str, reload: bool, **options):
        self.configure_logging(verbosity)
        worker = Worker(
            queue_names=queue_name.split(","),
            excluded_queue_names=exclude_queues.split(",") if exclude_queues else [],
            interval=options["interval"],
            batch=options["batch"],
            backend_name=options["backend_name"],
            startup_delay=options["startup_delay"],
            max_tasks=options["max_tasks"],
            worker_id=options["worker_id"],
        )
        if reload and not options["batch"]:
            import os

            if os.environ.get(DJANGO_AUTORELOAD_ENV) == "true":
                worker.configure_signals()
            run_with_reloader(worker.run)
            return
        worker.configure_signals()
        worker.run()
