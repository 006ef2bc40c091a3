"""Browser pages on the shipped demo (``seed_demo``'s server and accounts, ``test_demo_accounts.shipped_demo``), in
French as the demo's people speak: its page fixture (``test_demo_accounts.demo_page``) and one login for the
journeys of the demo member."""

from __future__ import annotations

from django.urls import reverse
from playwright.sync_api import Page

from tests.journeys.test_demo_accounts import demo_page, fr, log_in, shipped_demo  # noqa: F401 - fixtures, for importers

MEMBER = "Member – individual domestic contract with family"


def logged_in(page: Page, shipped) -> None:
    """The demo member logged in; the first login of a module accepts the terms."""
    log_in(page, shipped.accounts[MEMBER])
    if page.url.endswith(reverse("accounts:onboarding_terms")):
        page.get_by_label(fr("I have read and I accept the terms of use")).check()
        page.get_by_role("button", name=fr("Continue")).click()
        page.wait_for_load_state()
