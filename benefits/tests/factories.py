"""Families with a guarantee table holding third-party-payment domains, and decided claims written directly (the
claims app tests its own services; here only what a batch or a statement reads matters)."""

from __future__ import annotations

import itertools
import uuid
from datetime import date, timedelta
from decimal import Decimal

from django.utils import timezone

from accounts.choices import ProfileKind
from accounts.tests import factories as f
from claims.choices import PAYABLE, ClaimStatus, ItemDecision
from claims.models import CareItem, Claim, ClaimsTermsVersion
from contracts.choices import GuaranteeBasis
from contracts.models import CareCategory, GuaranteeLine, Product
from contracts.tests import factories as cf
from ledger.models import BenefitLine
from ledger.services import claim_lines
from people.models import BankAccount
from people.tests.factories import dependant, person

_seq = itertools.count(1)
IBANS = ("FR1420041010050500013M02606", "FR7630001007941234567890185", "DE89370400440532013000")


def category(code: str, domain: str, name_en: str, name_fr: str, position: int) -> CareCategory:
    defaults = {"name_en": name_en, "name_fr": name_fr, "tp_domain": domain, "position": position}
    return CareCategory.objects.update_or_create(code=code, defaults=defaults)[0]


def tp_product() -> Product:
    """A product with GP (MED 200 %), pharmacy (PHAR 100 %), glasses (OPTI flat) and osteopathy (no domain)."""
    product = cf.product()
    gp = category("B_GP", "MED", "GP consultation", "Consultation généraliste", 1)
    pharmacy = category("B_PHAR", "PHAR", "Medicines", "Médicaments", 2)
    optics = category("B_OPTICS", "OPTI", "Glasses", "Lunettes", 3)
    osteo = category("B_OSTEO", "", "Osteopathy", "Ostéopathie", 4)
    percent = {"basis": GuaranteeBasis.PERCENT_OF_BASE}
    GuaranteeLine.objects.create(product=product, category=gp, rate=Decimal(200), **percent)
    GuaranteeLine.objects.create(product=product, category=pharmacy, rate=Decimal(100), **percent)
    flat = {"basis": GuaranteeBasis.FLAT_AMOUNT, "flat_amount": Decimal(150), "annual_ceiling": Decimal(150)}
    GuaranteeLine.objects.create(product=product, category=optics, **flat)
    GuaranteeLine.objects.create(product=product, category=osteo, basis=GuaranteeBasis.FLAT_AMOUNT, flat_amount=35)
    return product


def family(*, product: Product | None = None, iban: str | None = IBANS[0], language: str = "en") -> dict:
    holder = person()
    contract = cf.individual_contract(holder, product=product or tp_product())
    principal = contract.affiliations.get()
    child = cf.dependant_of(principal, dependant(first_name="Léa", birth_date=date(2015, 3, 2)))
    profile = f.profile(ProfileKind.MEMBER, holder)
    profile.user.language = language
    profile.user.save(update_fields=["language"])
    if iban:
        BankAccount.objects.create(
            person=holder, holder_name=holder.full_name, iban=iban, iban_last4=iban[-4:], valid_from=date(2022, 1, 1)
        )
    return {"holder": holder, "contract": contract, "principal": principal, "child": child, "profile": profile}


def decided_claim(
    fam: dict,
    items: list[tuple[str, str, str, str]] | None = None,
    *,
    beneficiary=None,
    paid_at=None,
    status: str = ClaimStatus.VALIDATED,
    ledger: bool = True,
) -> Claim:
    """A decided claim of ``fam``; ``items``: (category code, spent, compulsory scheme, reimbursed) in EUR; with
    ``ledger``, its ledger lines as a decision writes them."""
    items = items or [("B_GP", "30.00", "16.50", "13.50")]
    now = timezone.now()
    total = sum(Decimal(spent) for _c, spent, _p, _r in items)
    claim = Claim.objects.create(
        reference=f"CLM-T-{next(_seq):06d}-{uuid.uuid4().hex[:4].upper()}",
        submitted_by=fam["profile"].user,
        member=fam["holder"],
        beneficiary=beneficiary or fam["holder"],
        contract=fam["contract"],
        submitted_at=now - timedelta(days=5),
        terms=ClaimsTermsVersion.objects.order_by("-published_at").first(),
        terms_accepted_at=now - timedelta(days=5),
        idempotency_key=uuid.uuid4().hex,
        fingerprint="0" * 64,
        total_claimed=total,
        total_reimbursed=sum(Decimal(r) for *_x, r in items),
        status=status,
        decided_at=now - timedelta(days=1),
        paid_at=paid_at,
        rejection_reason="other" if status == ClaimStatus.REJECTED else "",
    )
    for position, (code, spent, compulsory, reimbursed) in enumerate(items, start=1):
        CareItem.objects.create(
            claim=claim,
            position=position,
            care_date=timezone.localdate() - timedelta(days=10 + position),
            category=CareCategory.objects.get(code=code),
            practitioner="Dr Test",
            country="FR",
            amount=Decimal(spent),
            currency="EUR",
            exchange_rate=1,
            rate_date=timezone.localdate(),
            amount_eur=Decimal(spent),
            base_amount=Decimal(spent),
            compulsory_paid=Decimal(compulsory),
            decision=ItemDecision.ACCEPTED,
            reimbursed_amount=Decimal(reimbursed),
        )
    if ledger and status in PAYABLE:  # as the decision does: the ledger lines of the accepted items
        BenefitLine.objects.bulk_create(claim_lines(actor=None, claim=claim, items=claim.items.all()))
    return claim
