"""Tasks decided in a transaction are handed to the queue after the commit and never lost when the queue is down
(``jobs.services.task_queue_on_commit``, ``manage.py tasks_requeue``). Tasks run at once here (tests' backend);
tests/faults/test_lost_enqueues.py runs the same with real workers on both engines."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.management import CommandError, call_command
from django.db import transaction
from django.utils import timezone

from audit.models import AuditEvent
from jobs.health import check_task_handoffs
from jobs.models import TaskHandoff
from jobs.services import handoffs_requeue, task_queue_on_commit
from tests.faults.task_workers import runs
from tests.faults.tasks import mark

pytestmark = pytest.mark.django_db


def test_a_task_is_handed_over_with_its_transaction_and_queued_once_it_commits(box, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        handoff = task_queue_on_commit(mark, str(box), "committed")
        assert TaskHandoff.objects.filter(pk=handoff.pk).exists() and not runs(box, "committed")
    assert len(runs(box, "committed")) == 1
    assert not TaskHandoff.objects.exists()


def test_a_rolled_back_transaction_hands_nothing_over(box, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(RuntimeError), transaction.atomic():
        task_queue_on_commit(mark, str(box), "rolled-back")
        raise RuntimeError("the request failed")
    assert not TaskHandoff.objects.exists() and not runs(box, "rolled-back")


def test_a_task_the_queue_refused_at_the_commit_is_queued_later_once_and_audited(
    box, queue_down, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        task_queue_on_commit(mark, str(box), "refused")
    assert TaskHandoff.objects.count() == 1 and not runs(box, "refused")
    assert handoffs_requeue() == (0, 0), "a handoff younger than the delay may still be on its way"
    queue_down.undo()
    assert handoffs_requeue(older_than=timedelta(0)) == (1, 0)
    assert len(runs(box, "refused")) == 1 and (box / "refused.done").exists()
    assert handoffs_requeue(older_than=timedelta(0)) == (0, 0)
    assert len(runs(box, "refused")) == 1
    event = AuditEvent.objects.get(action="task.requeued")
    assert event.data["task"] == "tests.faults.tasks.mark"


def test_the_command_says_when_the_queue_is_still_down(box, queue_down, django_capture_on_commit_callbacks, capsys):
    with django_capture_on_commit_callbacks(execute=True):
        task_queue_on_commit(mark, str(box), "still-down")
    with pytest.raises(CommandError, match="1 task"):
        call_command("tasks_requeue", minutes=0)
    assert TaskHandoff.objects.count() == 1 and not AuditEvent.objects.filter(action="task.requeued").exists()
    queue_down.undo()
    call_command("tasks_requeue", minutes=0)
    assert "1 task(s) queued again." in capsys.readouterr().out
    assert len(runs(box, "still-down")) == 1


def test_health_fails_while_a_handoff_waits_too_long(box, settings):
    settings.TASKS_MAX_WAIT_SECONDS = 600
    assert check_task_handoffs() == (True, "0 not queued yet, oldest 0 s")
    handoff = task_queue_on_commit(mark, str(box), "waiting")  # its commit never comes in this test
    TaskHandoff.objects.filter(pk=handoff.pk).update(created_at=timezone.now() - timedelta(minutes=11))
    ok, detail = check_task_handoffs()
    assert not ok and detail.startswith("1 not queued yet, oldest 66")


def test_the_arguments_are_encrypted_at_rest(box):
    from django.db import connection

    task_queue_on_commit(mark, str(box), key="secret-identifier@example.fr")
    with connection.cursor() as cursor:
        cursor.execute("SELECT arguments FROM jobs_taskhandoff")
        (stored,) = cursor.fetchone()
    assert "secret-identifier" not in stored


@pytest.fixture
def box(tmp_path):
    folder = tmp_path / "effects"
    folder.mkdir()
    return folder
