"""Issue 13, the wrong defaults: no field silently pays more (BR, compulsory share), a rate on a basis that ignores
it is refused, and an amount that converts to 0.00 EUR is refused at eligibility with a clear message."""

from __future__ import annotations

from decimal import Decimal as D

import pytest
from django.core.exceptions import ValidationError

from claims import services
from claims.backoffice_presenters import _item_form
from claims.choices import ItemDecision
from claims.tests.conftest import item
from claims.tests.test_services import refusal, submit
from contracts.choices import GuaranteeBasis
from contracts.models import GuaranteeLine

pytestmark = pytest.mark.django_db


def test_a_submitted_item_has_no_base_nor_compulsory_share_until_staff_give_them(family):
    care = submit(family, [item(amount=D("80.00"))]).claim.items.get()
    assert (care.base_amount, care.compulsory_paid) == (None, None)
    form = _item_form(care, {"item1-compulsory_paid": "21.00", "item1-decision": ItemDecision.ACCEPTED})
    assert not form.is_valid() and "base_amount" in form.errors  # the expense is not offered as the base
    form = _item_form(care, {"item1-base_amount": "30.00", "item1-decision": ItemDecision.ACCEPTED})
    assert not form.is_valid() and "compulsory_paid" in form.errors  # nor 0.00 as the compulsory share


def test_a_specialist_visit_at_200_percent_of_the_base_pays_39(family, claims_staff):
    """Expense 80, BR 30, compulsory paid 21: 200 % of 30 = 60, minus 21 = 39 (not 59 with the BR at 80)."""
    claim = submit(family, [item(amount=D("80.00"))]).claim
    care = claim.items.get()
    services.care_item_assess(
        actor=claims_staff["user"],
        item=care,
        base_amount=D("30.00"),
        compulsory_paid=D("21.00"),
        decision=ItemDecision.ACCEPTED,
    )
    services.claim_decide(actor=claims_staff["user"], claim=claim)
    care.refresh_from_db()
    assert care.reimbursed_amount == D("39.00")


@pytest.mark.parametrize("basis", [GuaranteeBasis.ACTUAL_COST, GuaranteeBasis.FLAT_AMOUNT])
def test_a_basis_that_ignores_the_rate_refuses_one(product, categories, basis):
    line = GuaranteeLine(product=product, category=categories["dental"], basis=basis, rate=D(80), flat_amount=D(10))
    with pytest.raises(ValidationError) as error:
        line.full_clean()
    assert "percentage of the actual cost" in str(error.value)


def test_an_amount_worth_less_than_a_cent_is_refused_at_eligibility(family, rates):
    problems = refusal(family, [item(currency="USD", amount=D("0.005"))])
    assert ("amount_too_small", "items[0].amount") in problems
