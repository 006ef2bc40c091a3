"""Property tests of the ledger (issue 13): random sequences of care acts from every channel (online claims,
third-party-payment invoices, the compulsory scheme's flow), in random order, across guarantee versions:

- no ceiling is ever exceeded, whatever the channels that consumed it;
- no line pays more than the expense minus what others paid;
- the same act received through two channels is paid through one only.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import transaction
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from claims.services import claim_decide
from contracts.models import CareCategory, GuaranteeLine
from contracts.services import guarantee_line_change
from ledger import flow
from ledger.models import BenefitLine
from ledger.services import flow_import
from ledger.tests.factories import assessed_claim
from professionals import services as pro_services
from professionals.choices import Decision
from professionals.tests import factories as pf

EXAMPLES = 60
DAYS = (3, 20, 45, 60, 420)  # the optics version changes 30 days ago; 420 days ago is the year before
CHANGE = 30

act = st.fixed_dictionaries(
    {
        "channel": st.sampled_from(["claim", "invoice", "flow"]),
        "category": st.sampled_from(["B_OPTICS", "B_GP"]),
        "day": st.sampled_from(DAYS),
        "expense": st.sampled_from(["30.00", "80.00", "120.00", "250.00"]),
        "compulsory": st.sampled_from(["0.00", "9.00", "21.00"]),
        "base": st.sampled_from(["0.00", "30.00"]),
    }
)


def _day(n: int):
    return timezone.localdate() - timedelta(days=n)


@pytest.fixture
def world(family, pro, claims_staff):
    optics = CareCategory.objects.get(code="B_OPTICS")
    guarantee_line_change(
        actor=claims_staff["user"],
        product=family["contract"].product,
        category=optics,
        valid_from=_day(CHANGE),
        flat_amount=Decimal(100),
        annual_ceiling=Decimal(200),
    )
    return {"family": family, "pro": pro, "staff": claims_staff["user"], "n": [0]}


def _run(world, a) -> None:
    family, staff = world["family"], world["staff"]
    world["n"][0] += 1
    n = world["n"][0]
    if a["channel"] == "claim":
        claim = assessed_claim(family, [(a["category"], _day(a["day"]), a["expense"], a["base"], a["compulsory"])])
        claim_decide(actor=staff, claim=claim)
    elif a["channel"] == "invoice":
        expense, compulsory = Decimal(a["expense"]), Decimal(a["compulsory"])
        invoice = pf.invoice(
            world["pro"].professional,
            family["holder"],
            number=f"P{n:08d}",
            category=CareCategory.objects.get(code=a["category"]),
            days_ago=a["day"],
            total_amount=expense,
            compulsory_amount=compulsory,
            claimed_amount=expense - compulsory,
            base_amount=Decimal(a["base"]),
        )
        pro_services.invoice_decide(actor=staff, invoice=invoice, decision=Decision.ACCEPT)
    else:
        row = {
            "statement_ref": f"PROP-{n}",
            "membership_number": family["holder"].membership_number,
            "birth_date": str(family["holder"].birth_date),
            "category": a["category"],
            "care_date": str(_day(a["day"])),
            "expense": a["expense"],
            "base": a["base"],
            "compulsory_paid": a["compulsory"],
        }
        flow_import(actor=staff, content=flow.to_csv([row]).encode(), file_name="prop.csv")


def _check(world) -> None:
    family = world["family"]
    lines = list(BenefitLine.objects.filter(beneficiary=family["holder"]).select_related("category"))
    for line in lines:
        assert line.paid_amount <= line.expense - line.compulsory_paid
    optics = [line for line in lines if line.category.code == "B_OPTICS"]
    versions = list(GuaranteeLine.objects.filter(product=family["contract"].product, category__code="B_OPTICS"))
    by_year: dict[int, Decimal] = defaultdict(Decimal)
    for line in optics:
        by_year[line.care_date.year] += line.paid_amount
    for year, total in by_year.items():
        in_year = [v for v in versions if v.valid_from.year <= year and (v.valid_to is None or v.valid_to.year >= year)]
        assert total <= max(v.annual_ceiling for v in in_year), (year, total)
    channels_paid: dict[tuple, set] = defaultdict(set)
    for line in lines:
        if line.paid_amount > 0:
            channels_paid[(line.care_date, line.category_id, line.expense)].add(line.channel)
    assert all(len(channels) == 1 for channels in channels_paid.values()), channels_paid


@settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(acts=st.lists(act, min_size=1, max_size=8))
def test_ceilings_remaining_cost_and_single_payment_hold_across_channels(world, acts):
    with transaction.atomic():
        for a in acts:
            if Decimal(a["compulsory"]) >= Decimal(a["expense"]):
                continue
            _run(world, a)
        _check(world)
        transaction.set_rollback(True)
