"""Fixtures of the company space's tests: two companies with employees, an agent with a mandate, staff."""

from __future__ import annotations

from datetime import date
from types import SimpleNamespace

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from accounts.choices import ProfileKind, StaffRole
from accounts.tests import factories as f
from contracts.choices import AffiliationRole
from contracts.models import Mandate
from contracts.tests import factories as cf
from people.tests.factories import company, dependant, person
from registration.tests.helpers import agent

NIR_1985_04 = "185047512345697"  # a man born in April 1985 (key 97 - n mod 97)


def nir(body: str) -> str:
    return f"{body}{97 - int(body) % 97:02d}"


def employer(name: str = "Atelier Lumière", employees: int = 2):
    firm = company(name=name)
    contract = cf.collective_contract(firm)
    people = []
    for n in range(employees):
        cover = cf.subscriber(contract, person(last_name=f"{name.split()[0]}Emp{n}", first_name="Jules"))
        people.append(cover)
    if people:
        cf.dependant_of(
            people[0], dependant(last_name="Enfant", birth_date=date(2015, 6, 1)), role=AffiliationRole.CHILD
        )
    profile = f.profile(ProfileKind.COMPANY, firm)
    return SimpleNamespace(company=firm, contract=contract, covers=people, profile=profile)


@pytest.fixture
def acme(db):
    return employer("Acme Industrie", employees=3)


@pytest.fixture
def rival(db):
    return employer("Rival Conseil", employees=2)


@pytest.fixture
def broker(db, acme):
    """An agent with a mandate in force on Acme's contract."""
    firm = agent()
    Mandate.objects.create(agent=firm, contract=acme.contract, start_date=date(2022, 1, 1))
    return f.profile(ProfileKind.AGENT, firm)


def logged_in(profile) -> Client:
    client = Client()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = client.post(reverse("accounts:login"), {"username": profile.user.username, "password": f.PASSWORD})
    assert response.status_code == 302
    return client


@pytest.fixture
def staff(db):
    return f.staff(StaffRole.REQUESTS)
