"""The member endpoints of the API: same rules, scoping and field errors as the pages (SPEC X5)."""

from __future__ import annotations

from datetime import date

import pytest
from django.core import mail

from accounts.choices import ProfileKind
from accounts.tests import factories as f
from api.tests.conftest import bearer, token_for
from audit.models import AuditEvent
from members import selectors
from members.choices import PreferenceCode
from members.tests.conftest import IBAN, OTHER_IBAN, member_of
from people import selectors as people_selectors
from people.models import BankAccount
from people.services import bank_account_add
from people.tests.factories import company

pytestmark = pytest.mark.django_db


@pytest.fixture
def api(family):
    secret = token_for(family.profile)

    def call(method, path, body=None):
        kwargs = {"content_type": "application/json"} if body is not None else {}
        return getattr(family.client, method)(f"/api/me{path}", body, **kwargs, **bearer(secret))

    return call


def test_person_shows_the_iban_masked(family, api):
    bank_account_add(actor=None, owner=family.holder, iban=IBAN, holder_name="Anne", valid_from=date(2022, 1, 1))
    body = api("get", "/person").json()
    assert body["last_name"] == "Durand" and body["address"]["city"] == "Lyon"
    assert body["bank_account"]["iban_masked"] == "FR76 •••• •••• 0189" and IBAN not in str(body)
    assert "nir" not in body and body["iban_change_by_request"] is False


def test_patch_applies_address_and_phone_at_once(family, api):
    response = api("patch", "/person", {"city": "Grenoble", "postal_code": "38000", "phone": "+33 4 76 00 00 00"})
    assert response.status_code == 200, response.json()
    assert response.json()["address"]["city"] == "Grenoble" and response.json()["phone"] == "+33476000000"
    family.holder.refresh_from_db()
    assert family.holder.city == "Grenoble" and AuditEvent.objects.filter(action="person.contact_updated").exists()


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"phone": "12345"}, "phone"),
        ({"city": "x" * 10_000}, "city"),
        ({"city": ""}, "city"),
        ({"address_line1": "<script>alert(1)</script>"}, "address_line1"),
        ({"city": 12}, "city"),
        ({"nir": "1800575123456"}, "nir"),
        ({"email": "not-an-email", "password": f.PASSWORD}, "email"),
        ({"email": "new@example.org"}, "password"),
        ({"email": "new@example.org", "password": "Wrong-password-123"}, "password"),
    ],
)
def test_patch_errors_name_the_field_and_change_nothing(family, api, body, field):
    response = api("patch", "/person", body)
    assert response.status_code == 422 and response.json()["field"] == field, response.json()
    family.holder.refresh_from_db()
    assert family.holder.city == "Lyon" and mail.outbox == []


def test_patch_of_the_email_starts_the_confirmation(family, api, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = api("patch", "/person", {"email": "anne.api@example.org", "password": f.PASSWORD})
    assert response.status_code == 200 and response.json()["email_confirmation_pending"] is True
    assert response.json()["email"] == family.holder.email  # unchanged until the link is opened
    assert {tuple(m.to) for m in mail.outbox} == {("anne.api@example.org",), (family.holder.email,)}


def test_bank_account_put_requires_the_password_and_a_valid_iban(family, api, django_capture_on_commit_callbacks):
    assert api("put", "/bank-account", {"iban": IBAN}).status_code == 422
    assert api("put", "/bank-account", {"iban": IBAN}).json()["field"] == "password"
    wrong = api("put", "/bank-account", {"iban": IBAN, "password": "Wrong-password-123"})
    assert (wrong.status_code, wrong.json()["field"]) == (422, "password")
    invalid = api("put", "/bank-account", {"iban": "FR76 0000", "password": f.PASSWORD})
    assert (invalid.status_code, invalid.json()["field"]) == (422, "iban")
    assert not BankAccount.objects.exists()
    with django_capture_on_commit_callbacks(execute=True):
        done = api("put", "/bank-account", {"iban": OTHER_IBAN, "password": f.PASSWORD})
    assert done.status_code == 200 and done.json()["iban_masked"] == "FR14 •••• •••• 2606"
    assert done.json()["holder_name"] == family.holder.full_name
    assert people_selectors.current_bank_account(family.holder).iban == OTHER_IBAN
    assert mail.outbox and "FR14 •••• •••• 2606" in mail.outbox[-1].body


def test_bank_account_put_for_a_collective_only_member_points_to_the_request(welfare_member):
    response = welfare_member.client.put(
        "/api/me/bank-account",
        {"iban": IBAN, "password": f.PASSWORD},
        content_type="application/json",
        **bearer(token_for(welfare_member.profile)),
    )
    assert (response.status_code, response.json()["field"]) == (403, "iban")
    assert not BankAccount.objects.exists()


def test_beneficiaries_per_contract(family, api):
    body = api("get", "/beneficiaries").json()
    assert [cover["contract_number"] for cover in body] == [family.contract.number]
    people = body[0]["people"]
    assert [(p["first_name"], p["role"], p["status"]) for p in people] == [
        ("Anne", "subscriber", "open"),
        ("Léa", "child", "open"),
    ]
    assert body[0]["is_subscriber"] is True and body[0]["death_benefit"] is None


def test_a_dependant_sees_only_themselves(family, client):
    child = member_of(family.child.person)
    body = client.get("/api/me/beneficiaries", **bearer(token_for(child))).json()
    assert [p["first_name"] for cover in body for p in cover["people"]] == ["Léa"]
    assert body[0]["is_subscriber"] is False


def test_preferences_get_and_put(family, api):
    body = api("get", "/preferences").json()
    assert {p["code"]: p["enabled"] for p in body}["commercial"] is False
    values = dict.fromkeys(PreferenceCode.values, False) | {"commercial": True}
    response = api("put", "/preferences", values)
    assert response.status_code == 200
    assert selectors.wants(family.profile.user, PreferenceCode.COMMERCIAL)
    assert next(p for p in response.json() if p["code"] == "commercial")["source"] == "api"
    missing = api("put", "/preferences", {"commercial": True})
    assert missing.status_code == 422 and missing.json()["field"] in PreferenceCode.values
    bad = api("put", "/preferences", {**values, "commercial": "<script>"})
    assert (bad.status_code, bad.json()["field"]) == (422, "commercial")


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        ("get", "/person", None),
        ("patch", "/person", {"city": "Nice"}),
        ("put", "/bank-account", {"iban": IBAN, "password": f.PASSWORD}),
        ("get", "/beneficiaries", None),
        ("get", "/preferences", None),
    ],
)
def test_other_profiles_get_a_404(client, method, path, body):
    firm = f.profile(ProfileKind.COMPANY, company())
    kwargs = {"content_type": "application/json"} if body is not None else {}
    response = getattr(client, method)(f"/api/me{path}", body, **kwargs, **bearer(token_for(firm)))
    assert response.status_code == 404 and response.json()["code"] == "not_found"


def test_anonymous_callers_are_refused(client):
    assert client.get("/api/me/person").status_code == 401
