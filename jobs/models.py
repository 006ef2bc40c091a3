"""Worker liveness: each task worker writes its heartbeat here every few seconds (``TASKS_HEARTBEAT_SECONDS``).

The heartbeat also says which task the worker is running: a running task is held by a lease that lasts as long as
its worker's heartbeat names it; once the heartbeat is older than ``TASKS_LEASE_SECONDS`` the task is taken again.

Handoffs: a task decided in a transaction is written beside its data and handed to the queue after the commit, so a
queue that is down at that moment loses nothing (``TaskHandoff``).
"""

from __future__ import annotations

import uuid

from django.db import models
from django.utils.translation import gettext_lazy as _

from core.fields import EncryptedTextField


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


class TaskHandoff(models.Model):
    """A task to put in the queue once the transaction that wrote this row commits
    (``jobs.services.task_queue_on_commit``): written with the work's data, deleted once the queue took the task.
    A row older than a few minutes is a task the queue never received (it was down at the commit);
    ``manage.py tasks_requeue`` queues it again. Its arguments may name a person (a registration, an identifier
    typed), so they are encrypted."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True, db_index=True)
    task_path = models.CharField(_("task"), max_length=255)
    arguments = EncryptedTextField(_("arguments"))

    class Meta:
        verbose_name = _("task to queue")
        verbose_name_plural = _("tasks to queue")

    def __str__(self) -> str:
        return f"{self.task_path} ({self.created_at:%Y-%m-%d %H:%M})"
