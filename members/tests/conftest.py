"""Fixtures of the member-space tests: families on individual, collective and welfare contracts."""

from __future__ import annotations

import re
import uuid
from datetime import date
from types import SimpleNamespace

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from accounts.choices import ProfileKind, StaffRole
from accounts.tests import factories as f
from contracts.choices import CompulsorySchemeMode, ProductLine
from contracts.tests import factories as cf
from core.testing.documents import pdf_bytes
from people.tests.factories import company, dependant, person

IBAN = "FR7630006000011234567890189"
OTHER_IBAN = "FR1420041010050500013M02606"
LINK = re.compile(r"https?://\S+/space/me/\S+/")


def client_for(profile) -> Client:
    client = Client()
    client.cookies["om_language"] = "en"
    client.force_login(profile.user, backend="accounts.backends.IdentifierBackend")
    return client


def pdf(name: str = "proof.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, pdf_bytes(), content_type="application/pdf")


def links_in(message) -> list[str]:
    return LINK.findall(message.body)


def fake_request(*, person, contract=None, **payload) -> SimpleNamespace:
    """What an applier reads from a demarches Request, for testing appliers on their own."""
    return SimpleNamespace(
        payload=payload,
        subject_person=person,
        subject_contract=contract,
        public_id=uuid.uuid4(),
        submitted_at=timezone.now(),
    )


def member_of(target_person, **user_fields):
    return f.profile(ProfileKind.MEMBER, target_person, account=f.user(**user_fields))


@pytest.fixture(autouse=True)
def _empty_outbox():
    mail.outbox = []


@pytest.fixture
def family():
    """A holder of an individual health contract covering a child; the login's email is the record's."""
    holder = person(
        last_name="Durand",
        first_name="Anne",
        address_line1="3 rue des Lilas",
        postal_code="69001",
        city="Lyon",
        phone="+33612345678",
    )
    contract = cf.individual_contract(holder)
    principal = contract.affiliations.get()
    child = cf.dependant_of(principal, dependant(last_name="Durand", first_name="Léa", birth_date=date(2015, 3, 2)))
    profile = member_of(holder, email=holder.email)
    return SimpleNamespace(
        holder=holder, contract=contract, principal=principal, child=child, profile=profile, client=client_for(profile)
    )


@pytest.fixture
def other_family():
    holder = person(last_name="Bernard", first_name="Marc")
    contract = cf.individual_contract(holder)
    principal = contract.affiliations.get()
    child = cf.dependant_of(principal, dependant(last_name="Bernard", first_name="Tom", birth_date=date(2012, 1, 1)))
    welfare = cf.individual_contract(holder, product=welfare_product())
    profile = member_of(holder)
    return SimpleNamespace(holder=holder, contract=contract, child=child, welfare=welfare, profile=profile)


def welfare_product():
    return cf.product(line=ProductLine.WELFARE, scheme_mode=CompulsorySchemeMode.NOT_APPLICABLE)


@pytest.fixture
def welfare_member():
    """An employee covered by a collective welfare contract and a collective health one (with a spouse)."""
    employee = person(last_name="Petit", first_name="Jules", birth_date=date(1975, 6, 1))
    firm = company()
    welfare = cf.collective_contract(
        firm,
        product=cf.product(
            line=ProductLine.WELFARE, scheme_mode=CompulsorySchemeMode.NOT_APPLICABLE, for_companies=True
        ),
    )
    health = cf.collective_contract(firm)
    welfare_cover = cf.subscriber(welfare, employee)
    health_cover = cf.subscriber(health, employee)
    profile = member_of(employee)
    return SimpleNamespace(
        person=employee,
        welfare=welfare,
        health=health,
        welfare_cover=welfare_cover,
        health_cover=health_cover,
        profile=profile,
        client=client_for(profile),
    )


@pytest.fixture
def staff_user():
    return f.staff(StaffRole.REQUESTS).user
