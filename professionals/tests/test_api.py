"""The professional API (SPEC H1, H2, X5): own invoices and payments read-only, the rights check."""

from __future__ import annotations

import pytest
from django.test import Client
from django.utils import timezone

from api import services as api_services
from audit.models import AuditEvent
from professionals import services
from professionals.choices import Decision
from professionals.tests import factories as pf

pytestmark = pytest.mark.django_db


def _api(profile) -> tuple[Client, dict]:
    _token, secret = api_services.token_create(actor=profile.user, profile=profile, name="test", via="test")
    return Client(), {"Authorization": f"Bearer {secret}"}


def test_invoices_and_payments_are_the_callers_own(pro, other_pro, family, claims_staff):
    mine = pf.invoice(pro.professional, family["holder"], number="API-1")
    pf.invoice(other_pro.professional, family["holder"], number="API-OTHER")
    services.invoice_decide(actor=claims_staff["user"], invoice=mine, decision=Decision.ACCEPT)
    payment = services.payment_record(
        actor=claims_staff["user"],
        professional=pro.professional,
        invoice_ids=[mine.public_id],
        paid_on=timezone.localdate(),
    )
    client, headers = _api(pro)
    listing = client.get("/api/professional/invoices", headers=headers).json()
    assert [row["number"] for row in listing["items"]] == ["API-1"]
    row = listing["items"][0]
    assert row["status"] == "paid" and row["payment"]["reference"] == payment.reference
    assert row["service_date"] == mine.care_date.isoformat() and row["claimed_amount"] == "23.00"
    assert client.get("/api/professional/invoices?status=received", headers=headers).json()["items"] == []
    detail = client.get(f"/api/professional/payments/{payment.public_id}", headers=headers).json()
    assert detail["amount"] == "23.00" and [i["number"] for i in detail["invoices"]] == ["API-1"]
    other_client, other_headers = _api(other_pro)
    assert other_client.get(f"/api/professional/payments/{payment.public_id}", headers=other_headers).status_code == 404
    assert other_client.get(f"/api/professional/invoices/{mine.public_id}", headers=other_headers).status_code == 404


def _body(family, **changes):
    holder = family["holder"]
    body = {
        "card_number": holder.membership_number,
        "last_name": holder.last_name,
        "first_name": holder.first_name,
        "birth_date": holder.birth_date.isoformat(),
    }
    return {**body, **changes}


def test_the_rights_check_answers_covered_or_not_alike(pro, family):
    client, headers = _api(pro)
    url = "/api/professional/rights-check"
    covered = client.post(url, _body(family), content_type="application/json", headers=headers)
    assert covered.status_code == 200
    data = covered.json()
    assert data["covered"] is True and data["contract_number"] == family["contract"].number
    assert [d["code"] for d in data["domains"]] == ["PHAR", "MED", "OPTI"]
    assert data["people"][0]["name"] == family["holder"].full_name
    wrong_number = client.post(
        url, _body(family, card_number="1999999999"), content_type="application/json", headers=headers
    ).json()
    wrong_identity = client.post(
        url, _body(family, first_name="Zoé"), content_type="application/json", headers=headers
    ).json()
    assert wrong_number == wrong_identity
    assert wrong_number["covered"] is False and wrong_number["people"] == []
    assert AuditEvent.objects.filter(action="tp_rights.checked").count() == 3


def test_the_rights_check_refuses_bad_input_other_profiles_and_floods(pro, family, settings):
    client, headers = _api(pro)
    url = "/api/professional/rights-check"
    bad = client.post(url, _body(family, service_date="1990-01-01"), content_type="application/json", headers=headers)
    assert bad.status_code == 422 and bad.json()["field"] == "service_date"
    extra = client.post(url, _body(family, nir="1"), content_type="application/json", headers=headers)
    assert extra.status_code == 422
    member_client, member_headers = _api(family["profile"])
    assert (
        member_client.post(url, _body(family), content_type="application/json", headers=member_headers).status_code
        == 403
    )
    settings.PROFESSIONALS_LIMITS = {"rights_user": (1, 3600)}
    assert client.post(url, _body(family), content_type="application/json", headers=headers).status_code == 200
    throttled = client.post(url, _body(family), content_type="application/json", headers=headers)
    assert throttled.status_code == 429 and throttled.json()["code"] == "throttled"
