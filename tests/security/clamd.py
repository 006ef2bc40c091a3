"""A private ClamAV daemon for the tests: Debian's clamd with a one-signature database (EICAR), on a unix socket.

The machine has clamav-daemon but no signature database and no internet: clamd starts with any valid database,
so the tests write one — an ``.ndb`` body signature matching the EICAR test string anywhere in any file — and a
config in a folder of ``var/``. ``make test`` starts one for the whole run (``python -m tests.security.clamd start
DIR`` prints the address to export as ``CLAMD_ADDRESS``; ``stop DIR`` ends it); a targeted pytest run without one
gets its own from the ``clamd_address`` fixture.

The EICAR string is assembled at run time so that no file of the repository is itself flagged by an antivirus.
"""

from __future__ import annotations

import base64
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

SIGNATURE = "Eicar-Test-Signature"
_EICAR_B64 = "WDVPIVAlQEFQWzRcUFpYNTQoUF4pN0NDKTd9JEVJQ0FSLVNUQU5EQVJELUFOVElWSVJVUy1URVNULUZJTEUhJEgrSCo="


def eicar() -> bytes:
    """The 68-byte EICAR anti-malware test file (harmless; every antivirus reports it)."""
    return base64.b64decode(_EICAR_B64)


def clamd_binary() -> str | None:
    return shutil.which("clamd") or next((p for p in ("/usr/sbin/clamd",) if os.path.exists(p)), None)


def _config(folder: Path) -> Path:
    database = folder / "db"
    database.mkdir(parents=True, exist_ok=True)
    (database / "eicar.ndb").write_text(f"{SIGNATURE}:0:*:{eicar().hex()}\n")
    config = folder / "clamd.conf"
    config.write_text(
        "\n".join(
            [
                f"DatabaseDirectory {database}",
                f"LocalSocket {folder / 'clamd.sock'}",
                f"PidFile {folder / 'clamd.pid'}",
                f"LogFile {folder / 'clamd.log'}",
                f"TemporaryDirectory {folder}",
                "Foreground yes",
                "StreamMaxLength 30M",
                "MaxThreads 4",
                "",
            ]
        )
    )
    return config


def start(folder: Path, timeout: float = 60.0) -> tuple[subprocess.Popen, str]:
    """Start clamd in ``folder``; returns the process and its ``unix://`` address once it answers PING."""
    from documents.antivirus import ClamdScanner

    binary = clamd_binary()
    if binary is None:
        raise RuntimeError("clamd is not installed: apt-get install clamav-daemon")
    folder = folder.resolve()
    folder.mkdir(parents=True, exist_ok=True)
    config = _config(folder)
    log = (folder / "clamd.out").open("ab")
    process = subprocess.Popen([binary, "-c", str(config)], stdout=log, stderr=subprocess.STDOUT)  # noqa: S603
    address = f"unix://{folder / 'clamd.sock'}"
    scanner = ClamdScanner(address, timeout=5)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"clamd stopped at once; see {folder / 'clamd.log'}")
        if scanner.ping():
            return process, address
        time.sleep(0.2)
    process.kill()
    raise RuntimeError(f"clamd did not answer within {timeout:.0f} s; see {folder / 'clamd.log'}")


def stop(folder: Path) -> None:
    """Stop the clamd whose pid file is in ``folder`` (only that one)."""
    pid_file = folder / "clamd.pid"
    try:
        pid = int(pid_file.read_text().strip())
    except (OSError, ValueError):
        return
    try:
        os.kill(pid, signal.SIGTERM)
    except ProcessLookupError:
        return
    for _ in range(50):
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return
        time.sleep(0.1)


if __name__ == "__main__":  # python -m tests.security.clamd start|stop FOLDER
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "openmutuelle.settings")
    command, where = sys.argv[1], Path(sys.argv[2])
    if command == "start":
        _, found = start(where)
        print(found)
    elif command == "stop":
        stop(where)
    else:
        sys.exit("usage: python -m tests.security.clamd start|stop FOLDER")
