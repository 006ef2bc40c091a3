"""PostgreSQL stopped and restarted while gunicorn takes claims and the task worker runs tasks (issue 10, item 7),
on a private cluster: the short form of ``benchmarks/faults_db.py`` (3 restarts; the long form runs 100)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection

from benchmarks.faults_db import PG_BIN

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.faults


def test_database_restarts_lose_nothing_and_answer_honestly():
    if connection.vendor != "postgresql":
        pytest.skip("a PostgreSQL fault: run with the suite on PostgreSQL")
    if not (PG_BIN / "initdb").exists():
        pytest.skip(f"no PostgreSQL server binaries in {PG_BIN}")
    run = subprocess.run(  # noqa: S603
        [sys.executable, "benchmarks/faults_db.py", "--restarts", "3"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert run.returncode == 0, run.stdout[-6000:] + run.stderr[-3000:]
    report = json.loads(next(line for line in run.stdout.splitlines() if line.startswith("{")))
    assert report["restarts"] == 3 and report["first_requests_failed"] == 0 and report["bad_answers"] == 0
    assert report["answers"].get("503", 0) > 0  # the clients met the outage, and it answered 503
    assert report["claims_answered"] == report["claims_stored"] > 0 and report["unreadable_documents"] == 0
    assert set(report["tasks_by_status"]) <= {"SUCCESSFUL", "FAILED"} and report["task_worker_alive"]
    assert report["emails_unsent_after_flush"] == 0
