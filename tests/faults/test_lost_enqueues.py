"""The task queue down at the commit (issue 10, item 3, for work queued after the commit): nothing is lost.

A claim submission with documents (its readings) and a registration commit while the queue refuses every task;
``manage.py tasks_requeue`` later hands the tasks over and real workers do the work, exactly once — on the embedded
queue and on RQ over Redis alike. N rounds (``FAULT_RUNS``, 5 here by default: each reads two PDFs).
"""

from __future__ import annotations

import os
import time

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from audit.models import AuditEvent
from claims.models import Claim
from jobs import monitor
from jobs.models import TaskHandoff
from people.tests.factories import person
from reading.models import Reading, ReadingStatus
from registration.models import RegistrationRequest
from registration.tests.helpers import CHOSEN_PASSWORD, member_data
from tests.faults.conftest import assert_invariants, post_claim
from tests.faults.task_workers import wait_for

N = min(int(os.environ.get("FAULT_RUNS", "5")), 20)
pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.faults]


def register(client: Client, number: int) -> None:
    data = member_data(
        person(last_name="Martin", email=""), membership_number=f"19{number:08d}", email=f"lost{number}@example.fr"
    )
    data |= {"password1": CHOSEN_PASSWORD, "password2": CHOSEN_PASSWORD}
    response = client.post(reverse("registration:form", args=["member"]), data)
    assert response.status_code == 302, response.context["form"].errors


def test_work_committed_while_the_queue_is_down_is_done_later_exactly_once(
    engine, workers, api, family, queue_down, settings, temp_folder
):
    settings.READING_SUPPORTING_DOCUMENTS = True
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    cache.clear()  # the registration counters
    workers.env["FILES_ROOT"] = str(settings.MEDIA_ROOT)  # the workers read the documents this test stored
    workers.start()
    for n in range(N):
        assert post_claim(api, family, f"down-{n}", photo=False).status_code == 201
        register(Client(), n)
    assert Claim.objects.count() == N and Reading.objects.filter(status=ReadingStatus.PENDING).count() == 2 * N
    assert TaskHandoff.objects.count() == 2 * N and not RegistrationRequest.objects.exists()
    time.sleep(1)
    assert Reading.objects.filter(status=ReadingStatus.PENDING).count() == 2 * N, "the workers got nothing"

    queue_down.undo()  # the queue is back; the scheduled sweep runs
    call_command("tasks_requeue", minutes=0)
    wait_for(lambda: not Reading.objects.filter(status=ReadingStatus.PENDING).exists(), timeout=120)
    wait_for(lambda: RegistrationRequest.objects.count() == N, timeout=60)
    call_command("tasks_requeue", minutes=0)  # a second sweep finds nothing to hand over
    time.sleep(1.5)

    assert Reading.objects.filter(status=ReadingStatus.DONE).count() == 2 * N
    assert AuditEvent.objects.filter(action="reading.finished").count() == 2 * N  # each reading finished once
    assert AuditEvent.objects.filter(action="task.requeued").count() == 2 * N  # each task handed over once
    assert RegistrationRequest.objects.count() == N and not TaskHandoff.objects.exists()
    assert monitor.engine().dead_letters()[0] == 0
    assert assert_invariants(temp_folder) == {"claims": N, "documents": 2 * N}
    print(f"queue down at the commit ({engine}): {N} claims, {2 * N} readings, {N} registrations, 0 lost")  # noqa: T201
