"""Running the portal's own commands in a child process, as an operator would: environments and free ports."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from collections.abc import Mapping
from pathlib import Path

from cryptography.fernet import Fernet

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent

# What a production deployment sets (README, "Configuration"); tests add DATABASE_URL and VAR_DIR.
PRODUCTION = {
    "DJANGO_ENV": "production",
    "SECRET_KEY": "Zx8-" + "q7Wm" * 16,
    "ENCRYPTION_KEYS": Fernet.generate_key().decode(),
    "ALLOWED_HOSTS": "portal.example.fr",
    "PORTAL_URL": "https://portal.example.fr",
    "DATABASE_URL": "sqlite:////tmp/openmutuelle-deploy-check.sqlite3",
    "REDIS_URL": "redis://127.0.0.1:6379/5",
    "ANTIVIRUS": "none",
}

# Variables of the calling test run that must not leak into the child's configuration.
_CLEARED = {
    *("DATABASE_URL", "DJANGO_ENV", "SECRET_KEY", "PORT", "PORTAL_URL", "EMAIL_URL", "VAR_DIR", "REDIS_URL"),
    *("ANTIVIRUS", "CLAMD_ADDRESS"),
    "DJANGO_ALLOW_ASYNC_UNSAFE",  # set by the browser fixture for Playwright; a deployment must not have it
}


def environment(var_dir: Path, env: Mapping[str, str] = ()) -> dict[str, str]:
    """This process's environment without the test run's configuration, with ``var_dir`` and ``env``."""
    base = {k: v for k, v in os.environ.items() if k not in _CLEARED}
    base["PATH"] = f"{BIN}{os.pathsep}{base.get('PATH', '')}"  # `python`, `honcho`, `gunicorn` of this virtualenv
    base.update({"VAR_DIR": str(var_dir), "PYTHONUNBUFFERED": "1", **dict(env)})
    return base


def manage(*args: str, env: Mapping[str, str], var_dir: Path, timeout: int = 120) -> subprocess.CompletedProcess:
    """``manage.py ARGS`` in a child process; output captured, never raises on failure."""
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=environment(var_dir, env),
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def free_port(first: int = 18200, last: int = 18299) -> int:
    """A TCP port nothing listens on, in this project's range for test servers.

    Under pytest-xdist each worker takes its own share of the range (gw0 the 1st, 3rd… port, gw1 the 2nd, 4th…
    with two workers): a server that binds seconds after its port was chosen never meets another worker's.
    """
    worker = int(os.environ.get("PYTEST_XDIST_WORKER", "gw0").removeprefix("gw") or 0)
    workers = int(os.environ.get("PYTEST_XDIST_WORKER_COUNT", "1"))
    for port in range(first + worker % workers, last + 1, workers):
        with socket.socket() as probe:
            try:
                probe.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise RuntimeError(f"no free port in {first}-{last}")
