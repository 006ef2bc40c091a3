"""The security suite's ClamAV daemon: the one ``make test`` started (``ANTIVIRUS=clamd``, ``CLAMD_ADDRESS``), or a
private one for a targeted run, stopped at the end."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from documents.antivirus import ClamdScanner
from tests.security import clamd


@pytest.fixture(scope="session")
def clamd_address():
    given = os.environ.get("CLAMD_ADDRESS", "")
    if os.environ.get("ANTIVIRUS") == "clamd" and given and ClamdScanner(given, timeout=5).ping():
        yield given
        return
    if clamd.clamd_binary() is None:
        pytest.fail("clamd is not installed: apt-get install clamav-daemon (make test installs it)")
    folder = Path(__file__).resolve().parents[2] / "var" / f"clamd-test-{os.getpid()}"
    process, address = clamd.start(folder)
    yield address
    process.terminate()
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
    shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture
def antivirus(settings, clamd_address):
    """Uploads in this test are scanned by the real daemon."""
    settings.ANTIVIRUS, settings.CLAMD_ADDRESS = "clamd", clamd_address
    return clamd_address
