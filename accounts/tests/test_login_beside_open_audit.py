"""A login records its audit event without waiting for a long transaction that holds events of its own (issue 11:
under a chain-head lock an 8 s transaction made a member login take 8 s). PostgreSQL: SQLite lets one writer in."""

import threading
import time

import pytest
from django.db import connection, transaction
from django.urls import reverse

from accounts.choices import ProfileKind
from accounts.tests import factories as f
from audit.chain import seal, verify_chain
from audit.models import AuditEvent
from audit.services import record
from people.tests.factories import person

HOLD = 8.0

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite serialises writers with its database lock"),
]


def test_a_login_completes_while_a_transaction_holds_recorded_events_open_8_seconds(client):
    member = f.profile(ProfileKind.MEMBER, person())
    recorded, release = threading.Event(), threading.Event()
    held = {}

    def hold() -> None:
        try:
            with transaction.atomic():
                for n in range(3):
                    record(actor=None, action="contract.updated", data={"n": n})
                recorded.set()
                started = time.monotonic()
                release.wait(HOLD)
                held["seconds"] = time.monotonic() - started
        finally:
            connection.close()

    holder = threading.Thread(target=hold)
    holder.start()
    assert recorded.wait(10)
    started = time.monotonic()
    response = client.post(reverse("accounts:login"), {"username": member.user.username, "password": f.PASSWORD})
    took = time.monotonic() - started
    still_open = holder.is_alive()
    release.set()
    holder.join()
    assert response.status_code == 302
    assert still_open and took < 3, f"the login took {took:.2f} s beside the open transaction"
    assert AuditEvent.objects.filter(action="account.logged_in", actor_id=member.user.pk).exists()
    seal(wait=30)
    assert verify_chain().ok
