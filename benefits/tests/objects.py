"""The benefits in the access matrix (SECURITY.md, object-level access).

A member opens the statement of a month in which something of theirs (a claim they sent, or one where they are the
beneficiary) was paid; another family's month answers 404 like a month without payment. Payment batches are opened
by claims staff and administrators only, every batch alike.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

from accounts.choices import ProfileKind
from benefits.models import PaymentBatch, PaymentLine
from claims.choices import ClaimStatus, ItemDecision
from claims.models import CareItem, Claim
from claims.tests.objects import _family_claim, _own_claim
from core import crypto
from core.testing.objects import Target, actors, kinds, register, roles

MEMBERS = kinds(ProfileKind.MEMBER)
CLAIMS_STAFF = roles("claims", "administrator")
PARIS = ZoneInfo("Europe/Paris")


def _paid(claim: Claim) -> Target:
    """Mark ``claim`` decided and paid in a month of its own; the statement of that month is the target."""
    # A fixed month far ahead: the matrix blanks the year and month values in the pages it compares, so they
    # must be the same two-digit month as the missing case's and a year no page shows otherwise.
    year, month = 2998, 12
    paid_at = datetime(year, month, 15, 12, tzinfo=PARIS)
    CareItem.objects.filter(claim=claim).update(decision=ItemDecision.ACCEPTED, reimbursed_amount=Decimal("10.00"))
    Claim.objects.filter(pk=claim.pk).update(
        status=ClaimStatus.VALIDATED, decided_at=paid_at, total_reimbursed=Decimal("10.00"), paid_at=paid_at
    )
    return Target({"year": year, "month": month}, reveals=[claim.reference])


def statement_own(profile):
    return _paid(_own_claim(profile)[0])


def statement_other(profile):
    return _paid(_family_claim()[0])


for key in ("benefits:statement", "/api/benefits/statements/{year}-{month}.pdf"):
    register(
        key,
        own=statement_own,
        other=statement_other,
        owners=MEMBERS,
        allowed=actors("member", "dependant", "other_member"),
        missing={"year": 2999, "month": 12},
    )


def _batch(profile) -> Target:
    from accounts.tests import factories as f

    claim, _document = _family_claim()
    _paid(claim)
    claim.refresh_from_db()
    name = default_storage.save(f"payments/matrix-{uuid.uuid4().hex}.xml.enc", ContentFile(crypto.encrypt(b"<x/>")))
    batch = PaymentBatch.objects.create(
        reference=f"VIR-MX-{uuid.uuid4().hex[:10].upper()}",
        execution_date=claim.paid_at.date(),
        count=1,
        total=Decimal("10.00"),
        created_by=f.user(is_staff=True),
        stored_name=name,
    )
    PaymentLine.objects.create(
        batch=batch,
        claim=claim,
        amount=Decimal("10.00"),
        creditor_name="Matrix Creditor",
        iban="FR1420041010050500013M02606",
        iban_last4="2606",
        end_to_end_id=claim.reference,
    )
    return Target({"public_id": batch.public_id}, reveals=[batch.reference])


for key in ("payments_backoffice:batch", "payments_backoffice:batch_file"):
    register(key, own=_batch, other=_batch, owners=CLAIMS_STAFF, allowed=CLAIMS_STAFF, sees_all=CLAIMS_STAFF)
