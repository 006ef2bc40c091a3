"""Every page of every space has the header menu of its sections and, below the home, a breadcrumb (issue 14); each
home puts first what waits for the profile, within its query budget."""

from __future__ import annotations

import itertools
from datetime import date

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.choices import ProfileKind
from accounts.tests import factories as f
from benefits.tests import factories as bf
from contracts.models import Mandate
from contracts.tests import factories as cf
from core.menu import entries_for
from people.models import Agent
from people.tests.factories import company, person
from providers.choices import ProfessionalKind, Specialty
from providers.models import HealthProfessional

pytestmark = pytest.mark.django_db
_seq = itertools.count(1)
KINDS = ("member", "company", "agent", "professional")
HOME_BUDGET = 10


@pytest.fixture(autouse=True)
def _fresh_throttles():
    cache.clear()
    yield
    cache.clear()


def make_profile(kind: str):
    n = next(_seq)
    if kind == "member":
        return bf.family(product=bf.tp_product())["profile"]
    if kind == "company":
        firm = company()
        cf.subscriber(cf.collective_contract(firm), person())
        return f.profile(ProfileKind.COMPANY, firm)
    if kind == "agent":
        agent = Agent.objects.create(membership_number=f"A{n:08d}", name=f"Cabinet {n}")
        firm = company()
        Mandate.objects.create(agent=agent, contract=cf.collective_contract(firm), start_date=date(2022, 1, 1))
        return f.profile(ProfileKind.AGENT, agent)
    practitioner = HealthProfessional.objects.create(
        kind=ProfessionalKind.PRACTITIONER,
        name=f"Dr Nav {n}",
        specialty=Specialty.GENERAL_PRACTICE,
        rpps=f"{20000000000 + n}",
    )
    return f.profile(ProfileKind.PROFESSIONAL, practitioner)


def client_for(profile) -> Client:
    client = Client()
    client.cookies["om_language"] = "en"
    client.force_login(profile.user, backend="accounts.backends.IdentifierBackend")
    return client


@pytest.mark.parametrize("kind", KINDS)
def test_every_page_of_the_space_has_the_menu_and_a_breadcrumb(kind):
    profile = make_profile(kind)
    client = client_for(profile)
    urls = [url for _entry, url in entries_for(profile)]
    assert len(urls) >= 5
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        page = response.content.decode()
        assert 'class="container space-menu"' in page, url
        assert 'aria-label="Breadcrumb"' in page, url
        assert f'href="{url}" aria-current="page"' in page, url
    home = client.get(reverse("accounts:dashboard")).content.decode()
    assert 'aria-label="Breadcrumb"' not in home  # the home lists every section itself
    assert all(url in home for url in urls)


def test_a_page_below_a_section_marks_its_section_and_links_back():
    profile = make_profile("member")
    page = client_for(profile).get(reverse("members:beneficiary_add")).content.decode()
    beneficiaries = reverse("members:beneficiaries")
    assert f'href="{beneficiaries}" aria-current="true"' in page
    assert f'<li><a href="{beneficiaries}">My beneficiaries</a></li>' in page


def test_a_login_with_two_profiles_switches_from_the_header():
    profile = make_profile("member")
    firm = company()
    second = f.profile(ProfileKind.COMPANY, firm, account=profile.user)
    client = client_for(profile)
    client.post(reverse("accounts:profile_choose"), {"profile": str(second.public_id)})
    page = client.get(reverse("companies:contract_list")).content.decode()
    assert reverse("accounts:profile_choose") in page.split("</header>")[0]


@pytest.mark.parametrize("kind", ("company", "agent", "professional"))
def test_each_home_stays_within_its_query_budget(kind):
    profile = make_profile(kind)
    client = client_for(profile)
    client.get(reverse("accounts:dashboard"))
    with CaptureQueriesContext(connection) as captured:
        assert client.get(reverse("accounts:dashboard")).status_code == 200
    real = [q["sql"] for q in captured.captured_queries if not q["sql"].startswith(("SAVEPOINT", "RELEASE SAVEPOINT"))]
    assert len(real) <= HOME_BUDGET, "\n".join(real)
