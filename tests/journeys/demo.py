"""Browser pages on the shipped demo (``seed_demo``'s server and accounts, ``test_demo_accounts.shipped_demo``), in
French as the demo's people speak: one fixture and one login for the journeys of the demo member."""

from __future__ import annotations

import pytest
from django.urls import reverse
from playwright.sync_api import Page

from tests.journeys.test_demo_accounts import fr, log_in, shipped_demo  # noqa: F401 - the fixture used below

MEMBER = "Member – individual domestic contract with family"


@pytest.fixture
def demo_page(chromium, shipped_demo):  # noqa: F811 - the fixture imported above
    """``demo_page(width, phone=False)``: a fresh French browser context on the demo's server; ``phone``: a touch
    screen 844 px high, as the camera input and the phone's media queries need."""
    contexts = []

    def make(width: int = 1280, *, phone: bool = False) -> Page:
        context = chromium.new_context(
            base_url=shipped_demo.url,
            locale="fr-FR",
            viewport={"width": width, "height": 844 if phone else 900},
            has_touch=phone,
            is_mobile=phone,
            reduced_motion="reduce",  # no CSS transition caught half-way in a screenshot
        )
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(15000)
        return page

    yield make
    for context in contexts:
        context.close()


def logged_in(page: Page, shipped) -> None:
    """The demo member logged in; the first login of a module accepts the terms."""
    log_in(page, shipped.accounts[MEMBER])
    if page.url.endswith(reverse("accounts:onboarding_terms")):
        page.get_by_label(fr("I have read and I accept the terms of use")).check()
        page.get_by_role("button", name=fr("Continue")).click()
        page.wait_for_load_state()
