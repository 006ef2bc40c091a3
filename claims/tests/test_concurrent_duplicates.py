"""Claims sent at the same moment with the same photos (a family's phone re-sending, a benchmark's top-ups) flag
each other's earlier rows as duplicates without deadlocking: PostgreSQL, real concurrent transactions.

The flags were three ``UPDATE … WHERE … IN (…)`` that locked the earlier rows in the order of the plan (a sequential
scan's order changes as rows are updated), so two submissions could each hold a row the other wanted: PostgreSQL
killed one of them (``deadlock detected``), a 503 for the member. Now the rows are locked in id order
(``claims.services.submission._flag``).
"""

from __future__ import annotations

import random
from decimal import Decimal

import pytest
from django.db import connection

from claims.models import CareDocument, Claim
from claims.tests.conftest import days_ago, item, make_claim, pdf_upload, upload
from demarches.tests.test_concurrency import run_together

pytestmark = pytest.mark.django_db(transaction=True)

CLIENTS = 8
PHOTOS = 10


@pytest.fixture(autouse=True)
def _postgresql_only():
    if connection.vendor != "postgresql":
        pytest.skip("concurrent transactions are tested on PostgreSQL")


def test_simultaneous_claims_with_the_same_photos_all_succeed_and_are_flagged(family):
    photos = [pdf_upload().read() for _ in range(PHOTOS)]
    care = [item(care_date=days_ago(5 + n), amount=Decimal(f"{20 + n}.00")) for n in range(PHOTOS)]

    def send(seed: int):
        order = list(range(PHOTOS))
        random.Random(seed).shuffle(order)  # noqa: S311 - an order, not a secret
        files = [[upload(photos[n], f"photo{n}.pdf")] for n in order]
        return make_claim(family, [care[n] for n in order], files=files).pk

    for seed in range(3):  # earlier claims of the same care and photos, each flagged by the next ones
        send(seed)
    for _ in range(3):  # rounds of simultaneous submissions
        results, errors = run_together(*[lambda s=seed: send(s) for seed in range(CLIENTS)])
        assert errors == [], errors
        assert len(results) == CLIENTS
    claims = Claim.objects.count()
    assert claims == 3 + 3 * CLIENTS
    assert Claim.objects.filter(has_duplicates=True).count() == claims
    assert CareDocument.objects.filter(is_duplicate=True).count() == claims * PHOTOS
