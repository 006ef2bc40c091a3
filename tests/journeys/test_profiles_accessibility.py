"""axe-core on the pages of every other profile, at 1280 px and 390 px, through the shipped demo logins (issue 14).

The member's space has its own module (``test_member_accessibility``); this one takes the same machinery
(``tests.journeys.accessibility``) to the company correspondent, the agent, the health professional, two back-office
staff (the administrator and the claims handler: the second factor set up from the invitation link, as
``test_demo_accounts`` does) and the public pages seen without logging in. One browser context and one login per
profile; the pages are found from the home page (its entries, then the links in their main content), one page per
route and at most ``CAP`` pages a profile. Every rule runs; no violation may be left, and at 390 px no page may
scroll sideways.
"""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from conftest import screenshot
from tests.journeys.accessibility import WIDTHS, check_pages, failures, find_pages
from tests.journeys.test_demo_accounts import accept_terms, log_in, set_up_second_factor, shipped_demo  # noqa: F401

pytestmark = [pytest.mark.browser, pytest.mark.django_db]

CAP = 40  # pages a profile: enough for every route of these spaces today, and a bounded run time
SPACES = ("/space/", "/backoffice/", "/requests/")
# The public addresses (the home page "/" is a start page: as a prefix it would take in every path).
PUBLIC = (
    "/terms/",
    "/legal-notices/",
    "/privacy/",
    "/accessibility/",
    "/login/",
    "/password/",
    "/username/",
    "/register/",
    "/help/",
)

# label in demo-accounts.json → the smallest number of pages its space must show (a guard against a login that
# silently lands nowhere).
PROFILES = {
    "Company correspondent": 5,
    "Agent (broker)": 3,
    "Health professional": 3,
    "Staff – administrator": 5,
    "Staff – claims": 5,
}
# Pages kept as screenshots at both widths (besides each profile's first page): the tables fixed for a phone.
SHOTS = {
    "companies:employee_list",
    "backoffice:letter_queue",
    "contributions_backoffice:call",
    "ledger_backoffice:flows",
}
# Violations that could not be fixed safely yet: a substring of the failure line, and why.
KNOWN: tuple[str, ...] = ()


@pytest.fixture(scope="module")
def demo(request):
    """``test_demo_accounts``' fixture (imported above), set up at the module's scope: before the test's transaction."""
    return request.getfixturevalue("shipped_demo")


@pytest.fixture
def browser_page(chromium, demo):
    """A browser context of its own on the demo's server, in French."""
    context = chromium.new_context(base_url=demo.url, locale="fr-FR", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(15000)
    page.demo_accounts = demo.accounts
    yield page
    context.close()


def check(page, pages: dict[str, str], shot: str) -> None:
    found: dict[str, list[str]] = {}
    for width in WIDTHS:
        found |= check_pages(page, pages, width)
        for name in [next(iter(pages)), *sorted(SHOTS & set(pages))]:
            page.goto(pages[name])
            screenshot(page, f"{shot}-{name.replace(':', '-').replace('_', '-')}-{width}")
    print(f"axe-core on {len(found)} page views: {sorted(pages)}")
    failing = failures(found, KNOWN)
    assert not failing, "\n".join(failing)


@pytest.mark.parametrize("label", PROFILES)
def test_every_page_of_the_profile_passes_axe_at_both_widths(browser_page, label):
    page = browser_page
    entry = page.demo_accounts[label]
    if entry.get("invitation_link"):
        log_in(page, entry)
        accept_terms(page)
        page.context.clear_cookies()
        set_up_second_factor(page, entry, shot="a11y-" + entry["username"].replace(".", "-"))
        start = {"accounts:dashboard": reverse("accounts:dashboard"), "backoffice:home": reverse("backoffice:home")}
    else:
        log_in(page, entry)
        accept_terms(page)
        start = {"accounts:dashboard": reverse("accounts:dashboard")}
    pages = find_pages(page, start, SPACES, depth=2, cap=CAP)
    assert len(pages) >= PROFILES[label], sorted(pages)
    check(page, pages, shot="a11y-" + re.sub(r"\W+", "-", label.lower()).strip("-"))


def test_every_public_page_passes_axe_at_both_widths(browser_page):
    page = browser_page
    start = {
        name: reverse(name)
        for name in (
            "core:home",
            "core:terms",
            "core:legal_notices",
            "core:privacy",
            "core:accessibility",
            "accounts:login",
            "accounts:password_forgotten",
            "accounts:username_forgotten",
            "registration:start",
            "help:index",
            "help:faq",
            "help:contact",
        )
    }
    pages = find_pages(page, start, PUBLIC, depth=1, cap=CAP)
    check(page, pages, shot="a11y-public")
