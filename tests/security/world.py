"""The world of the access matrix: one ready login per actor of ``core.testing.objects.ACTORS``.

Built once per module (see ``test_access_matrix.world``): families, companies, agents, a
professional and one staff login per role, each logged in through the real login page
(staff with their second factor) and, for the profiles the API serves, holding a bearer
token made by the token service.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.choices import ProfileKind, StaffRole
from accounts.models import Profile
from accounts.tests import factories as f
from api import services as api_services
from contracts.choices import AffiliationRole
from contracts.models import Mandate
from contracts.tests import factories as cf
from core.testing.objects import ACTORS, WORLD_HOOKS, Actor
from people.tests.factories import company, dependant, person
from registration.tests.helpers import agent, professional
from twofactor.tests.helpers import login_verified


@dataclass
class Session:
    """An actor as the matrix drives it: its profile, its browser session, its API credentials."""

    actor: Actor
    profile: Profile | None
    web: Client
    api: Client
    api_headers: dict[str, str] = field(default_factory=dict)


def _client() -> Client:
    client = Client()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def _login(profile: Profile) -> Client:
    client = _client()
    if profile.kind == ProfileKind.STAFF:
        login_verified(client, profile.user)
    else:
        response = client.post(reverse("accounts:login"), {"username": profile.user.username, "password": f.PASSWORD})
        assert response.status_code == 302, f"{profile} could not log in"
    return client


def family_contract(holder=None):
    """An individual contract covering its holder; returns (contract, principal affiliation)."""
    holder = holder or person()
    contract = cf.individual_contract(holder)
    return contract, contract.affiliations.get()


def company_contract(firm=None):
    """A collective contract of a company, with one employee and the employee's spouse."""
    firm = firm or company()
    contract = cf.collective_contract(firm)
    employee = cf.subscriber(contract, person())
    cf.dependant_of(employee, dependant(), role=AffiliationRole.SPOUSE)
    return contract


def lapsed_mandate_end() -> date:
    """A mandate that ended before this date no longer gives access (grace period, SPEC E8)."""
    return timezone.localdate() - relativedelta(months=settings.ACCOUNT_GRACE_MONTHS + 6)


def _profiles() -> dict[str, Profile]:
    holder = person(first_name="Hélène")
    contract, principal = family_contract(holder)
    spouse = person(first_name="Samuel")
    cf.dependant_of(principal, spouse, role=AffiliationRole.SPOUSE)
    cf.dependant_of(principal, dependant(first_name="Léa", birth_date=date(2015, 3, 2)))

    other_holder = person(first_name="Olivier")
    family_contract(other_holder)

    firm, other_firm = company(), company()
    company_contract(firm)
    company_contract(other_firm)

    broker, lapsed_broker = agent(), agent()
    client_contract, _ = family_contract()
    Mandate.objects.create(agent=broker, contract=client_contract, start_date=date(2022, 1, 1))
    former_client_contract, _ = family_contract()
    Mandate.objects.create(
        agent=lapsed_broker, contract=former_client_contract, start_date=date(2015, 1, 1), end_date=lapsed_mandate_end()
    )

    profiles = {
        "member": f.profile(ProfileKind.MEMBER, holder),
        "dependant": f.profile(ProfileKind.MEMBER, spouse),
        "other_member": f.profile(ProfileKind.MEMBER, other_holder),
        "company": f.profile(ProfileKind.COMPANY, firm),
        "other_company": f.profile(ProfileKind.COMPANY, other_firm),
        "agent": f.profile(ProfileKind.AGENT, broker),
        "agent_unmandated": f.profile(ProfileKind.AGENT, lapsed_broker),
        "professional": f.profile(ProfileKind.PROFESSIONAL, professional()),
    }
    for role in StaffRole:
        profiles[f"staff_{role.value}"] = f.staff(role)
    return profiles


def build() -> dict[str, Session]:
    """Every actor, logged in: web session, and an API bearer token where the API serves the profile."""
    profiles = _profiles()
    for hook in WORLD_HOOKS:  # the apps' records around the actors (core.testing.objects.populate)
        hook(dict(profiles))
    sessions = {}
    for actor in ACTORS:
        profile = profiles.get(actor.name)
        if actor.kind is None:
            sessions[actor.name] = Session(actor, None, _client(), _client())
            continue
        assert profile is not None, f"the matrix's world has no login for the actor {actor.name!r}"
        web = _login(profile)
        if profile.kind == ProfileKind.STAFF:  # the API gives staff no token: they call it with their session
            sessions[actor.name] = Session(actor, profile, web, web)
            continue
        _token, secret = api_services.token_create(actor=profile.user, profile=profile, name="matrix", via="test")
        sessions[actor.name] = Session(actor, profile, web, _client(), {"Authorization": f"Bearer {secret}"})
    return sessions
