"""Fixtures of the API tests: a family, a company with employees, an agent, a professional, and helpers."""

from __future__ import annotations

import itertools
from datetime import date

import pytest
from django.core.cache import cache

from accounts.choices import ProfileKind
from accounts.tests import factories as f
from api import services
from contracts.choices import AffiliationRole
from contracts.models import Mandate
from contracts.tests import factories as cf
from people.models import Agent
from people.tests.factories import company, dependant, person
from providers.choices import ProfessionalKind, Specialty
from providers.models import HealthProfessional

_seq = itertools.count(1)


@pytest.fixture(autouse=True)
def _fresh_throttles():
    """Rate-limit counters live in the cache: each test starts with empty budgets."""
    cache.clear()
    yield
    cache.clear()


def bearer(secret: str) -> dict[str, str]:
    return {"HTTP_AUTHORIZATION": f"Bearer {secret}"}


def token_for(profile, name: str = "test") -> str:
    """A token acting in ``profile``; returns its secret."""
    return services.token_create(actor=profile.user, profile=profile, name=name, via="test")[1]


def log_in(client, user) -> None:
    """A browser session for ``user`` (the first authentication backend, axes, cannot load users)."""
    client.force_login(user, backend="accounts.backends.IdentifierBackend")


def obtain(client, username: str, password: str = f.PASSWORD, **extra):
    return client.post(
        "/api/auth/token", {"username": username, "password": password, **extra}, content_type="application/json"
    )


@pytest.fixture
def family():
    """A member holding an individual contract that covers a child too."""
    holder = person()
    contract = cf.individual_contract(holder)
    principal = contract.affiliations.get()
    child = cf.dependant_of(principal, dependant(first_name="Léa", birth_date=date(2015, 3, 2)))
    profile = f.profile(ProfileKind.MEMBER, holder)
    return {"profile": profile, "contract": contract, "principal": principal, "child": child}


@pytest.fixture
def other_family():
    holder = person()
    contract = cf.individual_contract(holder)
    return {"profile": f.profile(ProfileKind.MEMBER, holder), "contract": contract}


@pytest.fixture
def employer():
    """A company with a collective contract covering two employees (one with a spouse)."""
    firm = company()
    contract = cf.collective_contract(firm)
    first = cf.subscriber(contract, person())
    cf.dependant_of(first, dependant(), role=AffiliationRole.SPOUSE)
    cf.subscriber(contract, person())
    return {"profile": f.profile(ProfileKind.COMPANY, firm), "contract": contract}


@pytest.fixture
def agent_profile():
    n = next(_seq)
    agent = Agent.objects.create(membership_number=f"A{n:08d}", name=f"Cabinet {n}")
    return f.profile(ProfileKind.AGENT, agent)


def mandate(agent_profile, contract, **fields) -> Mandate:
    return Mandate.objects.create(
        agent=agent_profile.agent, contract=contract, start_date=fields.pop("start_date", date(2022, 1, 1)), **fields
    )


@pytest.fixture
def professional_profile():
    n = next(_seq)
    practitioner = HealthProfessional.objects.create(
        kind=ProfessionalKind.PRACTITIONER,
        name=f"Dr Test {n}",
        specialty=Specialty.GENERAL_PRACTICE,
        rpps=f"{10000000000 + n}",
    )
    return f.profile(ProfileKind.PROFESSIONAL, practitioner)
