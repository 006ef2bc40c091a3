"""Fixtures of the contributions' tests: a family on an individual health contract, a company, an agent."""

from __future__ import annotations

from datetime import date
from types import SimpleNamespace

import pytest
from django.test import Client

from accounts.choices import ProfileKind, StaffRole
from accounts.tests import factories as f
from contracts.choices import AffiliationRole
from contracts.models import Mandate
from contracts.tests import factories as cf
from people.tests.factories import company, dependant, person
from registration.tests.helpers import agent as make_agent
from registration.tests.helpers import logged_in_staff


def log_in(user, language: str = "en") -> Client:
    client = Client()
    client.cookies["om_language"] = language
    client.force_login(user, backend="accounts.backends.IdentifierBackend")
    return client


@pytest.fixture(autouse=True)
def _file_mail(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    settings.PORTAL_URL = "http://127.0.0.1:9"  # nothing listens: the sandbox's notifications are posted by the tests


def make_family(language: str = "en", **contract_fields):
    holder = person(first_name="Anne", last_name="Durand", birth_date=date(1980, 5, 1), email="anne@example.fr")
    contract = cf.individual_contract(holder, **contract_fields)
    principal = contract.affiliations.get()
    spouse = person(first_name="Paul", last_name="Durand", birth_date=date(1985, 2, 1))
    cf.dependant_of(principal, spouse, role=AffiliationRole.SPOUSE)
    cf.dependant_of(principal, dependant(first_name="Léa", last_name="Durand", birth_date=date(2015, 3, 2)))
    account = f.user(language=language, email="anne@example.fr", first_name="Anne")
    profile = f.profile(ProfileKind.MEMBER, holder, account=account)
    spouse_profile = f.profile(ProfileKind.MEMBER, spouse)
    return SimpleNamespace(holder=holder, contract=contract, profile=profile, user=account, spouse=spouse_profile)


@pytest.fixture
def family(db):
    return make_family()


@pytest.fixture
def other_family(db):
    return make_family()


@pytest.fixture
def firm(db):
    holder = company()
    contract = cf.collective_contract(holder)
    for first in ("Marc", "Inès"):
        cf.subscriber(contract, person(first_name=first, birth_date=date(1990, 1, 1)))
    profile = f.profile(ProfileKind.COMPANY, holder)
    return SimpleNamespace(company=holder, contract=contract, profile=profile, user=profile.user)


@pytest.fixture
def broker(family):
    firm_agent = make_agent()
    Mandate.objects.create(agent=firm_agent, contract=family.contract, start_date=date(2022, 1, 1))
    profile = f.profile(ProfileKind.AGENT, firm_agent)
    return SimpleNamespace(agent=firm_agent, profile=profile, user=profile.user)


@pytest.fixture
def staff_client(db):
    client, _staff = logged_in_staff(StaffRole.CONTRIBUTIONS)
    return client
