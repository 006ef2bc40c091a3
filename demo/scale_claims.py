"""The claims step of ``seed_scale``: N reimbursement claims per subscriber, bulk-inserted, statuses mixed.

Amounts follow the care category (a GP visit costs tens of euros, glasses hundreds); the compulsory scheme's share
and our reimbursement are plausible, not computed by the engine (the benchmark needs volume and shape, not exact
ceilings). References ``CLS-<member number>-<n>`` never collide with the service's ``CLM-`` sequence nor between runs.
"""

from __future__ import annotations

import hashlib
from datetime import date, datetime, time, timedelta
from decimal import ROUND_DOWN, Decimal
from random import Random
from zoneinfo import ZoneInfo

from django.contrib.auth import get_user_model
from django.core.management.base import CommandError

from claims.choices import ClaimStatus, ItemDecision, RefusalReason
from claims.models import CareItem, Claim, ClaimsTermsVersion
from contracts.models import GuaranteeLine

PARIS = ZoneInfo("Europe/Paris")
SUBMITTER = "seed_scale"
CENT = Decimal("0.01")
# Range of the expense and share of it the compulsory scheme pays, per care category.
COSTS = {
    "GP_CONSULTATION": (26, 60, 0.5),
    "SPECIALIST_CONSULTATION": (40, 120, 0.4),
    "PHARMACY": (5, 90, 0.6),
    "LABORATORY": (15, 120, 0.6),
    "RADIOLOGY": (30, 200, 0.6),
    "PARAMEDICAL": (20, 80, 0.5),
    "DENTAL_CARE": (25, 120, 0.5),
    "DENTAL_100_SANTE": (100, 450, 0.2),
    "OPTICS_GLASSES": (120, 450, 0.01),
    "OPTICS_100_SANTE": (60, 200, 0.05),
    "CONTACT_LENSES": (60, 300, 0.0),
    "HEARING_100_SANTE": (200, 450, 0.2),
    "ALTERNATIVE_MEDICINE": (40, 80, 0.0),
    "PREVENTION": (10, 60, 0.3),
    "TRANSPORT": (20, 150, 0.55),
}
STATUSES = (
    (ClaimStatus.VALIDATED, 0.6),
    (ClaimStatus.PARTIALLY_VALIDATED, 0.12),
    (ClaimStatus.REJECTED, 0.08),
    (ClaimStatus.IN_PROGRESS, 0.2),
)
PRACTITIONERS = (
    "Dr Martin",
    "Dr Bernard",
    "Pharmacie du Centre",
    "Laboratoire Bio+",
    "Optique Lumière",
    "Cabinet Soins",
)


def _status(rng: Random) -> str:
    roll, total = rng.random(), 0.0
    for status, weight in STATUSES:
        total += weight
        if roll < total:
            return status
    return ClaimStatus.VALIDATED


def _categories_by_product() -> dict[int, list]:
    found: dict[int, list] = {}
    lines = GuaranteeLine.objects.filter(category__code__in=COSTS, category__claimable_online=True)
    for line in lines.select_related("category"):
        found.setdefault(line.product_id, []).append(line.category)
    return found


class ClaimsBuilder:
    """What every batch's claims share: the submitter login, the terms, the categories per product."""

    def __init__(self, per_member: int, today: date) -> None:
        self.per_member = per_member
        self.today = today
        self.submitter = get_user_model().objects.get_or_create(username=SUBMITTER, defaults={"is_active": False})[0]
        self.terms = ClaimsTermsVersion.objects.order_by("-published_at").first()
        if per_member and self.terms is None:
            raise CommandError("No claims-service terms are published: run the migrations (claims 0002) first.")
        self.categories = _categories_by_product()

    def claims_for(self, rng: Random, affiliation, family: list) -> list[tuple[Claim, list[CareItem]]]:
        categories = self.categories.get(affiliation.contract.product_id)
        if not categories or self.terms is None:
            return []
        start = max(affiliation.start_date, self.today - timedelta(days=730))
        if start >= self.today:
            return []
        number = affiliation.person.membership_number or str(affiliation.person.pk)
        return [
            self._claim(rng, affiliation, family, categories, start, f"CLS-{number}-{n:03d}")
            for n in range(self.per_member)
        ]

    def _claim(self, rng, affiliation, family, categories, start, reference):
        submitted = start + timedelta(days=rng.randint(0, (self.today - start).days))
        submitted_at = datetime.combine(submitted, time(rng.randint(7, 22), rng.randint(0, 59)), tzinfo=PARIS)
        status = _status(rng)
        items = [
            self._item(rng, categories, submitted, start, position, status)
            for position in (1, 2, 3)[: rng.randint(1, 3)]
        ]
        if status == ClaimStatus.PARTIALLY_VALIDATED and len(items) > 1:
            items[-1].decision, items[-1].refusal_reason, items[-1].reimbursed_amount = (
                ItemDecision.REFUSED,
                RefusalReason.NOT_COVERED,
                Decimal("0.00"),
            )
        elif status == ClaimStatus.PARTIALLY_VALIDATED:
            status = ClaimStatus.VALIDATED
        decided_at = submitted_at + timedelta(days=rng.randint(1, 15)) if status != ClaimStatus.IN_PROGRESS else None
        paid = decided_at is not None and status != ClaimStatus.REJECTED and rng.random() < 0.8
        claim = Claim(
            reference=reference,
            submitted_by=self.submitter,
            member=affiliation.person,
            beneficiary=rng.choice([affiliation.person, *family]),
            contract=affiliation.contract,
            submitted_at=submitted_at,
            terms=self.terms,
            terms_accepted_at=submitted_at,
            idempotency_key=reference,
            fingerprint=hashlib.sha256(reference.encode()).hexdigest(),
            total_claimed=sum((item.amount_eur for item in items), Decimal("0.00")),
            total_reimbursed=sum((item.reimbursed_amount or 0 for item in items), Decimal("0.00")),
            status=status,
            rejection_reason=RefusalReason.MISSING_DOCUMENTS if status == ClaimStatus.REJECTED else "",
            decided_at=decided_at,
            paid_at=decided_at + timedelta(days=3) if paid else None,
        )
        return claim, items

    def _item(self, rng, categories, submitted, start, position, status) -> CareItem:
        category = rng.choice(categories)
        low, high, share = COSTS[category.code]
        amount = Decimal(rng.uniform(low, high)).quantize(CENT)
        compulsory = (amount * Decimal(share)).quantize(CENT)
        care = max(start, submitted - timedelta(days=rng.randint(0, 60)))
        item = CareItem(
            position=position,
            care_date=care,
            category=category,
            practitioner=rng.choice(PRACTITIONERS),
            country="FR",
            amount=amount,
            currency="EUR",
            exchange_rate=Decimal(1),
            rate_date=care,
            amount_eur=amount,
            base_amount=amount,
            compulsory_paid=compulsory,
        )
        if status in (ClaimStatus.VALIDATED, ClaimStatus.PARTIALLY_VALIDATED):
            item.decision = ItemDecision.ACCEPTED
            share = Decimal(rng.uniform(0.4, 0.95))
            item.reimbursed_amount = ((amount - compulsory) * share).quantize(CENT, rounding=ROUND_DOWN)
        elif status == ClaimStatus.REJECTED:
            item.decision, item.refusal_reason = ItemDecision.REFUSED, RefusalReason.MISSING_DOCUMENTS
            item.reimbursed_amount = Decimal("0.00")
        return item
