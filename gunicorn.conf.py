"""Production web server settings: ``gunicorn -c gunicorn.conf.py openmutuelle.wsgi`` (README, "Running in production").

Read from the environment, with defaults fit for one host behind a reverse proxy that terminates TLS:

| variable | default | |
|---|---|---|
| ``GUNICORN_BIND`` | ``127.0.0.1:$PORT`` (``PORT`` 8000) | comma-separated; ``0.0.0.0:8000`` in a container |
| ``WEB_CONCURRENCY`` | 2 × CPUs + 1, at most 12 (1 without ``REDIS_URL``) | worker processes (sync workers) |
| ``GUNICORN_TIMEOUT`` | 60 | seconds a request may take (a claim with 50 photos is re-encoded in the request) |
| ``GUNICORN_GRACEFUL_TIMEOUT`` | 30 | seconds given to requests in flight on a restart or SIGTERM |
| ``FORWARDED_ALLOW_IPS`` | ``127.0.0.1,::1`` | proxies trusted for ``X-Forwarded-Proto`` (read by gunicorn itself) |

Without ``REDIS_URL`` the cache is each process's own memory: sessions read from it, the per-address login limit,
the API rate limits and every other counter would count per worker (a limit of N becoming N per worker). So the
server then runs one worker, and refuses to start when ``WEB_CONCURRENCY`` asks for more.
"""

from __future__ import annotations

import os
import sys


def _int(name: str, default: int) -> int:
    value = os.environ.get(name, "").strip()
    return int(value) if value else default


def _cpus() -> int:
    try:
        return len(os.sched_getaffinity(0))  # the CPUs this process may use (containers, taskset)
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


bind = [address.strip() for address in os.environ.get("GUNICORN_BIND", "").split(",") if address.strip()] or [
    f"127.0.0.1:{_int('PORT', 8000)}"
]
LOCAL_STATE = (
    "without REDIS_URL each worker keeps its own cache: the per-address login limit, the API rate limits, the "
    "registration, rights-check and step-up counters and the sessions' cache are not shared between workers"
)
if os.environ.get("REDIS_URL", "").strip():
    workers = _int("WEB_CONCURRENCY", min(2 * _cpus() + 1, 12))
elif _int("WEB_CONCURRENCY", 1) > 1:
    sys.exit(f"Configuration error: WEB_CONCURRENCY={_int('WEB_CONCURRENCY', 1)} but {LOCAL_STATE}. Set REDIS_URL.")
else:
    workers = 1
    print(f"gunicorn: one worker, {LOCAL_STATE} (set REDIS_URL to run several).", file=sys.stderr)  # noqa: T201
timeout = _int("GUNICORN_TIMEOUT", 60)
graceful_timeout = _int("GUNICORN_GRACEFUL_TIMEOUT", 30)
keepalive = 5  # seconds; the reverse proxy keeps its connections to gunicorn open
max_requests, max_requests_jitter = 2000, 200  # workers are replaced now and then, not all at once
# The heartbeat file in memory: on a disk-backed /tmp a slow disk can make the arbiter kill healthy workers.
worker_tmp_dir = "/dev/shm" if os.path.isdir("/dev/shm") else None  # noqa: S108 - gunicorn's documented advice
control_socket_disable = True  # no runtime control socket in $HOME: operators use signals

# One line per request on standard output; no query string (a search may carry a name, personal data).
accesslog = "-"
errorlog = "-"
access_log_format = '%(h)s %({x-forwarded-for}i)s %(t)s "%(m)s %(U)s %(H)s" %(s)s %(B)s %(M)sms "%(a)s"'
