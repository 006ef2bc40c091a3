"""Base tariffs (issue 13): loaded from the data file, the BR and compulsory share offered to staff by default and
corrected only with a reason; an invoice without a base is paid on the tariff. The member's feed shows every
channel with the left-to-pay, and the ceiling counters."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from claims.backoffice_presenters import _item_form
from claims.choices import ItemDecision
from claims.services import claim_decide
from contracts.models import BaseTariff, CareCategory
from contracts.services import tariffs_load
from ledger import flow
from ledger.services import flow_import
from ledger.tariffs import shares
from ledger.tests.factories import assessed_claim

TARIFFS = """act_code,category,label_fr,label_en,base,rate,flat_fee,is_category_default,valid_from
G,B_GP,Consultation,GP consultation,30.00,70,2.00,1,2024-12-22
PHMEV,B_PHAR,Médicament,Medicine,,65,0.00,1,2024-01-01
"""


def _day(n: int):
    return timezone.localdate() - timedelta(days=n)


def test_the_shipped_tariff_file_loads_twice_without_change(db):
    from contracts.services import catalogue_load_file

    catalogue_load_file(actor=None)
    call_command("load_tariffs")
    count = BaseTariff.objects.count()
    assert count >= 15
    call_command("load_tariffs")
    assert BaseTariff.objects.count() == count
    g = BaseTariff.objects.get(act_code="G")
    assert g.shares(Decimal("30.00")) == (Decimal("30.00"), Decimal("19.00"))  # 70 % of 30 - 2


def test_a_newer_tariff_closes_the_one_before(family):
    tariffs_load(actor=None, content=TARIFFS)
    tariffs_load(actor=None, content=TARIFFS + "G,B_GP,Consultation,GP consultation,32.00,70,2.00,1,2026-01-01\n")
    versions = list(BaseTariff.objects.filter(act_code="G").order_by("valid_from"))
    assert [(v.base, str(v.valid_to)) for v in versions] == [
        (Decimal("30.00"), "2025-12-31"),
        (Decimal("32.00"), "None"),
    ]


def test_staff_see_the_tariff_values_and_correct_them_only_with_a_reason(family):
    tariffs_load(actor=None, content=TARIFFS)
    claim = assessed_claim(family, [("B_GP", _day(10), "80.00", "0.00", "0.00")])
    item = claim.items.get()
    item.base_amount = item.compulsory_paid = None
    form = _item_form(item)
    assert (form.initial["base_amount"], form.initial["compulsory_paid"]) == (Decimal("30.00"), Decimal("19.00"))
    posted = {"item1-base_amount": "30.00", "item1-compulsory_paid": "21.00", "item1-decision": ItemDecision.ACCEPTED}
    form = _item_form(item, posted)
    assert not form.is_valid() and "comment" in form.errors
    form = _item_form(item, {**posted, "item1-comment": "Statement of the CPAM says 21.00"})
    assert form.is_valid()
    medicine = CareCategory.objects.get(code="B_PHAR")
    found = shares(act_code="", category_id=medicine.pk, on=_day(10), expense=Decimal("12.00"))
    assert found[1:] == (Decimal("12.00"), Decimal("7.80"))  # no base: the price, at 65 %


def test_the_member_sees_online_and_automatic_reimbursements_and_ceilings(family, claims_staff):
    claim = assessed_claim(family, [("B_OPTICS", _day(20), "180.00", "0.00", "0.00")])
    claim_decide(actor=claims_staff["user"], claim=claim)
    row = {
        "statement_ref": "FEED-1",
        "membership_number": family["holder"].membership_number,
        "birth_date": str(family["holder"].birth_date),
        "category": "B_GP",
        "care_date": str(_day(5)),
        "expense": "50.00",
        "base": "30.00",
        "compulsory_paid": "19.00",
    }
    flow_import(actor=None, content=flow.to_csv([row]).encode(), file_name="feed.csv")
    client = Client()
    client.cookies["om_language"] = "en"
    client.force_login(family["profile"].user, backend="accounts.backends.IdentifierBackend")
    page = client.get(reverse("benefits:feed")).content.decode()
    assert "Online claim" in page and "Automatic (compulsory scheme)" in page
    assert "150.00" in page and "30.00" in page  # optics: paid 150, left 30
    assert "31.00" in page and "0.00" in page  # flow: 200 % of 30 = 60 - 19 = 41, capped at 50 - 19 = 31
    optics = CareCategory.objects.get(code="B_OPTICS")
    assert f"{optics}: 150.00 € per 1 year(s), 150.00 € used, 0.00 € left, renews on" in page.replace("\xa0", " ")
