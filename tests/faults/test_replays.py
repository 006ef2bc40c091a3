"""Replays are replays (issue 10 item 6): concurrent identical submissions get the first one's answer, on PostgreSQL.

The threads really race: each has its own connection, and the second insert of the same idempotency key waits on
the unique index until the first commits, then fails and is answered as a replay.
"""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse

from claims.models import CareDocument, Claim
from claims.tests.conftest import days_ago, log_in, pdf_bytes, pdf_upload
from tests.faults.conftest import assert_invariants, concurrently, post_claim

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks and unique-index waits need PostgreSQL"),
]


def test_eight_concurrent_api_submissions_make_one_claim(api, family, temp_folder):
    content = pdf_bytes(1)
    answers = concurrently(8, lambda i: post_claim(api, family, "same-key", Client(), pdf=content))
    statuses = sorted(a.status_code for a in answers)
    assert statuses == [200] * 7 + [201], [a.content[:200] for a in answers]
    assert len({a.json()["reference"] for a in answers}) == 1
    assert Claim.objects.count() == 1 and CareDocument.objects.count() == 2
    assert assert_invariants(temp_folder) == {"claims": 1, "documents": 2}


def test_six_clicks_on_the_claim_summary_make_one_claim(family, temp_folder):
    client = log_in(Client(), family["user"])
    client.post(reverse("claims:new"), {"beneficiary": str(family["principal"].public_id)})
    item = {"care_date": days_ago(10).isoformat(), "category": "T_GP", "practitioner": "Dr Martin"}
    item |= {"country": "FR", "amount": "60.00", "currency": "EUR", "documents": [pdf_upload()]}
    assert client.post(reverse("claims:items"), item).status_code == 302
    key = client.get(reverse("claims:summary")).context["form"].initial["idempotency_key"]

    def click(index: int):
        return log_in(Client(), family["user"]).post(
            reverse("claims:submit"), {"accept_terms": "on", "idempotency_key": key}
        )

    answers = concurrently(6, click)
    claim = Claim.objects.get()
    detail = reverse("claims:detail", args=[claim.public_id])
    assert [(a.status_code, a.url) for a in answers] == [(302, detail)] * 6, [a.content[:300] for a in answers]
    assert CareDocument.objects.filter(item__claim=claim).count() == 1
    assert assert_invariants(temp_folder) == {"claims": 1, "documents": 1}
