"""State changes of background work: staff re-running a dead letter (audited)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from audit.services import record
from jobs import monitor


@transaction.atomic
def dead_letter_rerun(*, actor, task_id: str) -> monitor.DeadLetter:
    """Put a task that failed its last attempt back in the queue with fresh attempts; the trail says who did."""
    letter = monitor.engine().rerun(task_id)
    if letter is None:
        raise ValidationError(_("This task is not in the failed tasks any more."), code="not_failed")
    record(actor=actor, action="task.rerun", data={"task_id": letter.id, "task": letter.task, "error": letter.error})
    return letter
