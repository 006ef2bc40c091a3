"""Issue 15 with the shipped demo: the demo member starts a claim from the photo of a bill, finds the care filled in
(marked as read, editable), corrects a field, confirms and sends; the demo claims staff then see, on the review page,
what the member typed beside what was read from the document, the difference highlighted.

The logins are the ones ``seed_demo`` writes to ``demo-accounts.json`` (the module's own run of the command, as in
``test_demo_accounts``), in French as the demo's people use them.
"""

from __future__ import annotations

import re
from contextlib import contextmanager
from datetime import timedelta
from random import Random

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import Page, expect

from conftest import browser_contexts, screenshot
from reading import corpus
from reading.models import Reading, ReadingStatus
from reading.tests.test_parser import FEUILLE
from tests.journeys import test_demo_accounts as demo
from tests.journeys.demo import MEMBER
from tests.journeys.test_demo_accounts import (
    accept_terms,
    exact,
    fr,
    log_in,
    password_alone_is_not_enough,
    set_up_second_factor,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db]
CLAIMS_STAFF = "Staff – claims"
shipped_demo = demo.shipped_demo  # the module's own run of seed_demo and live server


@pytest.fixture(autouse=True)
def _read_supporting_documents(settings):
    settings.READING_SUPPORTING_DOCUMENTS = True


@contextmanager
def browser(chromium, shipped_demo):
    with browser_contexts(chromium, shipped_demo.url, "fr-FR") as make:
        yield make()


def photographed_bill(folder, care_date) -> str:
    """A feuille de soins photographed by a phone (JPEG, slightly turned and blurred), of a care a few days ago."""
    text = FEUILLE.replace("14/03/2026", f"{care_date:%d/%m/%Y}")
    picture = corpus.degrade(
        corpus.render_image(corpus.Bill("feuille_de_soins", text.splitlines())), "mild", Random(15)
    )
    path = folder / "feuille-de-soins.jpg"
    path.write_bytes(corpus.encode(picture, "jpeg"))
    return str(path)


def send_claim_from_bill(page: Page, bill: str, care_date) -> str:
    page.goto(reverse("claims:new"))
    page.get_by_role("radio").first.check()
    page.get_by_role("button", name=fr("Next: the care")).click()
    page.get_by_text(fr("Start from a bill: upload it and we fill in the care for you")).click()
    page.get_by_label(fr("Photo or PDF of the bill")).set_input_files(bill)
    read = fr("Read from the bill: check each field and correct it if needed before adding this care.")
    expect(page.get_by_text(read)).to_be_visible(timeout=60_000)  # OCR of a photo, in the background
    amount = page.get_by_label(exact("Amount paid"))
    expect(amount).to_have_value("30.00")
    expect(amount).to_have_class(re.compile("read-from-bill"))
    expect(page.get_by_label(exact("Date of care"))).to_have_value(care_date.isoformat())
    expect(page.get_by_label(exact("Practitioner or facility"))).to_have_value(re.compile("10101234564"))
    screenshot(page, "demo-bill-01-prefilled")
    amount.fill("35.00")  # the member corrects what was read: editable, and no longer marked as read
    expect(amount).not_to_have_class(re.compile("read-from-bill"))
    page.get_by_role("button", name=fr("Add this care")).click()
    expect(page.locator("article.claim-item")).to_have_count(1, timeout=15_000)
    page.get_by_role("button", name=fr("Next: summary")).click()
    terms = (
        "I have read and accept the terms of the online claims service, and I will keep the original bills for 2 years."
    )
    page.get_by_label(fr(terms)).check()
    page.get_by_role("button", name=fr("Send my claim")).click()
    sent = page.get_by_text(re.compile(r"CLM-\S+"))
    expect(sent.first).to_be_visible(timeout=30_000)
    screenshot(page, "demo-bill-02-sent")
    return re.search(r"CLM-[\w-]+", sent.first.text_content()).group(0)


def test_the_demo_member_claims_from_a_bill_and_the_demo_staff_see_typed_beside_read(chromium, shipped_demo, tmp_path):
    care_date = timezone.localdate() - timedelta(days=5)
    with browser(chromium, shipped_demo) as page:
        log_in(page, shipped_demo.accounts[MEMBER])
        accept_terms(page)
        reference = send_claim_from_bill(page, photographed_bill(tmp_path, care_date), care_date)
    assert not Reading.objects.filter(status=ReadingStatus.PENDING).exists()

    with browser(chromium, shipped_demo) as staff:
        entry = shipped_demo.accounts[CLAIMS_STAFF]
        password_alone_is_not_enough(staff, entry)  # staff enrol their app from the mailed invitation (issue 16)
        set_up_second_factor(staff, entry, "demo-bill-staff")
        staff.goto(reverse("claims_backoffice:queue"))
        staff.locator("main table tbody tr", has_text=reference).get_by_role("link", name=reference).click()
        table = staff.locator("table.typed-vs-read")
        expect(table).to_contain_text(fr("Typed by the member / read from the documents"))
        mismatch = table.locator("tr.mismatch")
        expect(mismatch).to_have_count(1)
        expect(mismatch).to_contain_text("35")
        expect(mismatch).to_contain_text("30")
        expect(table.locator("tbody tr")).to_have_count(3)
        screenshot(staff, "demo-bill-03-typed-vs-read")
