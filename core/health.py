"""Health probes for /healthz/details (SPEC X7): each answers (ok, detail) and never raises.

``/healthz`` only says the process is alive; ``/healthz/details`` runs every probe of ``CHECKS`` for monitoring,
with the token of ``HEALTHZ_TOKEN``. A new probe is one function added to ``CHECKS``.
"""

from __future__ import annotations

import hmac
import uuid
from collections.abc import Callable

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import connection

from jobs.health import check_task_backlog, check_task_dead_letters, check_task_handoffs, check_task_workers


def check_database() -> tuple[bool, str]:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
        return True, connection.vendor
    except Exception as exc:  # noqa: BLE001 - a probe reports any failure as "down"
        return False, exc.__class__.__name__


def check_storage() -> tuple[bool, str]:
    name = f"healthz/{uuid.uuid4().hex}.probe"
    try:
        saved = default_storage.save(name, ContentFile(b"ok"))
        with default_storage.open(saved) as handle:
            ok = handle.read() == b"ok"
        default_storage.delete(saved)
        return ok, "read-write" if ok else "content mismatch"
    except Exception as exc:  # noqa: BLE001
        return False, exc.__class__.__name__


def check_task_queue() -> tuple[bool, str]:
    try:
        from django_tasks import DEFAULT_TASK_BACKEND_ALIAS, task_backends
        from django_tasks_db.models import DBTaskResult

        backend = task_backends[DEFAULT_TASK_BACKEND_ALIAS].__class__.__name__
        if backend != "DatabaseBackend":
            return True, backend
        waiting = DBTaskResult.objects.ready().count()
        return True, f"{backend}, {waiting} waiting"
    except Exception as exc:  # noqa: BLE001
        return False, exc.__class__.__name__


CHECKS: dict[str, Callable[[], tuple[bool, str]]] = {
    "database": check_database,
    "storage": check_storage,
    "task_queue": check_task_queue,
    "task_workers": check_task_workers,
    "task_backlog": check_task_backlog,
    "task_dead_letters": check_task_dead_letters,
    "task_handoffs": check_task_handoffs,
}


HEALTHZ_PER_MINUTE = 30  # per client address, right token or not


def token_matches(request) -> bool:
    """Whether the request carries ``Authorization: Bearer <HEALTHZ_TOKEN>``; always False without a token set."""
    expected = getattr(settings, "HEALTHZ_TOKEN", "")
    scheme, _sep, given = request.headers.get("Authorization", "").partition(" ")
    if not expected or scheme.lower() != "bearer":
        return False
    return hmac.compare_digest(given.strip().encode(), expected.encode())


def run_checks() -> dict[str, dict[str, object]]:
    return {name: dict(zip(("ok", "detail"), probe(), strict=True)) for name, probe in CHECKS.items()}
