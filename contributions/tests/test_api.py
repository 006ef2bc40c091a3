"""The contributions and card payments in the API, scoped like the pages."""

from __future__ import annotations

from datetime import date

import pytest
from django.test import Client

from api import services as api_services
from contributions import services
from contributions.services import Quarter
from contributions.tests.helpers import pdf_text
from payments.models import PaymentIntent

pytestmark = pytest.mark.django_db


def bearer(profile) -> dict:
    _token, secret = api_services.token_create(actor=profile.user, profile=profile, name="test", via="test")
    return {"Authorization": f"Bearer {secret}"}


@pytest.fixture
def calls(family, other_family, firm):
    return services.calls_generate(actor=None, quarter=Quarter(2026, 1), today=date(2025, 12, 12), notify=False)


def test_the_member_lists_and_reads_their_calls(family, other_family, calls):
    headers = bearer(family.profile)
    listing = Client().get("/api/contributions/calls", headers=headers)
    assert listing.status_code == 200
    (item,) = listing.json()["items"]
    mine = family.contract.contribution_calls.get()
    assert item["receipt_number"] == mine.receipt_number and item["remaining"] == "295.20"
    theirs = other_family.contract.contribution_calls.get()
    assert Client().get(f"/api/contributions/calls/{theirs.public_id}", headers=headers).status_code == 404
    document = Client().get(f"/api/contributions/calls/{mine.public_id}/call.pdf", headers=headers)
    assert mine.receipt_number in pdf_text(document.content)
    assert Client().get(f"/api/contributions/calls/{mine.public_id}/receipt.pdf", headers=headers).status_code == 404


def test_a_card_payment_through_the_api(family, calls):
    headers = bearer(family.profile)
    call = family.contract.contribution_calls.get()
    started = Client().post(f"/api/contributions/calls/{call.public_id}/card-payments", headers=headers)
    assert started.status_code == 201
    body = started.json()
    assert "/pay/sandbox/checkout/" in body["redirect_url"] and body["status"] == "pending"
    status = Client().get(f"/api/payments/{body['payment_id']}", headers=headers)
    assert status.json()["status"] == "pending" and status.json()["amount"] == "295.20"
    assert PaymentIntent.objects.count() == 1


def test_a_company_sees_its_collective_calls_only(firm, family, calls):
    items = Client().get("/api/contributions/calls", headers=bearer(firm.profile)).json()["items"]
    assert [item["contract_number"] for item in items] == [firm.contract.number]
