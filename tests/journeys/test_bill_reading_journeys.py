"""A member starts a care item from a bill: the fields are filled in from what was read, marked, and editable."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from accounts.tests import factories as f
from conftest import screenshot
from reading import corpus
from reading.tests.test_parser import FEUILLE
from tests.journeys.support import log_in
from tests.journeys.test_member_journeys import claims_product, family

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _read_supporting_documents(settings):
    settings.READING_SUPPORTING_DOCUMENTS = True


def test_a_member_starts_from_a_bill_and_finds_the_care_filled_in(open_page, tmp_path):
    fam = family(claims_product())
    bill = tmp_path / "feuille-de-soins.pdf"
    bill.write_bytes(corpus.render_pdf(corpus.Bill("feuille_de_soins", FEUILLE.splitlines())))
    page = open_page(1280)
    log_in(page, fam.profile.user.username, f.PASSWORD)
    page.goto("/space/claims/new/")
    page.get_by_label("Anne Durand").check()
    page.get_by_role("button", name="Next: the care").click()
    page.get_by_text("Start from a bill").click()
    page.get_by_label("Photo or PDF of the bill").set_input_files(str(bill))
    expect(page.get_by_text(re.compile(r"Read from the bill: check each field"))).to_be_visible(timeout=30_000)
    amount = page.get_by_label(re.compile(r"^Amount paid:?$"))
    expect(amount).to_have_value("30.00")
    expect(amount).to_have_class(re.compile("read-from-bill"))
    expect(page.get_by_label(re.compile(r"^Date of care:?$"))).to_have_value("2026-03-14")
    expect(page.get_by_label(re.compile(r"^Practitioner or facility:?$"))).to_have_value(re.compile("10101234564"))
    screenshot(page, "journey-bill-prefilled")
    amount.fill("31.00")  # editable: the member's correction wins, the mark goes
    expect(amount).not_to_have_class(re.compile("read-from-bill"))
    assert page.get_by_label(re.compile(r"^Supporting documents:?$")).last.evaluate("e => e.files.length") == 1
