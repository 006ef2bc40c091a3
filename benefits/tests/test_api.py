"""The benefits API: paid items, statements, the card; same scoping and errors as the web pages."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.test import Client

from api.services import token_create
from benefits import services
from benefits.tests import factories as bf
from benefits.tests.helpers import pdf_text

pytestmark = pytest.mark.django_db
PAID = datetime(2026, 3, 12, 10, 0, tzinfo=ZoneInfo("Europe/Paris"))


def api_client(fam) -> Client:
    _token, token = token_create(actor=fam["profile"].user, profile=fam["profile"], name="test", via="web")
    return Client(HTTP_AUTHORIZATION=f"Bearer {token}")


@pytest.fixture
def paid(family):
    claim = bf.decided_claim(family, [("B_GP", "30.00", "16.50", "13.50"), ("B_PHAR", "20.00", "13.00", "7.00")])
    services.payment_batch_create(actor=family["profile"].user, paid_at=PAID)
    return claim


def test_benefits_list(family, paid):
    body = api_client(family).get("/api/benefits").json()
    assert body["count"] == 2
    first = body["items"][0]
    assert first["claim_reference"] == paid.reference
    assert first["account"] == "•••• 2606"
    assert {item["reimbursed"] for item in body["items"]} == {"13.50", "7.00"}


def test_statement_and_card(family, paid):
    client = api_client(family)
    response = client.get("/api/benefits/statements/2026-3.pdf")
    assert response.status_code == 200
    assert "20.50" in pdf_text(response.content)
    assert client.get("/api/benefits/statements/2026-4.pdf").json()["code"] == "not_found"

    card = client.get("/api/card").json()
    assert card["member_number"] == family["holder"].membership_number
    assert [d["code"] for d in card["domains"]] == ["PHAR", "MED", "OPTI"]
    assert [b["birth_date"] for b in card["beneficiaries"]] == ["1980-05-17", "2015-03-02"]
    assert family["holder"].membership_number in pdf_text(client.get("/api/card.pdf").content)


def test_other_family_gets_nothing(family, other_family, paid):
    client = api_client(other_family)
    assert client.get("/api/benefits").json()["count"] == 0
    assert client.get("/api/benefits/statements/2026-3.pdf").status_code == 404
    assert client.get("/api/card").json()["member_number"] == other_family["holder"].membership_number


def test_anonymous_is_refused():
    assert Client().get("/api/card").status_code == 401
