"""One rule for "the version in force on a date" (``core.dated``), used by the guarantee lines, the base tariffs,
the claim decision, the flow import and the review's tariffs: the database filter and the pick over rows already
read agree on every day around a change, and ``tariff_on`` answers in one query."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from django.db import connection
from django.test.utils import CaptureQueriesContext

from contracts.models import BaseTariff, CareCategory, GuaranteeLine
from contracts.selectors import tariff_on
from contracts.services import tariffs_load
from core.dated import covers, in_force_q, version_on
from ledger import claims_hooks, tariffs

TARIFFS = """act_code,category,label_fr,label_en,base,rate,flat_fee,is_category_default,valid_from
G,B_GP,Consultation,GP consultation,25.00,70,2.00,1,2024-01-01
G,B_GP,Consultation,GP consultation,30.00,70,2.00,1,2025-01-01
APC,B_GP,Avis consultant,Consultant,56.50,70,2.00,0,2024-06-01
"""


class Row:
    def __init__(self, start, end):
        self.valid_from, self.valid_to = start, end


def test_the_pick_and_the_filter_agree_on_every_day_around_a_change(family):
    tariffs_load(actor=None, content=TARIFFS)
    versions = list(BaseTariff.objects.filter(act_code="G").order_by("valid_from"))
    for day in (date(2023, 12, 31), date(2024, 1, 1), date(2024, 12, 31), date(2025, 1, 1), date(2030, 1, 1)):
        in_db = list(BaseTariff.objects.in_force(day).filter(act_code="G"))
        picked = version_on(versions, day)
        assert in_db == ([picked] if picked else []), day
        assert [v for v in versions if covers(v, day)] == in_db
        assert list(BaseTariff.objects.filter(in_force_q(day), act_code="G")) == in_db


def test_an_open_ended_version_and_a_gap():
    rows = [Row(date(2024, 1, 1), date(2024, 1, 31)), Row(date(2024, 3, 1), None)]
    assert version_on(rows, date(2024, 1, 31)) is rows[0]
    assert version_on(rows, date(2024, 2, 15)) is None
    assert version_on(rows, date(2099, 1, 1)) is rows[1]
    assert version_on([], date(2024, 1, 1)) is None


def test_tariff_on_reads_the_act_or_the_category_default_in_one_query(family):
    tariffs_load(actor=None, content=TARIFFS)
    gp = CareCategory.objects.get(code="B_GP")
    with CaptureQueriesContext(connection) as queries:
        apc = tariff_on(on=date(2025, 3, 1), act_code="APC", category_id=gp.pk)
    assert apc.act_code == "APC" and len(queries) == 1
    with CaptureQueriesContext(connection) as queries:
        fallback = tariff_on(on=date(2024, 3, 1), act_code="APC", category_id=gp.pk)  # APC not in force yet
    assert (fallback.act_code, fallback.base, len(queries)) == ("G", Decimal("25.00"), 1)
    assert tariff_on(on=date(2023, 3, 1), act_code="G", category_id=gp.pk) is None
    assert tariff_on(on=date(2025, 3, 1)) is None
    assert tariffs.shares(act_code="", category_id=gp.pk, on=date(2025, 3, 1), expense=Decimal("30"))[1:] == (
        Decimal("30.00"),
        Decimal("19.00"),
    )


def test_the_claim_decision_picks_the_guarantee_version_with_the_same_rule(family):
    product_id = family["contract"].product_id
    lines = claims_hooks.dated_lines(product_id)
    some = GuaranteeLine.objects.filter(product_id=product_id).first()
    day = some.valid_from + timedelta(days=1)
    expected = GuaranteeLine.objects.in_force(day).get(product_id=product_id, category_id=some.category_id)
    assert claims_hooks.line_on(lines, some.category_id, day) == expected
    assert claims_hooks.line_on(lines, some.category_id, some.valid_from - timedelta(days=1)) is None
