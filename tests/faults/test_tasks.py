"""Background work survives faults (issue 10, item 3), on the embedded queue and on RQ over Redis alike.

Real worker processes run the tasks; the lease is 3 s, 3 attempts, backoff 1 s then 2 s (conftest.POLICY).
"""

from __future__ import annotations

import time

import pytest
from django.urls import reverse

from accounts.choices import StaffRole
from jobs import monitor
from jobs.health import check_task_dead_letters, check_task_workers
from registration.tests.helpers import logged_in_staff
from tests.faults.task_workers import runs, wait_for
from tests.faults.tasks import fails_until, mark, sleeps

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.faults]


def test_a_task_runs_once(engine, workers, box):
    workers.start()
    mark.enqueue(str(box), "once")
    wait_for(lambda: (box / "once.done").exists())
    time.sleep(0.5)
    assert len(runs(box, "once")) == 1


def test_a_failing_task_is_retried_with_backoff(engine, workers, box):
    workers.start()
    fails_until.enqueue(str(box), "flaky", 3)
    wait_for(lambda: (box / "flaky.done").exists())
    first, second, third = runs(box, "flaky")
    assert second - first >= 0.9 and third - second >= 1.9  # 1 s, then doubled
    assert monitor.engine().dead_letters()[0] == 0


def test_a_task_failing_every_attempt_is_a_dead_letter_staff_rerun(engine, workers, box):
    workers.start()
    result = fails_until.enqueue(str(box), "doomed", 4)  # fails its 3 attempts; a 4th run succeeds
    count, letters = wait_for(lambda: monitor.engine().dead_letters()[0] and monitor.engine().dead_letters())
    assert count == 1 and letters[0].id == result.id and len(runs(box, "doomed")) == 3
    assert check_task_dead_letters() == (True, "warning: 1 failed")

    client, _staff = logged_in_staff(StaffRole.ADMINISTRATOR)
    page = client.get(reverse("jobs:panel"))
    assert result.id in page.content.decode()
    response = client.post(reverse("jobs:rerun", args=[result.id]))
    assert response.status_code == 302
    wait_for(lambda: (box / "doomed.done").exists())
    assert len(runs(box, "doomed")) == 4
    from audit.models import AuditEvent

    assert AuditEvent.objects.filter(action="task.rerun", data__task_id=result.id).count() == 1


def test_a_worker_killed_mid_task_loses_nothing(engine, workers, box):
    """The killed task is taken again after the lease and does its work once. RQ retakes it at its next
    maintenance and schedules the retry; the new worker's scheduler takes over only when the dead one's lock
    expires (61 s), hence the longer wait there."""
    first = workers.start()
    mark.enqueue(str(box), "killed", 600)
    wait_for(lambda: runs(box, "killed"))  # the first run is sleeping in the task
    workers.kill(first)
    workers.start()
    wait_for(lambda: (box / "killed.done").exists(), timeout=60 if engine == "database" else 150)
    time.sleep(0.5)
    assert len(runs(box, "killed")) == 2 and (box / "killed.done").read_text() == "done"


def test_healthz_fails_with_a_waiting_task_and_no_worker(engine, client, box, settings):
    settings.HEALTHZ_TOKEN = "t" * 40
    mark.enqueue(str(box), "stuck")
    response = client.get(reverse("core:healthz_details"), HTTP_AUTHORIZATION=f"Bearer {settings.HEALTHZ_TOKEN}")
    assert response.status_code == 503
    assert response.json()["checks"]["task_workers"] == {"ok": False, "detail": "no live worker, 1 waiting"}


def test_healthz_sees_a_live_worker(engine, workers):
    workers.start()
    wait_for(lambda: monitor.engine().workers())
    assert check_task_workers()[0]


def test_the_embedded_worker_survives_a_database_blip(engine, workers, box):
    """PostgreSQL drops every connection of the worker (as in a restart): it reconnects and goes on."""
    from django.db import connection

    if engine != "database" or connection.vendor != "postgresql":
        pytest.skip("the embedded queue's worker, on PostgreSQL")
    process = workers.start()
    wait_for(lambda: monitor.engine().workers())
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
            " WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
    mark.enqueue(str(box), "after-blip")
    wait_for(lambda: (box / "after-blip.done").exists())
    assert process.poll() is None


def test_an_attempt_past_its_time_limit_is_stopped_retried_then_buried(engine, workers, box):
    """Each attempt of ``sleeps`` may run 2 s (its own limit over TASKS_TIMEOUT_SECONDS): one that sleeps once is
    stopped, retried and done; one that always sleeps is a dead letter after its 3 attempts; the worker lives on."""
    process = workers.start()
    sleeps.enqueue(str(box), "once-slow", 1)
    buried = sleeps.enqueue(str(box), "always-slow", 99)
    wait_for(lambda: (box / "once-slow.done").exists(), timeout=60)
    first, second = runs(box, "once-slow")
    assert second - first >= 2.9  # the 2 s limit, then the 1 s backoff
    count, letters = wait_for(lambda: monitor.engine().dead_letters()[0] and monitor.engine().dead_letters(), 90)
    assert count == 1 and letters[0].id == buried.id
    assert len(runs(box, "always-slow")) == 3 and not (box / "always-slow.done").exists()
    mark.enqueue(str(box), "after")
    wait_for(lambda: (box / "after.done").exists())
    assert process.poll() is None
