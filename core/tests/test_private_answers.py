"""Authenticated answers are stored by no cache; public pages stay cacheable (issue 16 item 8)."""

import pytest
from django.test import Client
from django.urls import reverse

from accounts.choices import ProfileKind
from accounts.tests import factories as f
from api.tests.conftest import bearer, token_for
from people.tests.factories import person

pytestmark = pytest.mark.django_db


@pytest.fixture
def member():
    return f.profile(ProfileKind.MEMBER, person())


def test_a_member_page_is_no_store(member):
    client = Client()
    client.post(reverse("accounts:login"), {"username": member.user.username, "password": f.PASSWORD})
    response = client.get(reverse("accounts:dashboard"), follow=True)
    assert response.status_code == 200 and response.wsgi_request.user == member.user
    assert "no-store" in response["Cache-Control"] and response["Pragma"] == "no-cache"


def test_an_api_answer_is_no_store(member):
    response = Client().get("/api/me", **bearer(token_for(member)))
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"] and response["Pragma"] == "no-cache"


def test_a_refused_api_call_with_a_token_is_no_store():
    response = Client().get("/api/me", **bearer("not-a-token"))
    assert response.status_code == 401 and "no-store" in response["Cache-Control"]


def test_public_pages_stay_cacheable():
    response = Client().get(reverse("core:terms"))
    assert response.status_code == 200
    assert "no-store" not in response.get("Cache-Control", "") and not response.has_header("Pragma")
