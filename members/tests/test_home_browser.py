"""The member's home on a phone (390 px), in a real browser: first actions on top, what waits for the member, the
last reimbursement in euros with the left to pay, the menu folded behind its button, nothing wider than the screen."""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from accounts.tests.factories import PASSWORD
from benefits.tests import factories as bf
from claims.choices import ClaimStatus, ItemDecision
from conftest import screenshot
from members.tests.test_home import call

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_member_home_on_a_phone(browser_page):
    fam = bf.family(product=bf.tp_product(), language="fr")
    fam["contract"].payment_method = "transfer"
    fam["contract"].save(update_fields=["payment_method"])
    bf.decided_claim(fam, [("B_GP", "30.00", "16.50", "13.50"), ("B_OPTICS", "420.00", "0.09", "150.00")])
    refused = bf.decided_claim(fam, status=ClaimStatus.PARTIALLY_VALIDATED, ledger=False)  # every item refused below
    refused.items.update(decision=ItemDecision.REFUSED, refusal_reason="missing_documents", reimbursed_amount=None)
    refused.decided_at = timezone.now() - timedelta(hours=1)
    refused.save(update_fields=["decided_at"])
    call(fam["contract"], due_in_days=-50, amount="476.40")
    page = browser_page
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto("/login/")
    page.fill("input[name=username]", fam["profile"].user.username)
    page.fill("input[name=password]", PASSWORD)
    page.locator("form:has(input[name=username]) button[type=submit]").click()
    page.wait_for_url("**/space/")
    claim = page.get_by_role("button", name="Faire une demande")
    assert claim.is_visible() and claim.bounding_box()["y"] < 400  # the first thing under the greeting
    expect(page.get_by_role("button", name="Afficher ma carte")).to_be_visible()
    waiting = page.locator(".home-alert")
    assert "476,40\u00a0€ de cotisations en retard" in waiting.inner_text()
    assert refused.reference in waiting.inner_text()
    money = page.locator(".home-money").first.inner_text()
    assert "Reste à charge" in money and "269,91\u00a0€" in money  # 450.00 spent - 16.59 - 163.50
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    screenshot(page, "member-home-390")
    page.goto("/space/contributions/")  # below the home (which lists every section itself), the header menu
    menu = page.locator("#space-menu-list")
    assert not menu.is_visible()
    page.get_by_role("button", name="Menu").click()
    assert menu.is_visible() and menu.get_by_role("link", name="Mes cotisations").is_visible()
    page.get_by_role("button", name="Menu").click()
