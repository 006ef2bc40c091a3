"""Issue 14 in a real browser, with the shipped demo accounts: the doctor's sector in the estimate, and a quote sent
from the estimate of glasses, answered by the requests staff, read by the member. Screenshots at 1280 and 390 px
under var/screenshots/ and axe-core on every page the quote adds.

The demo member holds Santé Équilibre: specialist at 175 % BR, 155 % BR for a secteur 2 doctor not adhering to OPTAM
(the responsible contract's rule: 20 points below). With the tariff CS (base 30 €, 70 %, flat fee 2 €), a 120 € visit:
the scheme pays 19 € either way; we pay 52.50 − 21 = 31.50 € (OPTAM) or 46.50 − 21 = 25.50 € (not OPTAM), leaving
69.50 € or 75.50 €.

One test, one pass through: the staff's invitation link (their second factor's set-up) is single-use, so the member
sends the quote once and each page is looked at in both widths by resizing the window.
"""

from __future__ import annotations

import re

import pytest
from django.urls import reverse
from playwright.sync_api import Page, expect

from conftest import screenshot
from core.testing.documents import pdf_bytes
from tests.journeys.accessibility import assert_accessible
from tests.journeys.demo import demo_page, logged_in  # noqa: F401 - demo_page is a fixture
from tests.journeys.test_demo_accounts import (  # noqa: F401 - shipped_demo is the module's fixture
    exact,
    fr,
    password_alone_is_not_enough,
    set_up_second_factor,
    shipped_demo,
)
from tests.journeys.test_estimate_journey import estimate

pytestmark = [pytest.mark.browser, pytest.mark.django_db]

STAFF = "Staff – requests"
NBSP = "\u00a0"
OPTAM = "Secteur 2, adhering to OPTAM or OPTAM-CO"
NON_OPTAM = "Secteur 2, not adhering to OPTAM"


def looked_at(page: Page, name: str) -> None:
    """The page at each width: no axe-core violation, no sideways scroll, and a screenshot."""
    assert_accessible(page, name, then=lambda width: screenshot(page, f"{name}-{width}"))


def split_of(page: Page) -> list[str]:
    return page.locator("article.estimate-result dl.money-split dd").all_text_contents()


def test_the_sector_changes_the_estimate_and_a_quote_is_answered(demo_page, shipped_demo):  # noqa: F811
    member = demo_page(1280)
    logged_in(member, shipped_demo)
    member.goto(reverse("benefits:estimate"))

    # The sector is asked for a doctor's fees only.
    sector = member.locator("fieldset", has=member.locator("input[name='sector']"))
    member.get_by_label(exact("Care")).select_option("OPTICS_GLASSES")
    expect(sector).to_be_hidden()
    member.get_by_label(exact("Care")).select_option("SPECIALIST_CONSULTATION")
    expect(sector).to_be_visible()
    looked_at(member, "estimate-sector-form")

    estimate(member, "SPECIALIST_CONSULTATION", "120", NON_OPTAM)
    assert split_of(member) == [f"120,00{NBSP}€", f"19,00{NBSP}€", f"25,50{NBSP}€", f"75,50{NBSP}€"]
    note = member.locator("p.estimate-sector")
    expect(note).to_contain_text("155")
    expect(note).to_contain_text("175")
    looked_at(member, "estimate-non-optam")
    estimate(member, "SPECIALIST_CONSULTATION", "120", OPTAM)
    assert split_of(member) == [f"120,00{NBSP}€", f"19,00{NBSP}€", f"31,50{NBSP}€", f"69,50{NBSP}€"]
    looked_at(member, "estimate-optam")

    # Glasses for the member: the result offers to send the quote, which opens the request filled in.
    estimate(member, "OPTICS_GLASSES", "450")
    quote = member.locator("section.estimate-quote")
    expect(quote).to_be_visible()
    looked_at(member, "estimate-glasses-quote")
    quote.get_by_role("button", name=fr("Send my quote")).click()
    member.wait_for_load_state()
    expect(member.get_by_role("heading", name=fr("Quote for an estimate"), level=1)).to_be_visible()
    expect(member.get_by_label(exact("Total of the quote (EUR)"))).to_have_value("450.00")
    expect(member.get_by_label(exact("Care"))).to_have_value("OPTICS_GLASSES")
    member.get_by_label(exact("Message (optional)")).fill("Verres progressifs, monture comprise.")
    member.get_by_label(re.compile(rf"^{re.escape(fr('Supporting documents'))}")).set_input_files(
        files=[{"name": "devis-opticien.pdf", "mimeType": "application/pdf", "buffer": pdf_bytes()}]
    )
    looked_at(member, "quote-form")
    member.get_by_role("button", name=fr("Send my request")).click()
    member.wait_for_load_state()
    expect(member.get_by_role("heading", name=fr("Quote for an estimate"), level=1)).to_be_visible()
    reference = member.locator("hgroup p").text_content().split(" · ")[0].strip()
    assert reference.startswith("DEM-"), reference
    request_url = member.url
    looked_at(member, "quote-sent")

    # The requests staff answer it from the queue, with the amounts the guarantee engine suggests.
    staff = demo_page(1280)
    entry = shipped_demo.accounts[STAFF]
    password_alone_is_not_enough(staff, entry)
    set_up_second_factor(staff, entry, "quote-staff")
    staff.goto(reverse("demarches_backoffice:queue"))
    row = staff.locator("main tr", has_text=reference)
    expect(row).to_be_visible()
    looked_at(staff, "quote-staff-queue")
    row.get_by_role("link").first.click()
    staff.wait_for_load_state()
    we_pay = staff.get_by_label(exact("We would pay (EUR)"))
    expect(we_pay).not_to_have_value("")
    looked_at(staff, "quote-staff-detail")
    we_pay.fill("180.00")
    staff.get_by_label(exact("Left to pay (EUR)")).fill("270.00")
    staff.get_by_label(exact("Answer to the member (optional)")).fill(
        "Avec des verres 100 % Santé, votre reste à charge serait nul."
    )
    staff.locator("form[action$='/validate/'] button[type=submit]").click()
    staff.wait_for_load_state()
    expect(staff.locator("main")).to_contain_text(fr("Our answer"))

    # The member reads the answer on the request's page.
    member.goto(request_url)
    answer = member.locator("article.request-answer")
    expect(answer).to_contain_text("180,00")
    expect(answer).to_contain_text("270,00")
    expect(answer).to_contain_text("100 % Santé")
    looked_at(member, "quote-answered")
