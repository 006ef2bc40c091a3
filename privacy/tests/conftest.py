from __future__ import annotations

import pytest
from django.test import Client

from accounts.choices import StaffRole
from jobs.tests.fixtures import queue_down  # noqa: F401 - fixture
from privacy.tests import factories as pf
from registration.tests.helpers import logged_in_staff


def log_in(client: Client, user, language: str = "en") -> Client:
    client.cookies["om_language"] = language
    client.force_login(user, backend="accounts.backends.IdentifierBackend")
    return client


@pytest.fixture
def fam(db):
    return pf.family()


@pytest.fixture
def member_client(fam):
    return log_in(Client(), fam.profile.user)


@pytest.fixture
def dpo(db):
    client, staff = logged_in_staff(StaffRole.DPO)
    return client, staff
