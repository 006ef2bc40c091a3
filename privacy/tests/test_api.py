"""Rights requests over the API (SPEC G2, X5): filing with the digits check, listing, the copy."""

from __future__ import annotations

import pytest
from django.test import Client

from accounts.choices import StaffRole
from privacy.choices import RequestStatus, RightKind
from privacy.models import PrivacyRequest
from privacy.tests import factories as pf
from privacy.tests.objects import _with_copy
from registration.tests.helpers import logged_in_staff

pytestmark = pytest.mark.django_db


@pytest.fixture
def api(fam):
    from api.services import token_create

    _token, secret = token_create(actor=fam.profile.user, profile=fam.profile, name="tests", via="web")
    return Client(headers={"Authorization": f"Bearer {secret}"})


def body(fam, **extra) -> dict:
    return {"kind": "portability", "membership_number": fam.holder.membership_number, "iban_last4": "0189", **extra}


def test_a_member_files_and_lists_its_requests(api, fam):
    created = api.post(
        "/api/privacy/requests", body(fam), content_type="application/json", headers={"Idempotency-Key": "k-123456"}
    )
    assert created.status_code == 201, created.content
    again = api.post(
        "/api/privacy/requests", body(fam), content_type="application/json", headers={"Idempotency-Key": "k-123456"}
    )
    assert again.json()["id"] == created.json()["id"]
    assert PrivacyRequest.objects.count() == 1
    listed = api.get("/api/privacy/requests").json()
    assert listed["count"] == 1 and listed["items"][0]["status"] == RequestStatus.IN_PROGRESS


def test_wrong_digits_and_extra_fields_are_422_and_store_nothing(api, fam):
    wrong = api.post("/api/privacy/requests", body(fam, iban_last4="1234"), content_type="application/json")
    assert wrong.status_code == 422 and wrong.json()["field"] == "iban_last4"
    extra = api.post("/api/privacy/requests", body(fam, admin=True), content_type="application/json")
    assert extra.status_code == 422
    unknown = api.post("/api/privacy/requests", body(fam, kind="everything"), content_type="application/json")
    assert unknown.status_code == 422
    assert not PrivacyRequest.objects.exists()


def test_the_copy_downloads_once_ready(api, fam):
    request = pf.privacy_request(fam.profile, kind=RightKind.ACCESS, status=RequestStatus.ANSWERED)
    url = f"/api/privacy/requests/{request.public_id}/export.json"
    assert api.get(url).status_code == 404
    _with_copy(request)
    assert api.get(url).status_code == 200


def test_staff_get_no_requests_list(db):
    client, _staff = logged_in_staff(StaffRole.DPO)
    assert client.get("/api/privacy/requests").status_code in (401, 403)
