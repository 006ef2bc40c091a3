"""Base tariffs kept by staff (issue 13): a new version of an act's tariff from a date closes the version in force
the day before, never overlaps another, is audited; bad input gets a clear message and changes nothing; only the
tariff roles reach the page."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from accounts.choices import StaffRole
from audit.models import AuditEvent
from contracts.models import BaseTariff
from contracts.services import tariff_version_add, tariffs_load
from core.dated import version_on
from registration.tests.helpers import logged_in_staff

TARIFFS = """act_code,category,label_fr,label_en,base,rate,flat_fee,is_category_default,valid_from
G,B_GP,Consultation,GP consultation,25.00,70,2.00,1,2024-01-01
G,B_GP,Consultation,GP consultation,30.00,70,2.00,1,2025-01-01
"""


@pytest.fixture
def tariffs(family):
    tariffs_load(actor=None, content=TARIFFS)


def versions():
    return [
        (v.valid_from, v.valid_to, v.base, v.rate, v.flat_fee)
        for v in BaseTariff.objects.filter(act_code="G").order_by("valid_from")
    ]


def test_a_new_version_closes_the_one_in_force_the_day_before_and_is_audited(tariffs, claims_staff):
    version = tariff_version_add(
        actor=claims_staff["user"], act_code="G", valid_from=date(2026, 7, 1), base=Decimal("31.50"), rate=Decimal(70)
    )
    assert versions()[1:] == [
        (date(2025, 1, 1), date(2026, 6, 30), Decimal("30.00"), Decimal("70.00"), Decimal("2.00")),
        (date(2026, 7, 1), None, Decimal("31.50"), Decimal("70.00"), Decimal("2.00")),
    ]
    assert (version.category.code, version.label_en, version.is_category_default) == ("B_GP", "GP consultation", True)
    all_versions = list(BaseTariff.objects.filter(act_code="G").order_by("valid_from"))
    assert version_on(all_versions, date(2026, 6, 30)).base == Decimal("30.00")
    assert version_on(all_versions, date(2026, 7, 1)).base == Decimal("31.50")
    event = AuditEvent.objects.get(action="tariff.versioned")
    assert event.data["closed"] == "2026-06-30" and event.data["base"] == "31.50"


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"valid_from": date(2025, 1, 1)}, "valid_from"),  # the same start as the last version
        ({"valid_from": date(2024, 6, 1)}, "valid_from"),  # inside the past: would overlap
        ({"valid_from": date(2026, 1, 1), "rate": Decimal("120")}, "rate"),
        ({"valid_from": date(2026, 1, 1), "base": Decimal("-1")}, "base"),
        ({"valid_from": date(2026, 1, 1), "flat_fee": Decimal("-2")}, "flat_fee"),
        ({"valid_from": date(2026, 1, 1), "act_code": "NOPE"}, "act_code"),
    ],
)
def test_bad_input_names_the_field_and_changes_nothing(tariffs, fields, field):
    before = versions()
    with pytest.raises(ValidationError) as error:
        tariff_version_add(actor=None, **{"act_code": "G", **fields})
    assert field in error.value.message_dict
    assert versions() == before
    assert not AuditEvent.objects.filter(action="tariff.versioned").exists()


def test_staff_add_a_version_on_the_page_and_see_errors_on_the_form(tariffs, claims_staff):
    client = claims_staff["client"]
    url = reverse("ledger_backoffice:tariff_version", args=["G"])
    assert url in client.get(reverse("ledger_backoffice:tariffs")).content.decode()
    page = client.get(url)
    assert page.status_code == 200 and page.context["form"].initial["base"] == Decimal("30.00")
    bad = client.post(url, {"valid_from": "2024-03-01", "base": "31.00", "rate": "70", "flat_fee": "2.00"})
    assert bad.status_code == 400
    assert "A new version starts after the last one" in bad.content.decode()
    assert "Nothing was saved" in bad.content.decode()
    bad = client.post(url, {"valid_from": "2026-03-01", "base": "31.00", "rate": "170", "flat_fee": "2.00"})
    assert bad.status_code == 400 and len(versions()) == 2
    done = client.post(url, {"valid_from": "2026-03-01", "base": "", "rate": "65", "flat_fee": "0"})
    assert done.status_code == 302
    assert versions()[-1] == (date(2026, 3, 1), None, None, Decimal("65.00"), Decimal("0.00"))


def test_other_staff_roles_do_not_reach_the_page(tariffs):
    client, _staff = logged_in_staff(StaffRole.CONTRIBUTIONS)
    url = reverse("ledger_backoffice:tariff_version", args=["G"])
    assert client.get(url).status_code == 404
    data = {"valid_from": "2026-03-01", "base": "31.00", "rate": "70", "flat_fee": "2.00"}
    assert client.post(url, data).status_code == 404
    assert len(versions()) == 2


def test_an_unknown_act_is_not_found(claims_staff):
    assert claims_staff["client"].get(reverse("ledger_backoffice:tariff_version", args=["NOPE"])).status_code == 404
