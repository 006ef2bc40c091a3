"""Long-form fault run of background work: task workers killed with SIGKILL at random moments, N times.

Run: ``.venv/bin/python benchmarks/faults_tasks.py [--kills 100] [--tasks 200] [--workers 2] [--engine database|rq]``
(with ``DATABASE_URL`` set it runs on that database, e.g. an empty PostgreSQL one; otherwise on a temporary SQLite
file; RQ uses ``TASKS_REDIS_URL``, default Redis database 8, which it empties). It enqueues tasks that each sleep a
random moment then leave one effect file (``tests/faults/tasks.py``: idempotent), a third of them failing their
first run, keeps ``--workers`` workers running and kills one every 0.5-1.5 s until ``--kills`` kills, then lets the
survivors finish and counts: done (effect present), dead letters (failed every attempt), duplicated effects, and
lost = neither done nor dead letter (must be 0). Lease 3 s, 5 attempts, backoff 1 s.
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
ENGINES = {"database": "django_tasks_db.DatabaseBackend", "rq": "django_tasks_rq.RQBackend"}
POLICY = {
    "TASKS_MAX_ATTEMPTS": "5",
    "TASKS_RETRY_BACKOFF": "1",
    "TASKS_LEASE_SECONDS": "3",
    "TASKS_HEARTBEAT_SECONDS": "1",
}


def setup(tmp: Path, engine: str) -> None:
    os.environ.setdefault("DATABASE_URL", f"sqlite:///{tmp / 'bench.sqlite3'}")
    os.environ.setdefault("TASKS_REDIS_URL", "redis://127.0.0.1:6379/8")
    os.environ.update({"VAR_DIR": str(tmp / "var"), "TASKS_BACKEND": ENGINES[engine], **POLICY})
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "openmutuelle.settings")
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)
    if engine == "rq":
        import django_rq

        django_rq.get_connection().flushdb()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--kills", type=int, default=100)
    parser.add_argument("--tasks", type=int, default=200)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--engine", choices=sorted(ENGINES), default="database")
    options = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        tmp = Path(folder)
        setup(tmp, options.engine)
        from tests.faults.task_workers import Workers
        from tests.faults.tasks import fails_until, mark

        box = tmp / "effects"
        box.mkdir()
        for number in range(options.tasks):
            if number % 3 == 0:
                fails_until.enqueue(str(box), f"t{number}", 2)
            else:
                mark.enqueue(str(box), f"t{number}", random.uniform(0, 2))  # noqa: S311 - a benchmark
        started = time.monotonic()
        workers = Workers(options.engine, POLICY)
        running = [workers.start() for _ in range(options.workers)]
        for _kill in range(options.kills):
            time.sleep(random.uniform(0.5, 1.5))  # noqa: S311
            victim = running.pop(random.randrange(len(running)))  # noqa: S311
            workers.kill(victim)
            running.append(workers.start())
        report(box, options, workers, started)


def report(box: Path, options, workers, started: float) -> None:
    from jobs import monitor

    engine = monitor.engine()
    deadline = time.monotonic() + 600
    while time.monotonic() < deadline:
        done = sum((box / f"t{n}.done").exists() for n in range(options.tasks))
        dead = engine.dead_letters()[0]
        if done + dead >= options.tasks and engine.waiting()[0] == 0:
            break
        time.sleep(1)
    workers.stop_all()
    runs = [
        len((box / f"t{n}.runs").read_text().splitlines()) if (box / f"t{n}.runs").exists() else 0
        for n in range(options.tasks)
    ]
    print(f"engine={options.engine} tasks={options.tasks} kills={options.kills} workers={options.workers}")
    print(
        f"done={done} dead_letter={dead} lost={options.tasks - done - dead} runs={sum(runs)} "
        f"max_runs_per_task={max(runs)} seconds={time.monotonic() - started:.0f}"
    )


if __name__ == "__main__":
    main()
