"""Demo claims of the demo member (holder 0), so that their home tells what is happening (issue 14): a paid
specialist visit with something left to pay, glasses for a child that used up the two-year optics ceiling, a claim
with a laboratory invoice refused for a missing document, and an osteopathy session in review. Amounts come from the
guarantee engine on the contract's own guarantee lines, as the back office would compute them."""

from __future__ import annotations

import hashlib
from datetime import datetime, time, timedelta
from decimal import Decimal

from accounts.choices import ProfileKind
from accounts.models import Profile
from claims import engine
from claims.choices import ClaimStatus, ItemDecision, RefusalReason
from claims.models import CareItem, Claim, ClaimsTermsVersion
from contracts.choices import AffiliationRole
from contracts.models import Affiliation, GuaranteeLine
from demo.members import holder_number
from documents.pdf import PARIS
from ledger.tariffs import items_flat_fees

# (beneficiary, sent days ago, decided days ago, status, paid days ago,
#  items: (category, spent, base of reimbursement, compulsory scheme paid, refusal reason))
CLAIMS = [
    ("subscriber", 20, 10, ClaimStatus.VALIDATED, 7, [("SPECIALIST_CONSULTATION", "120.00", "30.00", "19.00", "")]),
    ("child", 6, 3, ClaimStatus.VALIDATED, None, [("OPTICS_GLASSES", "420.00", "0.09", "0.05", "")]),
    (
        "subscriber",
        5,
        2,
        ClaimStatus.PARTIALLY_VALIDATED,
        None,
        [
            ("LABORATORY", "45.00", "45.00", "27.00", ""),
            ("LABORATORY", "62.50", "62.50", "37.50", RefusalReason.MISSING_DOCUMENTS),
        ],
    ),
    ("child", 1, None, ClaimStatus.IN_PROGRESS, None, [("ALTERNATIVE_MEDICINE", "60.00", "0.00", "0.00", "")]),
]


def _at(ctx, days_ago: int) -> datetime:
    return datetime.combine(ctx.today - timedelta(days=days_ago), time(10, 30), tzinfo=PARIS)


def build(ctx) -> None:
    profile = (
        Profile.objects.filter(kind=ProfileKind.MEMBER, person__membership_number=holder_number(0))
        .select_related("person", "user")
        .first()
    )
    terms = ClaimsTermsVersion.objects.order_by("-published_at").first()
    if profile is None or terms is None:
        return
    covers = list(
        Affiliation.objects.filter(contract__holder_person=profile.person, contract__product__line="health")
        .select_related("person", "contract")
        .order_by("pk")
    )
    if not covers:
        return
    people = {
        "subscriber": next((a for a in covers if a.role == AffiliationRole.SUBSCRIBER), covers[0]),
        "child": next((a for a in covers if a.role == AffiliationRole.CHILD), covers[0]),
    }
    for number, (who, sent_ago, decided_ago, status, paid_ago, items) in enumerate(CLAIMS, start=1):
        cover = people[who]
        lines = {
            line.category.code: line
            for line in GuaranteeLine.objects.filter(product=cover.contract.product_id).select_related("category")
        }
        reference = f"CLM-DEMO-{number:06d}"
        claim = Claim(
            reference=reference,
            submitted_by=profile.user,
            member=profile.person,
            beneficiary=cover.person,
            contract=cover.contract,
            submitted_at=_at(ctx, sent_ago),
            terms=terms,
            terms_accepted_at=_at(ctx, sent_ago),
            idempotency_key=reference,
            fingerprint=hashlib.sha256(reference.encode()).hexdigest(),
            status=status,
            decided_at=_at(ctx, decided_ago) if decided_ago is not None else None,
            paid_at=_at(ctx, paid_ago) if paid_ago is not None else None,
            total_claimed=Decimal("0.00"),
        )
        built = []
        for position, (code, spent, base, compulsory, refusal) in enumerate(items, start=1):
            line = lines.get(code)
            if line is None:
                return
            care = ctx.today - timedelta(days=sent_ago + 3)
            item = CareItem(
                position=position,
                care_date=care,
                category=line.category,
                practitioner="Centre de santé Montparnasse",
                country="FR",
                amount=Decimal(spent),
                currency="EUR",
                exchange_rate=Decimal(1),
                rate_date=care,
                amount_eur=Decimal(spent),
                base_amount=Decimal(base),
                compulsory_paid=Decimal(compulsory),
            )
            if status != ClaimStatus.IN_PROGRESS and not refusal:
                (kept,) = items_flat_fees([item])  # the decision's rule: the scheme's flat fee stays the member's
                act = engine.Act(
                    expense=item.amount_eur, base=item.base_amount, already_paid=item.compulsory_paid, flat_fee=kept
                )
                result = engine.reimburse(engine.Guarantee.from_line(line), act)
                item.decision, item.reimbursed_amount, item.explanation = (
                    ItemDecision.ACCEPTED,
                    result.amount,
                    result.as_json(),
                )
            elif refusal:
                item.decision, item.refusal_reason, item.reimbursed_amount = ItemDecision.REFUSED, refusal, Decimal(0)
                item.staff_comment = "Envoyez la facture du laboratoire."
            built.append(item)
        claim.total_claimed = sum((item.amount_eur for item in built), Decimal("0.00"))
        claim.total_reimbursed = sum((item.reimbursed_amount or 0 for item in built), Decimal("0.00"))
        claim.save()
        for item in built:
            item.claim = claim
        CareItem.objects.bulk_create(built)
        if status != ClaimStatus.IN_PROGRESS:  # decided: its paid items count in the ceilings, as a decision writes
            from ledger.services import record_claim  # ledger builds on claims

            record_claim(actor=None, claim=claim, items=built)
        ctx.stats["claims"] += 1
