"""Who reaches the member pages, the home-page entries, and query counts that do not grow with the data."""

from __future__ import annotations

import re
from datetime import date

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.choices import ProfileKind
from accounts.tests import factories as f
from contracts.choices import AffiliationRole
from contracts.tests import factories as cf
from core.menu import entries_for
from members import request_kinds, services
from members.choices import PreferenceCode
from members.tests.conftest import client_for, fake_request
from people.tests.factories import company, dependant

pytestmark = pytest.mark.django_db

PAGES = ["members:personal", "members:bank_account", "members:beneficiaries", "members:preferences"]


@pytest.mark.parametrize("name", PAGES)
def test_anonymous_visitors_are_sent_to_the_login(name):
    response = Client().get(reverse(name))
    assert response.status_code == 302 and "/login/" in response["Location"]


@pytest.mark.parametrize("name", PAGES)
def test_other_profiles_get_a_404(name):
    firm = f.profile(ProfileKind.COMPANY, company())
    assert client_for(firm).get(reverse(name)).status_code == 404


def test_the_member_home_page_links_the_three_pages(family):
    titles = [str(entry.title) for entry, _url in entries_for(family.profile)]
    assert {"My personal information", "My beneficiaries", "My preferences"} <= set(titles)
    firm = f.profile(ProfileKind.COMPANY, company())
    assert "My beneficiaries" not in [str(entry.title) for entry, _url in entries_for(firm)]


def test_the_kinds_are_registered_for_members():
    from demarches import kinds

    codes = {kind.code for kind in kinds.for_profile("member")}
    expected = {"civil_status_change", "iban_change", "reference_salary_change", "beneficiary_add"}
    assert expected | {"beneficiary_remove", "death_beneficiary"} <= codes
    assert kinds.get("beneficiary_add").min_attachments == 1
    assert all(kinds.get(code).apply is not None and kinds.get(code).start_url_name for code in expected)


def _grow(family, n: int) -> None:
    for i in range(n):
        cf.dependant_of(family.principal, dependant(first_name=f"Kid{i}", birth_date=date(2010 + i, 1, 1)))
        cf.individual_contract(family.holder)
        services.preferences_save(actor=None, user=family.profile.user, values={PreferenceCode.COMMERCIAL: i % 2 == 0})


@pytest.mark.parametrize("name", PAGES)
def test_page_queries_do_not_grow_with_the_data(family, name, django_assert_max_num_queries):
    url = reverse(name)
    family.client.get(url)
    with CaptureQueriesContext(connection) as few:
        assert family.client.get(url).status_code == 200
    _grow(family, 6)
    with django_assert_max_num_queries(len(few)):
        assert family.client.get(url).status_code == 200


def test_the_beneficiaries_page_of_a_welfare_member_is_bounded(
    welfare_member, staff_user, django_assert_max_num_queries
):
    for _ in range(3):
        request_kinds.apply_death_beneficiary(
            request=fake_request(person=welfare_member.person, contract=welfare_member.welfare, clause_type="standard"),
            actor=staff_user,
        )
    for n in range(5):
        cf.dependant_of(
            welfare_member.health_cover,
            dependant(first_name=f"C{n}", birth_date=date(2005 + n, 1, 1)),
            role=AffiliationRole.CHILD,
        )
    with django_assert_max_num_queries(16):
        response = welfare_member.client.get(reverse("members:beneficiaries"))
    assert response.status_code == 200 and len(re.findall(r"\bC4\b", response.content.decode())) == 1
