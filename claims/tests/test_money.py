"""A decided claim in euros on the member's pages: spent, compulsory scheme, we paid, left to pay, and in plain words
which ceiling limited the reimbursement and what is left of it (issue 14)."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from benefits.tests import factories as bf

pytestmark = pytest.mark.django_db

CEILING_STEPS = [
    {"code": "flat_amount", "amount": "150.00", "applied": True, "params": {"flat": "150.00"}},
    {
        "code": "period_ceiling",
        "amount": "100.00",
        "applied": True,
        "params": {"cap": "100.00", "ceiling": "150.00", "consumed": "50.00", "years": "2"},
    },
]


def client_for(profile, language: str = "en") -> Client:
    client = Client()
    client.cookies["om_language"] = language
    client.force_login(profile.user, backend="accounts.backends.IdentifierBackend")
    return client


@pytest.fixture
def fam():
    return bf.family(product=bf.tp_product())


def test_the_claim_page_splits_each_item_and_says_which_ceiling_limited_it(fam):
    claim = bf.decided_claim(fam, [("B_OPTICS", "1300.00", "0.09", "100.00")])
    claim.items.update(explanation={"steps": CEILING_STEPS})
    page = client_for(fam["profile"]).get(reverse("claims:detail", args=[claim.public_id])).content.decode()
    for label, amount in (("Spent", "€1,300.00"), ("Compulsory scheme", "€0.09"), ("We paid", "€100.00")):
        assert f"<dt>{label}</dt><dd>" in page and amount in page
    assert "<dt>Left to pay</dt><dd>€1,199.91</dd>" in page
    assert "Limited by your ceiling of €150.00 per 2 year(s), of which €50.00 was already used." in page
    assert "Left on this ceiling for the period: €0.00." in page
    assert "Total claimed: €1,300.00" in page


def test_the_claims_list_speaks_french_money(fam):
    fam["profile"].user.language = "fr"
    fam["profile"].user.save(update_fields=["language"])
    bf.decided_claim(fam, [("B_OPTICS", "55300.00", "0.09", "150.00")])
    page = client_for(fam["profile"], "fr").get(reverse("claims:list")).content.decode()
    assert "55\u00a0300,00\u00a0€" in page
