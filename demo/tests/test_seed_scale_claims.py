"""``seed_scale``'s claims step: N claims per subscriber of a health contract, valid rows, statuses mixed."""

import io
from collections import Counter

import pytest
from django.core.management import call_command
from django.db import connection

from benefits import services
from claims.choices import ClaimStatus
from claims.models import CareItem, Claim

pytestmark = pytest.mark.django_db


def ensure_claims_terms() -> None:
    """The terms a data migration publishes (a transactional test elsewhere may have flushed them)."""
    from django.utils import timezone

    from claims.models import ClaimsTermsVersion

    if not ClaimsTermsVersion.objects.exists():
        ClaimsTermsVersion.objects.create(
            version="TEST",
            title_fr="CGU",
            title_en="Terms",
            body_fr="Texte",
            body_en="Text",
            published_at=timezone.now(),
        )


def test_claims_per_member_with_mixed_statuses():
    ensure_claims_terms()
    out = io.StringIO()
    call_command("seed_scale", members=60, batch=50, claims_per_member=4, stdout=out)
    claims = Claim.objects.count()
    assert claims > 0 and claims % 4 == 0
    assert "claims" in out.getvalue()
    statuses = Counter(Claim.objects.values_list("status", flat=True))
    assert {ClaimStatus.VALIDATED, ClaimStatus.IN_PROGRESS, ClaimStatus.REJECTED} <= set(statuses)
    assert Claim.objects.filter(paid_at__isnull=False).exists()
    assert 1 <= CareItem.objects.count() / claims <= 3
    for claim in Claim.objects.order_by("?")[:20]:
        claim.full_clean()
        for item in claim.items.all():
            item.full_clean()
    assert services.payment_batch_create(actor=Claim.objects.first().submitted_by).batch.count > 0


def test_no_claims_when_asked():
    call_command("seed_scale", members=20, batch=50, claims_per_member=0, stdout=io.StringIO())
    assert not Claim.objects.exists()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the claims are made by PostgreSQL itself")
def test_postgresql_bulk_run_rebuilds_the_indexes_it_set_aside(monkeypatch):
    """Past the threshold the claims' secondary indexes are dropped during the inserts and built again after."""
    from demo import scale_claims_sql

    def indexes() -> set[str]:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT indexdef FROM pg_indexes WHERE tablename IN ('claims_claim', 'claims_careitem') "
                "AND schemaname = current_schema()"
            )
            return {row[0] for row in cursor.fetchall()}

    ensure_claims_terms()
    before = indexes()
    monkeypatch.setattr(scale_claims_sql, "BULK_INDEX_THRESHOLD", 0)
    call_command("seed_scale", members=30, batch=50, claims_per_member=2, stdout=io.StringIO())
    assert Claim.objects.count() > 0 and CareItem.objects.filter(claim__reference__startswith="CLS-").exists()
    assert indexes() == before and any("claim_member_idx" in definition for definition in before)
