"""Browser pages on the shipped demo (``seed_demo``'s server and accounts, ``test_demo_accounts.shipped_demo``), in
French as the demo's people speak: one fixture and one login for the journeys of the demo member."""

from __future__ import annotations

import pytest
from django.urls import reverse
from playwright.sync_api import Page

from conftest import browser_contexts
from tests.journeys.test_demo_accounts import fr, log_in, shipped_demo  # noqa: F401 - the fixture used below

MEMBER = "Member – individual domestic contract with family"


@pytest.fixture
def demo_page(chromium, shipped_demo):  # noqa: F811 - the fixture imported above
    """``demo_page(width, phone=False)``: a fresh French browser context on the demo's server; ``phone``: a touch
    screen 844 px high, as the camera input and the phone's media queries need."""
    with browser_contexts(chromium, shipped_demo.url, "fr-FR") as make:
        yield make


def logged_in(page: Page, shipped) -> None:
    """The demo member logged in; the first login of a module accepts the terms."""
    log_in(page, shipped.accounts[MEMBER])
    if page.url.endswith(reverse("accounts:onboarding_terms")):
        page.get_by_label(fr("I have read and I accept the terms of use")).check()
        page.get_by_role("button", name=fr("Continue")).click()
        page.wait_for_load_state()
