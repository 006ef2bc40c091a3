from __future__ import annotations

import pytest
from django.test import Client

from accounts.choices import StaffRole
from benefits.tests import factories as bf
from registration.tests.helpers import logged_in_staff


def log_in(client: Client, user, language: str = "en") -> Client:
    client.cookies["om_language"] = language
    client.force_login(user, backend="accounts.backends.IdentifierBackend")
    return client


@pytest.fixture
def product(db):
    return bf.tp_product()


@pytest.fixture
def family(product):
    return bf.family(product=product)


@pytest.fixture
def other_family(product):
    return bf.family(product=product, iban=bf.IBANS[1])


@pytest.fixture
def member_client(family):
    return log_in(Client(), family["profile"].user)


@pytest.fixture
def claims_staff():
    client, staff = logged_in_staff(StaffRole.CLAIMS)
    return {"client": client, "profile": staff, "user": staff.user}
