"""Inputs schemathesis found answering 500 (issue 16 item 8): each now gets a clean 4xx JSON answer."""

from __future__ import annotations

import pytest
from django.test import Client

from core import throttling
from privacy.models import PrivacyRequest
from privacy.services import IDENTITY_MAX_FAILURES, THROTTLE_SCOPE
from privacy.tests.test_api import api, body  # noqa: F401 - the fixture and the body builder

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("digits", ["١٢٣٤", "０１８９", "٠١٨٩"])
def test_non_ascii_digits_in_the_iban_are_a_counted_wrong_answer(api, fam, digits):  # noqa: F811
    response = api.post("/api/privacy/requests", body(fam, iban_last4=digits), content_type="application/json")
    assert response.status_code == 422 and response.json()["field"] == "iban_last4"
    assert throttling.count(THROTTLE_SCOPE, str(fam.profile.user.pk)) == 1
    assert not PrivacyRequest.objects.exists()


def test_non_ascii_tries_reach_the_limit_like_any_other(api, fam):  # noqa: F811
    for _ in range(IDENTITY_MAX_FAILURES):
        api.post("/api/privacy/requests", body(fam, iban_last4="١٢٣٤"), content_type="application/json")
    right = api.post("/api/privacy/requests", body(fam), content_type="application/json")
    assert right.status_code == 422 and not PrivacyRequest.objects.exists()


@pytest.mark.parametrize("page", ["99999999999999999999999", "100001", "0", "-3"])
def test_a_huge_or_silly_page_number_is_422(api, page):  # noqa: F811
    response = api.get(f"/api/privacy/requests?page={page}")
    assert response.status_code == 422 and response.json()["field"] == "page"


def test_a_large_but_possible_page_is_an_empty_page(api):  # noqa: F811
    response = api.get("/api/privacy/requests?page=100000&page_size=100")
    assert response.status_code == 200 and response.json()["items"] == []


@pytest.mark.parametrize("path", ["/api/privacy/requests", "/api/auth/token", "/api/requests"])
def test_multipart_without_boundary_is_a_clean_400(api, path):  # noqa: F811
    response = api.post(path, data=b"--x\r\n", content_type="multipart/form-data")
    assert response.status_code in (400, 415, 422), response.content
    assert response["Content-Type"] == "application/json"
    anonymous = Client().post(path, data=b"--x\r\n", content_type="multipart/form-data")
    assert anonymous.status_code < 500 and anonymous["Content-Type"] == "application/json"
