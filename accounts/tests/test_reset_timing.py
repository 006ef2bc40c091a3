"""Account enumeration by timing on 'password forgotten' (issue 16, item 5): known and unknown identifiers
must cost the request the same. The request only moves two counters and queues a task (the production task
backend, a database table), so the account lookup and the email happen after the answer.

``benchmarks/reset_timing.py`` prints the same figures outside the test suite.
"""

from __future__ import annotations

import statistics
import time

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse
from django_tasks_db.models import DBTaskResult

from accounts.choices import ProfileKind
from accounts.tests import factories as f
from people.tests.factories import person

ROUNDS = 30
PRODUCTION_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
NO_LIMIT = {"password_reset_identifier": (10_000, 3600), "password_reset_ip": (10_000, 3600)}


def reset_medians(client: Client, known: str, unknown: str, rounds: int = ROUNDS) -> tuple[float, float]:
    """Median wall time in ms of the 'password forgotten' request, known vs unknown, interleaved."""
    url = reverse("accounts:password_forgotten")
    times: dict[str, list[float]] = {known: [], unknown: []}
    for _ in range(2):  # warm-up: templates, translations, first queries
        client.post(url, {"identifier": known})
        client.post(url, {"identifier": unknown})
    for _ in range(rounds):
        for identifier in (known, unknown):
            start = time.perf_counter()
            response = client.post(url, {"identifier": identifier})
            times[identifier].append((time.perf_counter() - start) * 1000)
            assert response.status_code == 200
    return statistics.median(times[known]), statistics.median(times[unknown])


@pytest.mark.django_db(transaction=True)  # the answer commits, so its task is really queued
def test_known_and_unknown_identifiers_take_the_same_time(settings):
    settings.TASKS = PRODUCTION_TASKS
    settings.PASSWORD_RESET_LIMITS = NO_LIMIT
    cache.clear()
    member = f.profile(ProfileKind.MEMBER, person())
    known_ms, unknown_ms = reset_medians(Client(), member.person.membership_number, "1999999999")
    print(f"password forgotten: known {known_ms:.2f} ms, unknown {unknown_ms:.2f} ms (median of {ROUNDS})")
    assert abs(known_ms - unknown_ms) < 10, f"known {known_ms:.1f} ms, unknown {unknown_ms:.1f} ms"
    assert DBTaskResult.objects.count() == 2 * (ROUNDS + 2), "every request, known or not, queued its task"
