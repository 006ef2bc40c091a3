"""``requirements.lock`` names packages and versions, never a machine's folders, and holds the servers (issue 9)."""

from __future__ import annotations

import re

from core.tests.processes import ROOT

LOCK = (ROOT / "requirements.lock").read_text(encoding="utf-8")
PINNED = dict(re.findall(r"^([a-z0-9][a-z0-9._-]*)==(\S+)$", LOCK, flags=re.MULTILINE))
ABSOLUTE_PATH = re.compile(r"(^|[\s=])(/|[A-Za-z]:\\)")


def test_the_lock_reads_no_machine_path_or_index():
    lines = [line for line in LOCK.splitlines() if line.strip() and not line.lstrip().startswith("#")]
    assert lines, "empty lock"
    offending = [line for line in lines if line.startswith("-") or "file://" in line or ABSOLUTE_PATH.search(line)]
    assert offending == []
    assert "file://" not in LOCK and "--find-links" not in LOCK and "--extra-index-url" not in LOCK
    # pip-compile, as the header says to run it, must not write them back.
    assert "--no-emit-index-url" in LOCK and "--no-emit-find-links" in LOCK


def test_every_line_is_a_pinned_package_or_its_origin():
    for line in LOCK.splitlines():
        assert not line.strip() or line.lstrip().startswith("#") or re.fullmatch(r"[a-z0-9][a-z0-9._-]*==\S+", line)


def test_the_lock_holds_the_production_server_and_the_process_runner():
    assert "gunicorn" in PINNED  # README, "Running in production"
    assert "honcho" in PINNED  # make run (Procfile)
