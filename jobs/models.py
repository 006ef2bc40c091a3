"""Worker liveness: each task worker writes its heartbeat here every few seconds (``TASKS_HEARTBEAT_SECONDS``).

The heartbeat also says which task the worker is running: a running task is held by a lease that lasts as long as
its worker's heartbeat names it; once the heartbeat is older than ``TASKS_LEASE_SECONDS`` the task is taken again.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class WorkerHeartbeat(models.Model):
    """One task worker process, as it last reported itself."""

    worker_id = models.CharField(_("worker"), max_length=64, unique=True)
    host = models.CharField(_("host"), max_length=255)
    pid = models.PositiveIntegerField(_("process id"))
    task_id = models.CharField(_("running task"), max_length=64, blank=True)
    started_at = models.DateTimeField(_("started at"))
    last_seen = models.DateTimeField(_("last seen"), db_index=True)

    class Meta:
        verbose_name = _("task worker")
        verbose_name_plural = _("task workers")
        ordering = ["-last_seen"]

    def __str__(self) -> str:
        return f"{self.worker_id}@{self.host}:{self.pid}"
