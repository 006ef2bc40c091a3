"""Real task workers for the task fault tests: the embedded database queue and RQ over Redis (database 8 unless
``TASKS_REDIS_URL`` says otherwise), started as subprocesses on the test database with a short lease (fixtures
``engine``, ``workers``, ``box``; imported by test_tasks.py)."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
ENGINES = {"database": "django_tasks_db.DatabaseBackend", "rq": "django_tasks_rq.RQBackend"}
POLICY = {"TASKS_MAX_ATTEMPTS": 3, "TASKS_RETRY_BACKOFF": 1, "TASKS_LEASE_SECONDS": 3, "TASKS_HEARTBEAT_SECONDS": 1}


def database_url() -> str:
    from django.db import connection

    cfg = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{cfg['NAME']}"
    auth = cfg["USER"] + (f":{cfg['PASSWORD']}" if cfg["PASSWORD"] else "")
    return f"postgres://{auth}@{cfg['HOST'] or '127.0.0.1'}:{cfg['PORT'] or 5432}/{cfg['NAME']}"


def wait_for(condition, timeout: float = 30.0, step: float = 0.1):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(step)
    raise AssertionError(f"not met within {timeout} s: {condition}")


def children(pid: int) -> list[int]:
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            child = int(stat.parent.name)
            found += [child, *children(child)]
    return found


class Workers:
    """Starts task workers on the engine under test; stops (or kills) them."""

    def __init__(self, engine: str, policy: dict | None = None) -> None:
        from django.conf import settings as live

        self.engine, self.processes = engine, []
        self.env = {
            **os.environ,
            "DJANGO_ENV": "test",
            "TASKS_BACKEND": ENGINES[engine],
            "DATABASE_URL": database_url(),
            "TASKS_REDIS_URL": live.RQ_QUEUES["default"]["URL"],
            **{name: str(value) for name, value in (policy or POLICY).items()},
        }

    def start(self) -> subprocess.Popen:
        command = [sys.executable, "manage.py", "task_worker", "-v", "0"]
        if self.engine == "database":
            command += ["--interval", "0.1", "--no-startup-delay", "--no-reload"]
        process = subprocess.Popen(command, cwd=ROOT, env=self.env, start_new_session=True)  # noqa: S603
        self.processes.append(process)
        return process

    def kill(self, process: subprocess.Popen) -> None:
        """SIGKILL the worker and the work horses it forked (RQ's horse leaves the worker's process group)."""
        for pid in [process.pid, *children(process.pid)]:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
        process.wait(timeout=10)

    def stop_all(self) -> None:
        for process in self.processes:
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
                try:
                    process.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    self.kill(process)


@pytest.fixture(params=sorted(ENGINES))
def engine(request, settings):
    """The engine under test, configured in this process too (enqueueing, monitoring)."""
    name = request.param
    if name == "rq":
        import django_rq
        import redis

        try:
            django_rq.get_connection().flushdb()
        except redis.exceptions.ConnectionError:
            pytest.skip("Redis is not reachable")
    settings.TASKS = {"default": {"BACKEND": ENGINES[name]}}
    for setting, value in POLICY.items():
        setattr(settings, setting, value)
    yield name
    if name == "rq":
        django_rq.get_connection().flushdb()


@pytest.fixture
def workers(engine):
    started = Workers(engine)
    yield started
    started.stop_all()


@pytest.fixture
def box(tmp_path) -> Path:
    folder = tmp_path / "effects"
    folder.mkdir()
    return folder


def runs(folder: Path, key: str) -> list[float]:
    path = folder / f"{key}.runs"
    return [float(line.split()[1]) for line in path.read_text().splitlines()] if path.exists() else []
