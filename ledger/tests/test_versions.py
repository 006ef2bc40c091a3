"""Dated guarantee tables (issue 13): the engine pays with the version in force on the care date; a change is a
new version and never rewrites what older care is paid; the member's contract page says when the table changes."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from claims.services import claim_decide
from contracts.models import CareCategory, GuaranteeLine
from contracts.services import guarantee_line_change
from ledger.tests.factories import assessed_claim


def _day(n: int):
    return timezone.localdate() - timedelta(days=n)


def test_an_old_visit_is_paid_by_the_version_of_its_date(family, claims_staff):
    """The issue's case: 200 % becomes 150 % before an older visit is decided: it still pays 39.00, not 24.00."""
    gp = CareCategory.objects.get(code="B_GP")
    product = family["contract"].product
    guarantee_line_change(actor=claims_staff["user"], product=product, category=gp, valid_from=_day(10), rate=150)
    old = assessed_claim(family, [("B_GP", _day(30), "80.00", "30.00", "21.00")])
    new = assessed_claim(family, [("B_GP", _day(5), "80.00", "30.00", "21.00")])
    assert claim_decide(actor=claims_staff["user"], claim=old).items.get().reimbursed_amount == Decimal("39.00")
    assert claim_decide(actor=claims_staff["user"], claim=new).items.get().reimbursed_amount == Decimal("24.00")
    versions = list(GuaranteeLine.objects.filter(product=product, category=gp).order_by("valid_from"))
    assert [(v.rate, v.valid_to) for v in versions] == [(Decimal(200), _day(11)), (Decimal(150), None)]


def test_a_version_starts_after_the_one_in_force(family, claims_staff):
    gp = CareCategory.objects.get(code="B_GP")
    product = family["contract"].product
    guarantee_line_change(actor=claims_staff["user"], product=product, category=gp, valid_from=_day(10), rate=150)
    with pytest.raises(ValidationError):
        guarantee_line_change(actor=claims_staff["user"], product=product, category=gp, valid_from=_day(20), rate=1)
    with pytest.raises(ValidationError):  # an actual cost takes no rate
        guarantee_line_change(
            actor=claims_staff["user"], product=product, category=gp, valid_from=_day(1), basis="actual_cost"
        )


def test_the_contract_page_shows_the_table_in_force_and_the_next_change(family, claims_staff):
    gp = CareCategory.objects.get(code="B_GP")
    product = family["contract"].product
    next_year = timezone.localdate() + timedelta(days=40)
    guarantee_line_change(actor=claims_staff["user"], product=product, category=gp, valid_from=next_year, rate=300)
    client = Client()
    client.cookies["om_language"] = "en"
    client.force_login(family["profile"].user, backend="accounts.backends.IdentifierBackend")
    page = client.get(reverse("contracts:detail", args=[family["contract"].public_id])).content.decode()
    assert "200 % BR" in page and "300 % BR" not in page
    assert "It changes on" in page
