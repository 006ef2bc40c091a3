"""The member's benefits pages, statements and card; the back office's payments pages."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.test import Client
from django.urls import reverse

from accounts.choices import StaffRole
from benefits import services
from benefits.models import PaymentBatch
from benefits.tests import factories as bf
from benefits.tests.conftest import log_in
from benefits.tests.helpers import pdf_text
from registration.tests.helpers import logged_in_staff

pytestmark = pytest.mark.django_db
PARIS = ZoneInfo("Europe/Paris")
PAID = datetime(2026, 3, 12, 10, 0, tzinfo=PARIS)


def paid_family_claim(fam, **kwargs):
    claim = bf.decided_claim(
        fam,
        [("B_GP", "30.00", "16.50", "13.50"), ("B_OPTICS", "300.00", "0.09", "150.00")],
        beneficiary=fam["child"].person,
        **kwargs,
    )
    services.payment_batch_create(actor=fam["profile"].user, paid_at=PAID)
    return claim


def test_benefits_list_shows_paid_claims_and_months(family, member_client):
    claim = paid_family_claim(family)
    response = member_client.get(reverse("benefits:list"))
    assert response.status_code == 200
    page = response.content.decode()
    assert claim.reference in page
    assert "163.50" in page
    assert reverse("benefits:statement", args=[2026, 3]) in page
    assert "•••• 2606" in page


def test_benefits_list_query_count_does_not_grow(family, member_client, django_assert_max_num_queries):
    for _ in range(3):
        bf.decided_claim(family)
    services.payment_batch_create(actor=family["profile"].user, paid_at=PAID)
    with django_assert_max_num_queries(20) as few:
        member_client.get(reverse("benefits:list"))
    for _ in range(10):
        bf.decided_claim(family)
    services.payment_batch_create(actor=family["profile"].user, paid_at=PAID)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert member_client.get(reverse("benefits:list")).status_code == 200


@pytest.mark.parametrize(
    ("language", "words"),
    [
        (
            "en",
            [
                "Benefit statement",
                "GP consultation",
                "Glasses",
                "Total",
                "163.50",
                "330.00",
                "16.59",
                "149.91",
                "FR14 •••• •••• 2606",
            ],
        ),
        ("fr", ["mars 2026", "Consultation généraliste", "Lunettes", "Total", "163,50", "330,00", "16,59", "149,91"]),
    ],
)
def test_statement_pdf_lists_items_and_totals(family, language, words):
    paid_family_claim(family)
    family["profile"].user.language = language
    family["profile"].user.save(update_fields=["language"])
    client = log_in(Client(), family["profile"].user, language)

    response = client.get(reverse("benefits:statement", args=[2026, 3]))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    text = pdf_text(response.content)
    for word in [*words, "Léa", "12/03/2026"]:
        assert word in text, word


def test_statement_of_a_month_without_payment_is_404(family, member_client):
    paid_family_claim(family)
    assert member_client.get(reverse("benefits:statement", args=[2026, 4])).status_code == 404
    assert member_client.get(reverse("benefits:statement", args=[2026, 13])).status_code == 404


def test_card_page_and_pdf(family, member_client):
    page = member_client.get(reverse("benefits:card")).content.decode()
    assert family["holder"].membership_number in page
    assert "data:image/png;base64," in page

    response = member_client.get(reverse("benefits:card_pdf"))

    assert response.status_code == 200
    text = pdf_text(response.content)
    year = date.today().year
    for word in [family["holder"].membership_number, family["contract"].number, "Léa", "02/03/2015", "75123456"]:
        assert word in text, word
    for word in ["MED 200 %", "PHAR 100 %", "OPTI Flat rate"]:
        assert word in text, word
    assert "Osteopathy" not in text
    assert f"31/12/{year}" in text or f"12/31/{year}" in text


def test_other_family_sees_nothing(family, other_family):
    paid_family_claim(family)
    client = log_in(Client(), other_family["profile"].user)
    page = client.get(reverse("benefits:list")).content.decode()
    assert "163.50" not in page
    assert client.get(reverse("benefits:statement", args=[2026, 3])).status_code == 404
    card = client.get(reverse("benefits:card")).content.decode()
    assert family["holder"].membership_number not in card


# --- Back office --------------------------------------------------------------------------------


def test_staff_makes_a_batch_and_downloads_the_file(family, product, claims_staff):
    claim = bf.decided_claim(family)
    blocked = bf.decided_claim(bf.family(product=product, iban=None))
    client = claims_staff["client"]

    page = client.get(reverse("payments_backoffice:list")).content.decode()
    assert claim.reference in page and blocked.reference in page
    assert "No current bank account" in page

    response = client.post(reverse("payments_backoffice:batch_create"))
    batch = PaymentBatch.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("payments_backoffice:batch", args=[batch.public_id])
    assert batch.total == Decimal("13.50")
    assert claim.reference in client.get(response["Location"]).content.decode()

    xml = client.get(reverse("payments_backoffice:batch_file", args=[batch.public_id]))
    assert xml.status_code == 200
    assert bf.IBANS[0].encode() in xml.content
    assert xml["Content-Disposition"].startswith("attachment")

    client.post(reverse("payments_backoffice:batch_create"))
    assert PaymentBatch.objects.count() == 1


@pytest.mark.parametrize("role", [StaffRole.SUPPORT if hasattr(StaffRole, "SUPPORT") else list(StaffRole)[0]])
def test_other_staff_get_404(family, role):
    if role in (StaffRole.CLAIMS, StaffRole.ADMINISTRATOR):
        role = next(r for r in StaffRole if r not in (StaffRole.CLAIMS, StaffRole.ADMINISTRATOR))
    bf.decided_claim(family)
    batch = services.payment_batch_create(actor=family["profile"].user).batch
    client, _staff = logged_in_staff(role)
    for url in (
        reverse("payments_backoffice:list"),
        reverse("payments_backoffice:batch", args=[batch.public_id]),
        reverse("payments_backoffice:batch_file", args=[batch.public_id]),
    ):
        assert client.get(url).status_code == 404, url
    assert client.post(reverse("payments_backoffice:batch_create")).status_code == 404


def test_members_cannot_open_the_back_office(family, member_client):
    assert member_client.get(reverse("payments_backoffice:list")).status_code == 404
