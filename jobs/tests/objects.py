"""Background tasks in the access matrix: the re-run action names a task; administrators only."""

from __future__ import annotations

from django.utils import timezone
from django_tasks_db.compat import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from core.testing.objects import Target, register, roles

ADMINISTRATORS = roles("administrator")


def _failed_task(profile) -> Target:
    task = DBTaskResult.objects.create(
        status=TaskResultStatus.FAILED,
        args_kwargs={"args": [], "kwargs": {}},
        task_path="privacy.tasks.build_export",
        backend_name="default",
        run_after=timezone.now(),
        worker_ids=["matrix"],
    )
    return Target({"task_id": str(task.id)}, reveals=[task.task_path])  # its id is in the URL (and the page's links)


register(
    "jobs:rerun",
    own=_failed_task,
    other=_failed_task,
    owners=ADMINISTRATORS,
    allowed=ADMINISTRATORS,
    sees_all=ADMINISTRATORS,
    methods=("POST",),
    missing={"task_id": "00000000-0000-0000-0000-000000000000"},
)
