"""State changes of background work: tasks handed to the queue after the commit without ever being lost, and staff
re-running a dead letter (audited)."""

from __future__ import annotations

import json
import logging
from datetime import timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _
from django_tasks.base import Task

from audit.services import record
from jobs import monitor
from jobs.models import TaskHandoff

logger = logging.getLogger(__name__)


def task_queue_on_commit(task: Task, *args, **kwargs) -> TaskHandoff:
    """Queue ``task(*args, **kwargs)`` once the caller's transaction commits, and never lose it.

    A handoff row is written in the caller's transaction, beside the data the task works on, and deleted once the
    queue took the task. When the queue (Redis, or the database in an outage) refuses it at the commit, the row stays
    and ``handoffs_requeue`` queues it later. The task must be idempotent: the rare queue that took the task while
    its row could not be deleted gets it twice."""
    handoff = TaskHandoff.objects.create(
        task_path=task.module_path, arguments=json.dumps({"args": list(args), "kwargs": kwargs})
    )
    transaction.on_commit(lambda: _hand_over(handoff.pk, task, args, kwargs), robust=True)
    return handoff


def _hand_over(handoff_id, task: Task, args: tuple, kwargs: dict) -> None:
    try:
        task.enqueue(*args, **kwargs)
    except Exception:  # the queue is down: the handoff stays for ``tasks_requeue``; the request is not harmed
        logger.exception("Task %s not queued after the commit; tasks_requeue will queue it.", task.module_path)
        return
    TaskHandoff.objects.filter(pk=handoff_id).delete()


def handoffs_requeue(*, older_than: timedelta = timedelta(minutes=10)) -> tuple[int, int]:
    """Queue the tasks handed over more than ``older_than`` ago and still not taken by the queue, each audited
    ``task.requeued``; returns (queued, still waiting because the queue refused them again)."""
    cutoff = timezone.now() - older_than
    waiting = TaskHandoff.objects.filter(created_at__lt=cutoff).order_by("created_at")
    outcomes = [_handoff_requeue(handoff_id) for handoff_id in waiting.values_list("pk", flat=True)]
    return outcomes.count(True), outcomes.count(False)


@transaction.atomic
def _handoff_requeue(handoff_id) -> bool | None:
    """True: queued now; False: the queue refused it again; None: another sweeper or the commit took it meanwhile."""
    handoff = TaskHandoff.objects.select_for_update(skip_locked=True).filter(pk=handoff_id).first()
    if handoff is None:
        return None
    arguments = json.loads(handoff.arguments)
    try:
        import_string(handoff.task_path).enqueue(*arguments["args"], **arguments["kwargs"])
    except Exception:  # still down: the next run takes it
        logger.exception("Task %s still not queued.", handoff.task_path)
        return False
    waited = int((timezone.now() - handoff.created_at).total_seconds())
    handoff.delete()
    record(actor=None, action="task.requeued", data={"task": handoff.task_path, "waited_seconds": waited})
    return True


@transaction.atomic
def dead_letter_rerun(*, actor, task_id: str) -> monitor.DeadLetter:
    """Put a task that failed its last attempt back in the queue with fresh attempts; the trail says who did."""
    letter = monitor.engine().rerun(task_id)
    if letter is None:
        raise ValidationError(_("This task is not in the failed tasks any more."), code="not_failed")
    record(actor=actor, action="task.rerun", data={"task_id": letter.id, "task": letter.task, "error": letter.error})
    return letter
