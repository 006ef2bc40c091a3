"""Issue 14 in a real browser, through the shipped demo member's login (``seed_demo``'s accounts file, as
``test_demo_accounts`` uses it): the home leads to the estimate, which the header menu marks; a 120 € specialist
visit and a 450 € pair of glasses (for a child whose glasses ceiling the demo used up) get their split; the contract
page shows its guarantees with euro examples. At 1280 and 390 px, with screenshots under var/screenshots/.

The demo member holds Santé Équilibre (specialist at 175 % BR). By hand, with the tariff CS (base 30 €, 70 %, flat
fee 2 €): the scheme pays 21 − 2 = 19 €, we pay 52.50 − 21 = 31.50 €, 120 − 19 − 31.50 = 69.50 € are left.
"""

from __future__ import annotations

import re

import pytest
from django.urls import reverse
from playwright.sync_api import Page, expect

from conftest import screenshot
from tests.journeys.demo import MEMBER, demo_page, logged_in  # noqa: F401 - demo_page is a fixture
from tests.journeys.test_demo_accounts import exact, fr, shipped_demo  # noqa: F401 - the module's fixture

pytestmark = [pytest.mark.browser, pytest.mark.django_db]

NBSP = "\u00a0"


def open_estimate_from_the_home(page: Page, width: int) -> None:
    """The home links to the estimate; on its page the header menu marks it as the current page."""
    url = reverse("benefits:estimate")
    page.locator(f'main a[href="{url}"]').first.click()
    page.wait_for_load_state()
    expect(page.get_by_role("heading", name=fr("Estimate my care"), level=1)).to_be_visible()
    current = page.locator(f'#space-menu-list a[href="{url}"]')
    expect(current).to_have_attribute("aria-current", "page")


def estimate(page: Page, category: str, fee: str, sector: str = "") -> None:
    """The form filled and sent; ``sector``: the label of the doctor's sector, asked for a doctor's fees."""
    page.get_by_label(exact("Care")).select_option(category)
    page.get_by_label(exact("Fee announced by the practitioner (EUR)")).fill(fee)
    if sector:
        page.get_by_label(fr(sector), exact=True).check()
    page.get_by_role("button", name=fr("Estimate"), exact=True).click()
    page.wait_for_load_state()


def home_tells_what_is_happening(page: Page, width: int) -> None:
    """The demo member's home (issue 14's bar): the last reimbursements in euros with what is left to pay, the
    overdue contribution with its one action, the refused laboratory invoice with where to add the missing document;
    on a phone, *Make a claim* first."""
    money = page.locator("article.home-money").first
    for label in ("Spent", "Compulsory scheme", "We paid", "Left to pay"):
        expect(money.locator("dt", has_text=fr(label))).to_be_visible()
    awaited = page.locator("main").get_by_text(re.compile("cotisations en retard depuis"))
    expect(awaited.first).to_be_visible()
    missing = page.locator("main li", has_text="Ajoutez la pièce manquante sur la page de la demande")
    expect(missing.first).to_be_visible()
    missing.first.get_by_role("link", name=fr("Add the missing document")).click()
    page.wait_for_load_state()
    expect(page.get_by_role("heading", name=fr("Add the missing document")).first).to_be_visible()
    page.go_back()
    page.wait_for_load_state()
    first_action = page.locator("main a[role=button]").first
    expect(first_action).to_have_attribute("href", reverse("claims:new"))
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    screenshot(page, f"demo-member-home-{width}")


@pytest.mark.parametrize("width", [1280, 390])
def test_the_demo_member_estimates_a_specialist_visit_and_glasses(demo_page, shipped_demo, width):  # noqa: F811
    page = demo_page(width)
    logged_in(page, shipped_demo)
    home_tells_what_is_happening(page, width)
    open_estimate_from_the_home(page, width)
    estimate(page, "SPECIALIST_CONSULTATION", "120", "Secteur 2, adhering to OPTAM or OPTAM-CO")
    result = page.locator("article.estimate-result")
    expect(result).to_contain_text(f"19,00{NBSP}€")
    expect(result).to_contain_text(f"31,50{NBSP}€")
    expect(result).to_contain_text(f"69,50{NBSP}€")
    expect(result).to_contain_text(fr("This is an estimate, not a commitment."))
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    screenshot(page, f"estimate-specialist-{width}")
    joseph = page.locator("#id_beneficiary option", has_text="Joseph").get_attribute("value")
    page.get_by_label(exact("Who is the care for?")).select_option(joseph)
    estimate(page, "OPTICS_GLASSES", "450")  # the demo already paid Joseph's 200 € of glasses for these 2 years
    result = page.locator("article.estimate-result")
    expect(result.locator("dd strong").first).to_have_text(f"0,00{NBSP}€")
    expect(result.locator("li", has_text=re.compile("^Plafond"))).to_contain_text(f"200,00{NBSP}€ déjà consommés")
    screenshot(page, f"estimate-glasses-{width}")
    page.goto(reverse("contracts:list"))
    page.get_by_role("link", name="Santé Équilibre").first.click()
    page.wait_for_load_state()
    specialist = page.locator("main tr", has_text=re.compile("spécialiste", re.IGNORECASE)).first
    expect(specialist.locator(".guarantee-example")).to_contain_text(f"31,50{NBSP}€")  # 80 € billed: 19 + 31.50
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    screenshot(page, f"contract-examples-{width}")
