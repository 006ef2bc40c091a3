"""``make run``: the web server and a task worker together, links to the served port, one Ctrl-C ends both (issue 9).

The test runs the Makefile's own ``run`` target on a free port, against a migrated copy of a database and a
folder of its own; ``-o setup -o demo`` skips the install and the demo data (a minute on their own), not the
processes.
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys

import pytest

from core.tests.processes import ROOT, environment, free_port
from tests.serving.support import Output, http_get, wait_for

pytestmark = pytest.mark.slow

STARTED = re.compile(r"\|\s*(web|worker|sealer)\.1 started \(pid=(\d+)\)")


def group_alive(pgid: int) -> bool:
    try:
        os.killpg(pgid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def test_make_run_serves_the_portal_and_a_worker_and_one_ctrl_c_stops_both(database_url, tmp_path):
    port, var = free_port(), tmp_path / "var"
    env = {"DATABASE_URL": database_url, "PORT": str(port)}
    env = {k: v for k, v in environment(var, env).items() if k not in {"MAKEFLAGS", "MAKELEVEL", "MFLAGS"}}
    make = subprocess.Popen(
        ["make", "--no-print-directory", "run", "-o", "setup", "-o", "demo"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,  # its own process group: the "terminal" the Ctrl-C below goes to
    )
    output = Output(make.stdout)

    def groups() -> list[int]:
        """The process groups honcho started (each Procfile process in a session of its own)."""
        return [int(pid) for _, pid in STARTED.findall(output.text)]

    try:
        status = wait_for(lambda: http_get(f"http://127.0.0.1:{port}/healthz")[0], 90, "the page answering", output)
        assert status == 200, output.text
        assert http_get(f"http://127.0.0.1:{port}/login/")[0] == 200
        wait_for(lambda: sorted(STARTED.findall(output.text))[2:3], 10, "the three processes", output)
        assert [name for name, _ in sorted(STARTED.findall(output.text))] == ["sealer", "web", "worker"]
        # After the demo logins: where the emails go, and that a worker runs (before the processes' own lines).
        assert f"Emails:  one .eml file per message under {var / 'mail'}/" in output.text
        assert "Worker:  a task worker (python manage.py task_worker) runs beside the web server" in output.text

        # A task enqueued by another process is done by the worker, whose links follow the served port.
        probe = tmp_path / "portal-url.txt"
        enqueue = f"from core.tests.worker_probe import portal_url_write; portal_url_write.enqueue({str(probe)!r})"
        enqueued = subprocess.run(
            [sys.executable, "manage.py", "shell", "--no-imports", "-c", enqueue],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
        assert enqueued.returncode == 0, enqueued.stderr
        wait_for(probe.exists, 60, "the task being done", output)
        assert probe.read_text() == f"http://127.0.0.1:{port}"
        assert re.search(r"worker\.1\s*\| .*portal_url_write", output.text), output.text

        os.killpg(make.pid, signal.SIGINT)  # Ctrl-C: the terminal signals its foreground process group
        assert make.wait(timeout=20) != 0  # make reports the interruption
        wait_for(lambda: not any(map(group_alive, groups())), 10, "every process ending", output)
        assert http_get(f"http://127.0.0.1:{port}/healthz")[0] == 0
    finally:
        for pgid in [*groups(), make.pid]:  # nothing left behind, even when an assertion failed
            if group_alive(pgid):
                os.killpg(pgid, signal.SIGKILL)
        make.wait(timeout=10)
