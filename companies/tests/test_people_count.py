"""The employees page counts people, not rows: someone covered by two contracts of the company is one person."""

import pytest
from django.test import Client
from django.urls import reverse

from accounts.choices import ProfileKind
from accounts.tests import factories as f
from contracts.tests import factories as cf
from people.tests.factories import company, person

pytestmark = pytest.mark.django_db


def test_a_person_on_two_contracts_is_one_person_found():
    firm = company()
    someone = person()
    cf.subscriber(cf.collective_contract(firm), someone)
    cf.subscriber(cf.collective_contract(firm), someone)
    cf.subscriber(cf.collective_contract(firm), person())
    profile = f.profile(ProfileKind.COMPANY, firm)
    client = Client()
    client.cookies["om_language"] = "en"
    client.force_login(profile.user, backend="accounts.backends.IdentifierBackend")
    page = client.get(reverse("companies:employee_list")).content.decode()
    assert "2 people found (3 covers listed, one per contract)" in " ".join(page.split())
