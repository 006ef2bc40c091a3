from __future__ import annotations

import pytest
from django.test import Client

from accounts.choices import StaffRole
from professionals.tests import factories as pf
from registration.tests.helpers import logged_in_staff


def log_in(client: Client, user, language: str = "en") -> Client:
    client.cookies["om_language"] = language
    client.force_login(user, backend="accounts.backends.IdentifierBackend")
    return client


@pytest.fixture
def pro(db):
    return pf.pro_profile()


@pytest.fixture
def other_pro(db):
    return pf.pro_profile()


@pytest.fixture
def pro_client(pro):
    return log_in(Client(), pro.user)


@pytest.fixture
def family(db):
    return pf.family()


@pytest.fixture
def claims_staff(db):
    client, staff = logged_in_staff(StaffRole.CLAIMS)
    return {"client": client, "profile": staff, "user": staff.user}


@pytest.fixture
def requests_staff(db):
    client, staff = logged_in_staff(StaffRole.REQUESTS)
    return {"client": client, "profile": staff, "user": staff.user}
