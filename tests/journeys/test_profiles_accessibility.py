"""axe-core on the pages of every other profile, at 1280 px and 390 px, through the shipped demo logins (issue 14).

The member's space has its own module (``test_member_accessibility``), the back office too
(``test_staff_accessibility``); this one takes the same machinery (``tests.journeys.accessibility``) to the company
correspondent, the agent, the health professional and the public pages seen without logging in. One browser context
and one login per profile; the pages are found from the home page: the links of its main content and header menu,
then theirs, three links deep (lists, then the objects they list, then the forms of those objects), one page per
route and kind; reaching the crawl's bound fails the test instead of dropping pages. Each profile must reach at
least its known routes (a login that lands nowhere fails). Every rule runs; no violation may be left; at 390 px no
page scrolls sideways and no table of the main content is wider than the screen (tables are stacked cards there).
"""

from __future__ import annotations

import re
from collections.abc import Iterable

import pytest
from django.urls import reverse

from conftest import browser_contexts, screenshot
from tests.journeys.accessibility import check_pages, failures, find_pages, route
from tests.journeys.test_demo_accounts import accept_terms, log_in, set_up_second_factor, shipped_demo  # noqa: F401

pytestmark = [pytest.mark.browser, pytest.mark.django_db]

SPACES = ("/space/", "/backoffice/", "/requests/", "/2fa/")
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

# label in demo-accounts.json → the routes its crawl must reach at least (lists and the detail pages of their
# objects: a guard against a login that silently lands nowhere, or a link the crawl stopped seeing).
PROFILES = {
    "Company correspondent": {
        "companies:home",
        "companies:employee_list",
        "companies:employee_detail",
        "companies:employee_affiliate",
        "companies:contract_list",
        "companies:contract_detail",
        "companies:downloads",
        "companies:information",
        "contributions:list",
        "contributions:detail",
        "demarches:list",
        "demarches:detail",
        "demarches:submit[kind_code=complaint]",
        "privacy:index",
        "twofactor:manage",
    },
    "Agent (broker)": {
        "companies:home",
        "companies:client_detail",
        "companies:contract_detail",
        "companies:employee_list",
        "companies:employee_detail",
        "contributions:detail",
        "demarches:list",
        "demarches:detail",
    },
    "Health professional": {
        "professionals:invoices",
        "professionals:invoice",
        "professionals:payments",
        "professionals:payment",
        "professionals:contact",
        "professionals:message",
        "professionals:rights",
    },
}
# Pages kept as screenshots at both widths (besides each profile's first page): the tables fixed for a phone.
SHOTS = {
    "companies:employee_list",
    "demarches:list",
    "professionals:payments",
    "backoffice:letter_queue",
    "claims_backoffice:queue",
    "demarches_backoffice:queue",
    "contributions_backoffice:call",
    "privacy_backoffice:audience",
    "payments_backoffice:list",
    "professionals_backoffice:payments",
    "content_backoffice:faq_list",
    "ledger_backoffice:flows",
}


@pytest.fixture(scope="module")
def demo(request):
    """``test_demo_accounts``' fixture (imported above), set up at the module's scope: before the test's transaction."""
    return request.getfixturevalue("shipped_demo")


@pytest.fixture
def browser_page(chromium, demo):
    """A browser context of its own on the demo's server, in French."""
    with browser_contexts(chromium, demo.url, "fr-FR") as make:
        page = make()
        page.demo_accounts = demo.accounts
        yield page


def check(page, pages: dict[str, str], shot: str) -> None:
    shots = {next(iter(pages)), *(SHOTS & set(pages))}

    def looked_at(name: str, width: int) -> None:
        if name in shots:
            screenshot(page, f"{shot}-{name.replace(':', '-').replace('_', '-')}-{width}")

    found = check_pages(page, pages, then=looked_at)
    print(f"axe-core on {len(found)} page views: {sorted(pages)}")
    for name, lines in sorted(found.items()):
        for line in lines:
            print(f"VIOLATION {name}: {line}")
    failing = failures(found)
    assert not failing, "\n".join(failing)


def check_profile(page, label: str, required: set[str], more: Iterable[str] = ()) -> None:
    """Log in as the demo's ``label``, find every page of the space (from its home and the ``more`` addresses: the
    results of a search, a list's other filter), check that ``required`` routes are among them, check each page at
    both widths."""
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
    start |= {f"{route(url, SPACES)} {url.split('?')[1]}": url for url in more}
    pages = find_pages(page, start, SPACES)
    print(f"{label}: {len(pages)} pages")
    assert required <= set(pages), f"not reached: {sorted(required - set(pages))}; found: {sorted(pages)}"
    check(page, pages, shot="a11y-" + re.sub(r"\W+", "-", label.lower()).strip("-"))


@pytest.mark.parametrize("label", PROFILES)
def test_every_page_of_the_profile_passes_axe_at_both_widths(browser_page, label):
    check_profile(browser_page, label, PROFILES[label])


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
    pages = find_pages(page, start, PUBLIC, depth=1)
    assert {"registration:form[kind=member]", "registration:form[kind=company]", "help:faq"} <= set(pages), pages
    check(page, pages, shot="a11y-public")
