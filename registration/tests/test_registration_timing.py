"""Account enumeration by timing on registration (issue 16): a membership number the insurer holds and one it does
not must cost the request the same. The request moves the counters, hashes the password and queues an encrypted
task (the production task backend, a database table): the matching, the rows and the emails happen after the
answer, in the worker. The hash is the same call for every submission; it runs here with the tests' fast hasher,
since Argon2 on a loaded CI machine varies by tens of milliseconds from one call to the next and would drown what
is measured.

Measured as an attacker would try it: a real number with the member's real details and an outside email (the
activation goes by post), a real number with a wrong birth date, and a number nobody holds — each request with a
new email, so none is answered as a double click of the one before.
"""

from __future__ import annotations

import statistics
import time
from itertools import count

import pytest
from django.test import Client
from django.urls import reverse

from people.tests.factories import person
from registration.choices import MatchState
from registration.models import RegistrationRequest
from registration.tests.helpers import ADDRESS, CHOSEN_PASSWORD, member_data

ROUNDS = 25
SCOPES = ("registration_ip", "registration_email", "registration_number", "registration_notice")
NO_LIMIT = dict.fromkeys(SCOPES, (100_000, 3600))

def _medians(client: Client, variants: dict[str, dict]) -> dict[str, float]:
    url = reverse("registration:form", args=["member"])
    emails = count()
    times: dict[str, list[float]] = {name: [] for name in variants}

    def post(data: dict) -> float:
        body = {**data, "email": f"probe{next(emails)}@outside.example", "password1": CHOSEN_PASSWORD,
                "password2": CHOSEN_PASSWORD}  # fmt: skip
        start = time.perf_counter()
        response = client.post(url, body)
        elapsed = (time.perf_counter() - start) * 1000
        assert response.status_code == 302, response.context["form"].errors
        return elapsed

    for data in variants.values():  # warm-up: templates, translations, first queries
        post(data)
    for _ in range(ROUNDS):
        for name, data in variants.items():
            times[name].append(post(data))
    return {name: statistics.median(values) for name, values in times.items()}


@pytest.mark.django_db(transaction=True)  # the answer commits, so its task is really queued
def test_known_and_unknown_membership_numbers_take_the_same_time(settings):
    from django_tasks_db.models import DBTaskResult

    from registration.tasks import registration_process

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    settings.REGISTRATION_LIMITS = NO_LIMIT
    member = person(last_name="Martin", first_name="Claire", email="on.file@example.fr", **ADDRESS)
    known = member_data(member)
    variants = {
        "known, real details": known,
        "known, wrong birth date": {**known, "birth_date": "1979-02-03"},
        "unknown number": {**known, "membership_number": "1999999999"},
    }
    medians = _medians(Client(), variants)
    print("registration: " + ", ".join(f"{name} {value:.1f} ms" for name, value in medians.items()))
    queued = list(DBTaskResult.objects.order_by("enqueued_at"))
    assert len(queued) == (ROUNDS + 1) * len(variants), "every submission, known or not, queued its task"
    assert not RegistrationRequest.objects.exists(), "nothing is matched before the answer"
    for result in queued[: len(variants)]:  # what the worker then does with them
        registration_process.call(*result.args_kwargs["args"])
    states = set(RegistrationRequest.objects.values_list("match", flat=True))
    assert {MatchState.BY_POST, MatchState.MISMATCH, MatchState.UNKNOWN} <= states, states
    unknown = medians["unknown number"]
    for name, value in medians.items():
        assert abs(value - unknown) < 10, f"{name} {value:.1f} ms, unknown number {unknown:.1f} ms"
