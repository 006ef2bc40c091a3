"""Builders for the professional space's tests: professionals with a login, covered families, invoices."""

from __future__ import annotations

import itertools
from datetime import timedelta
from decimal import Decimal

from django.utils import timezone

from accounts.choices import ProfileKind
from accounts.tests import factories as f
from benefits.tests import factories as bf
from professionals import services
from professionals.choices import TPDomain
from professionals.models import Invoice
from registration.tests.helpers import professional

_seq = itertools.count(1)


def pro_profile(language: str = "en", **fields):
    """A professional with an agreement in force and a ready login acting for it."""
    account = f.user(language=language)
    return f.profile(ProfileKind.PROFESSIONAL, professional(**fields), account=account)


def family(product=None) -> dict:
    """A holder of an individual contract with third-party-payment domains (MED, PHAR, OPTI), and a child."""
    return bf.family(product=product, iban=None)


def invoice(pro, beneficiary, *, claimed: str = "23.00", days_ago: int = 10, **fields) -> Invoice:
    """A received invoice of professional ``pro`` (a HealthProfessional) for ``beneficiary`` (a Person)."""
    n = next(_seq)
    claimed_amount = Decimal(claimed)
    defaults = {
        "number": f"F{n:08d}",
        "care_date": timezone.localdate() - timedelta(days=days_ago),
        "domain": TPDomain.MED,
        "card_number": beneficiary.membership_number or "1900000000",
        "total_amount": claimed_amount + Decimal("7.00"),
        "compulsory_amount": Decimal("7.00"),
        "claimed_amount": claimed_amount,
        "base_amount": claimed_amount + Decimal("7.00"),  # a care billed at its base: the guarantee pays the rest
        "received_at": timezone.now() - timedelta(days=max(days_ago - 2, 0), minutes=n),
    }
    return services.invoice_receive(actor=None, professional=pro, beneficiary=beneficiary, **{**defaults, **fields})
