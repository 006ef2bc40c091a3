"""Lockout alerts (SPEC A8): the owner of a locked account is told once, not at every further try.

Found by the lockout browser journey (tests/journeys/test_account_security_journeys.py).
"""

import pytest
from django.core import mail
from django.urls import reverse

from accounts.choices import ProfileKind
from accounts.tests import factories as f
from audit.models import AuditEvent
from people.tests.factories import person

pytestmark = pytest.mark.django_db

ALERT = "Unsuccessful login attempts on your account"


def _alerts(address: str) -> int:
    return sum(1 for message in mail.outbox if message.to == [address] and message.subject == ALERT)


def test_a_locked_account_alerts_its_owner_once(client, django_capture_on_commit_callbacks):
    account = f.user(language="en")
    f.profile(ProfileKind.MEMBER, person(), account=account)
    with django_capture_on_commit_callbacks(execute=True):  # the alert leaves through the outbox after the commit
        for _ in range(10):
            client.post(reverse("accounts:login"), {"username": account.username, "password": "Not-My-Password-2026"})
    assert _alerts(account.email) == 1, "the 10th failure locks the account and alerts its owner"
    with django_capture_on_commit_callbacks(execute=True):
        for password in ("Not-My-Password-2026", "Another-Wrong-One-77", f.PASSWORD):
            response = client.post(reverse("accounts:login"), {"username": account.username, "password": password})
            assert response.status_code == 200  # still locked, answered like a wrong password
    assert _alerts(account.email) == 1
    assert AuditEvent.objects.filter(action="account.locked_out").count() == 1
