"""The background-work panel in a real browser: an administrator sees a failed task and runs it again."""

from __future__ import annotations

import re

import pytest
from django.utils import timezone
from django_tasks_db.compat import TaskResultStatus
from django_tasks_db.models import DBTaskResult
from playwright.sync_api import expect

from accounts.choices import StaffRole
from audit.models import AuditEvent
from jobs.models import WorkerHeartbeat
from tests.journeys.support import staff_log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_administrator_runs_a_failed_task_again(open_page):
    page = open_page()
    failed = DBTaskResult.objects.create(
        status=TaskResultStatus.FAILED,
        args_kwargs={"args": ["7c9e6679-7425-40de-944b-e07fc1f90ae7"], "kwargs": {}},
        task_path="privacy.tasks.build_export",
        backend_name="default",
        run_after=timezone.now(),
        finished_at=timezone.now(),
        worker_ids=["w1", "w2", "w3", "w4", "w5"],
        exception_class_path="smtplib.SMTPServerDisconnected",
    )
    now = timezone.now()
    WorkerHeartbeat.objects.create(worker_id="a1b2c3", host="app-1", pid=4242, started_at=now, last_seen=now)
    staff_log_in(page, StaffRole.ADMINISTRATOR)
    page.goto("/backoffice/")
    page.get_by_role("link", name=re.compile("Background tasks that failed")).click()
    expect(page.get_by_role("heading", name="1 failed task")).to_be_visible()
    expect(page.get_by_text("app-1")).to_be_visible()
    page.screenshot(path="/tmp/h8-tasks-panel.png", full_page=True)
    page.get_by_role("button", name="Run again").click()
    expect(page.get_by_text("The task is back in the queue.")).to_be_visible()
    expect(page.get_by_text("No task has failed.")).to_be_visible()
    page.screenshot(path="/tmp/h8-tasks-panel-after.png", full_page=True)
    failed.refresh_from_db()
    assert failed.status == TaskResultStatus.READY
    assert AuditEvent.objects.filter(action="task.rerun").count() == 1
