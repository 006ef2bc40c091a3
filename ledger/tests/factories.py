"""Builders of the ledger tests: claims waiting for a decision, with their items accepted by staff."""

from __future__ import annotations

import itertools
import uuid
from datetime import date, timedelta
from decimal import Decimal

from django.utils import timezone

from claims.choices import ItemDecision
from claims.models import CareItem, Claim, ClaimsTermsVersion
from contracts.models import CareCategory

_seq = itertools.count(1)


def assessed_claim(fam: dict, items: list[tuple[str, date, str, str, str]], *, beneficiary=None) -> Claim:
    """A claim in progress of ``fam`` whose items are accepted by staff; ``items``: (category code, care date,
    spent, base, compulsory scheme) in EUR."""
    now = timezone.now()
    claim = Claim.objects.create(
        reference=f"CLM-L-{next(_seq):06d}-{uuid.uuid4().hex[:4].upper()}",
        submitted_by=fam["profile"].user,
        member=fam["holder"],
        beneficiary=beneficiary or fam["holder"],
        contract=fam["contract"],
        submitted_at=now - timedelta(days=2),
        terms=ClaimsTermsVersion.objects.order_by("-published_at").first(),
        terms_accepted_at=now - timedelta(days=2),
        idempotency_key=uuid.uuid4().hex,
        fingerprint="0" * 64,
        total_claimed=sum(Decimal(spent) for _c, _d, spent, _b, _p in items),
    )
    CareItem.objects.bulk_create(
        CareItem(
            claim=claim,
            position=position,
            care_date=care_date,
            category=CareCategory.objects.get(code=code),
            practitioner="Dr Ledger",
            country="FR",
            amount=Decimal(spent),
            currency="EUR",
            exchange_rate=1,
            rate_date=care_date,
            amount_eur=Decimal(spent),
            base_amount=Decimal(base),
            compulsory_paid=Decimal(compulsory),
            decision=ItemDecision.ACCEPTED,
        )
        for position, (code, care_date, spent, base, compulsory) in enumerate(items, start=1)
    )
    return claim


def flow_row(ref, family, *, who="holder", category="B_GP", day=20, expense="30.00", base="30.00", paid="19.00"):
    """One line of a compulsory-scheme statement for a member of ``family`` (``who``: holder or child), care
    ``day`` days ago."""
    person = family[who] if who == "holder" else family[who].person
    return {
        "statement_ref": ref,
        "membership_number": family["holder"].membership_number,
        "birth_date": str(person.birth_date),
        "act_code": "G",
        "category": category,
        "care_date": str(timezone.localdate() - timedelta(days=day)),
        "expense": expense,
        "base": base,
        "compulsory_paid": paid,
    }


def import_flow(rows, actor=None):
    from ledger import flow
    from ledger.services import flow_import

    return flow_import(actor=actor, content=flow.to_csv(rows).encode(), file_name="noemie.csv")
