"""Health probes of background work for /healthz (each answers (ok, detail) and never raises).

Down: tasks waiting with no live worker, or the oldest waiting task older than ``TASKS_MAX_WAIT_SECONDS``.
Dead letters do not make the service down (the rest still works) but are reported as a warning. Tasks committed
but never queued (their handoff waits for ``tasks_requeue``) count down past ``TASKS_MAX_WAIT_SECONDS`` too.
"""

from __future__ import annotations

from django.conf import settings
from django.db.models import Count, Min
from django.utils import timezone

from jobs import monitor
from jobs.models import TaskHandoff


def check_task_workers() -> tuple[bool, str]:
    try:
        engine = monitor.engine()
        workers, (waiting, _oldest) = engine.workers(), engine.waiting()
    except Exception as exc:  # noqa: BLE001 - a probe reports any failure as "down"
        return False, exc.__class__.__name__
    if waiting and not workers:
        return False, f"no live worker, {waiting} waiting"
    return True, f"{len(workers)} live ({engine.name})"


def check_task_backlog() -> tuple[bool, str]:
    try:
        waiting, oldest = monitor.engine().waiting()
    except Exception as exc:  # noqa: BLE001
        return False, exc.__class__.__name__
    age = int(oldest.total_seconds()) if oldest else 0
    return age <= settings.TASKS_MAX_WAIT_SECONDS, f"{waiting} waiting, oldest {age} s"


def check_task_dead_letters() -> tuple[bool, str]:
    try:
        count, _shown = monitor.engine().dead_letters()
    except Exception as exc:  # noqa: BLE001
        return False, exc.__class__.__name__
    return True, f"warning: {count} failed" if count else "none"


def check_task_handoffs() -> tuple[bool, str]:
    try:
        found = TaskHandoff.objects.aggregate(count=Count("pk"), oldest=Min("created_at"))
    except Exception as exc:  # noqa: BLE001
        return False, exc.__class__.__name__
    age = int((timezone.now() - found["oldest"]).total_seconds()) if found["oldest"] else 0
    return age <= settings.TASKS_MAX_WAIT_SECONDS, f"{found['count']} not queued yet, oldest {age} s"
