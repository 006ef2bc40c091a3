"""Personal data in a real browser (SPEC G2, B7, B6): a member asks for a portable copy of its data, proves its
identity with the membership number and the last IBAN digits, the DPO answers, the member downloads the JSON."""

from __future__ import annotations

import json
import re
import shutil
from datetime import date, timedelta
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import expect
from pypdf import PdfReader

from accounts.choices import StaffRole
from accounts.tests import factories as f
from conftest import screenshot
from privacy.tests import factories as pf
from tests.journeys.support import log_in, log_out, staff_log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots"


def member():
    fam = pf.family(
        last_name="Lefèvre",
        first_name="Sophie",
        address_line1="8 quai Saint-Vincent",
        postal_code="69001",
        city="Lyon",
        phone="+33611223344",
        child_fields={"last_name": "Lefèvre", "first_name": "Jules", "birth_date": date(2016, 9, 12)},
    )
    return fam.holder, fam.profile


def test_member_gets_a_portable_copy_of_its_data_processed_by_the_dpo(open_page, mailbox):
    holder, profile = member()
    page = open_page(1280)
    log_in(page, profile.user.username, f.PASSWORD)
    page.get_by_role("link", name="My personal data").first.click()
    expect(page.get_by_role("heading", name="My personal data")).to_be_visible()

    page.get_by_label("Portability (machine-readable copy)").check()
    page.get_by_label("Membership number", exact=True).fill(holder.membership_number)
    page.get_by_label("Last 4 characters of your IBAN").fill("9999")
    page.get_by_role("button", name="Send my request").click()
    expect(page.locator(".error-summary").get_by_text("We could not confirm your identity")).to_be_visible()
    screenshot(page, "journey-privacy-01-wrong-digits")

    page.get_by_label("Portability (machine-readable copy)").check()
    page.get_by_label("Membership number", exact=True).fill(holder.membership_number)
    page.get_by_label("Last 4 characters of your IBAN").fill("0189")
    page.get_by_role("button", name="Send my request").click()
    expect(page.get_by_role("heading", name=re.compile(r"^Request DPR-"))).to_be_visible()
    expect(page.get_by_text("In progress").first).to_be_visible()
    reference = page.get_by_role("heading", name=re.compile(r"^Request DPR-")).inner_text().split()[-1]
    page.goto("/space/privacy/")
    screenshot(page, "journey-privacy-02-member-page")
    assert any(reference in mail.subject for mail in mailbox.new())
    log_out(page)

    late_profile = pf.family(last_name="Girard", first_name="Paul", iban=None).profile
    pf.privacy_request(late_profile, kind="erasure", received_on=timezone.localdate() - timedelta(days=35))
    dpo_page = open_page(1280)
    staff_log_in(dpo_page, StaffRole.DPO)
    dpo_page.goto("/backoffice/privacy/")
    expect(dpo_page.get_by_role("heading", name="Rights requests")).to_be_visible()
    screenshot(dpo_page, "journey-privacy-03-dpo-queue")
    dpo_page.get_by_role("link", name=reference).click()
    screenshot(dpo_page, "journey-privacy-03b-dpo-request")
    dpo_page.get_by_role("button", name="Assign").click()
    expect(dpo_page.get_by_text("The request is assigned.")).to_be_visible()
    dpo_page.get_by_label("Answer to the person").fill("Please find the copy of your data in your space.")
    dpo_page.get_by_role("button", name="Send the answer").click()
    expect(dpo_page.get_by_text("The answer is sent.")).to_be_visible()
    dpo_page.reload()
    expect(dpo_page.get_by_text(re.compile(r"ready on .*, downloadable until"))).to_be_visible()
    screenshot(dpo_page, "journey-privacy-04-dpo-answered")

    dpo_page.goto("/backoffice/privacy/evidence/")
    dpo_page.get_by_role("button", name="Verify the trail").click()
    expect(dpo_page.get_by_text(re.compile(r"^Audit trail intact"))).to_be_visible()
    screenshot(dpo_page, "journey-privacy-05-evidence")
    dpo_page.goto("/backoffice/privacy/accesses/")
    expect(dpo_page.get_by_text("privacy_request").first).to_be_visible()
    screenshot(dpo_page, "journey-privacy-06-accesses")

    page = open_page(390)
    log_in(page, profile.user.username, f.PASSWORD)
    page.goto("/space/privacy/")
    page.get_by_role("link", name=reference).click()
    expect(page.get_by_text("Our answer")).to_be_visible()
    screenshot(page, "journey-privacy-07-member-answer-phone")
    with page.expect_download() as download:
        page.get_by_role("button", name="Download my data (JSON)").click()
    document = json.loads(Path(download.value.path()).read_text())
    assert document["schema"] == "openmutuelle.personal-data-export"
    assert document["sections"]["people"]["identity"]["membership_number"] == holder.membership_number
    assert document["sections"]["people"]["bank_accounts"][0]["iban"] == "FR76 •••• •••• 0189"
    assert pf.IBAN not in json.dumps(document)
    with page.expect_download() as download:
        page.get_by_role("button", name="Download the summary (PDF)").click()
    SHOTS.mkdir(parents=True, exist_ok=True)
    shutil.copy(download.value.path(), SHOTS / "journey-privacy-export.pdf")
    text = "\n".join(p.extract_text() for p in PdfReader(download.value.path()).pages)
    assert "Lefèvre".upper() in text.upper() and "0189" in text
