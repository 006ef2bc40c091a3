"""axe-core on every page of the member space, at 1280 px and 390 px, through the shipped demo member (issue 14).

The module runs ``seed_demo`` as ``test_demo_accounts`` does (its ``shipped_demo`` fixture) and logs in once with the
demo member's printed password. The pages are found, not listed: the member's menu entries (``core.menu``, the same
entries as the header menu), then the links of their main content and header menu that stay in the space and answer
HTML, three links deep, one page per route and kind; reaching the crawl's bound fails the test instead of dropping
pages, and the crawl must reach at least ``REQUIRED``. The claim form is walked too, in the states a member meets:
with errors, and the confirmation before deleting the draft. axe-core comes from the ``axe-playwright-python``
package (its bundled ``axe.min.js``), injected into each page; every rule runs and no violation may be left. At
390 px no page may scroll sideways and no table of the main content is wider than the screen.

Screenshots kept for a person to look at: the claim form with errors, the confirmation step and a claim's
timeline, at both widths.
"""

from __future__ import annotations

import re

import pytest
from django.urls import reverse
from playwright.sync_api import Page, expect

from accounts.models import Profile
from conftest import browser_contexts, screenshot
from core.menu import entries_for
from tests.journeys.accessibility import WIDTHS, axe_violations, check_pages, failures, find_pages
from tests.journeys.demo import MEMBER
from tests.journeys.test_demo_accounts import accept_terms, exact, fr, log_in, shipped_demo  # noqa: F401

pytestmark = [pytest.mark.browser, pytest.mark.django_db]

SPACES = ("/space/", "/requests/", "/2fa/")
# Routes the crawl must reach at least: each section's list and the detail pages of its objects.
REQUIRED = {
    "accounts:dashboard",
    "claims:list",
    "claims:new",
    "claims:detail",
    "claims:terms",
    "benefits:list",
    "benefits:feed",
    "benefits:estimate",
    "benefits:card",
    "contracts:list",
    "contracts:detail",
    "contributions:list",
    "contributions:detail",
    "members:personal",
    "members:beneficiaries",
    "members:preferences",
    "demarches:list",
    "demarches:submit[kind_code=complaint]",
    "privacy:index",
    "privacy:detail",
    "my_documents:index",
    "network:search",
}


def member_pages(page: Page, profile: Profile) -> dict[str, str]:
    """route → URL: the menu's entries, then the links found in their main content (one URL per route)."""
    # The claims service's terms too: no page links to them once the member accepted them (the demo member has).
    pages = {"accounts:dashboard": reverse("accounts:dashboard"), "claims:terms": reverse("claims:terms")}
    pages |= {entry.url_name: url for entry, url in entries_for(profile)}
    return find_pages(page, pages, SPACES)


def claim_form_with_errors(page: Page) -> None:
    """A claim started for the first person offered, then the care submitted empty."""
    page.goto(reverse("claims:new"))
    page.get_by_role("radio").first.check()
    with page.expect_navigation():
        page.get_by_role("button", name=fr("Next: the care")).click()
    page.get_by_role("button", name=fr("Add this care")).click()
    # upload.js sends the care itself and writes the answer over the page (no navigation to wait for): until the
    # error summary shows, the elements found are the page being left, detached under the test (a CI run caught it).
    expect(page.locator(".error-summary")).to_be_visible()


@pytest.fixture(scope="module")
def member_page(chromium, request):
    """One browser context logged in once as the demo member (French, as the demo's people speak)."""
    demo = request.getfixturevalue("shipped_demo")  # test_demo_accounts' fixture, imported above
    with browser_contexts(chromium, demo.url, "fr-FR") as make:
        page = make()
        log_in(page, demo.accounts[MEMBER])
        accept_terms(page)
        page.member_username = demo.accounts[MEMBER]["username"]
        yield page


def test_the_claim_form_guides_after_a_failed_submission(member_page):
    page = member_page
    claim_form_with_errors(page)
    summary = page.locator(".error-summary")
    expect(summary).to_be_focused()
    assert page.title().startswith(fr("Error: %(counter)s problem to correct").split("%")[0])
    expect(summary.get_by_role("link", name=fr("Enter the date of care."))).to_be_visible()
    expect(page.get_by_text("This field is required.")).to_have_count(0)
    expect(page.get_by_text(fr("This field is required."))).to_have_count(0)
    summary.get_by_role("link", name=fr("Enter the date of care.")).click()
    expect(page.get_by_label(exact("Date of care"))).to_be_focused()
    expect(page.get_by_label(exact("Date of care"))).to_have_attribute("aria-invalid", "true")


def test_every_member_page_passes_axe_at_both_widths(member_page):
    page = member_page
    profile = Profile.objects.get(user__username=page.member_username, kind="member")
    pages = member_pages(page, profile)
    assert set(pages) >= REQUIRED, f"not reached: {sorted(REQUIRED - set(pages))}; found: {sorted(pages)}"
    found = check_pages(page, pages)
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        claim_form_with_errors(page)
        found[f"claims:items with errors @{width}"] = axe_violations(page)
        screenshot(page, f"member-claim-errors-{width}")
        page.goto(reverse("claims:discard"))
        expect(page.get_by_role("heading", name=fr("Delete this draft claim?"))).to_be_visible()
        found[f"claims:discard confirmation @{width}"] = axe_violations(page)
        screenshot(page, f"member-claim-confirm-{width}")
        page.goto(pages["claims:detail"])
        expect(page.locator("ol.claim-timeline li").first).to_be_visible()
        screenshot(page, f"member-claim-timeline-{width}")
    print(f"axe-core on {len(found)} page views ({len(pages)} pages): {sorted(pages)}")
    failing = failures(found)
    assert not failing, "\n".join(failing)


def test_the_statement_is_reached_from_the_footer_of_a_member_page(member_page):
    page = member_page
    page.goto(reverse("accounts:dashboard"))
    page.locator("footer").get_by_role("link", name=fr("Accessibility: partially compliant")).click()
    expect(page.get_by_role("heading", name=fr("Accessibility statement"), level=1)).to_be_visible()
    assert re.search(r"/accessibility/$", page.url)
    screenshot(page, "accessibility-statement")


def test_on_a_phone_the_claim_form_offers_the_camera(member_page, chromium):
    """The same login on a touch screen of 390 px: the camera input is shown beside the file chooser."""
    with browser_contexts(chromium, member_page.url.split("/space/")[0], "fr-FR") as make:
        page = make(390, phone=True, storage_state=member_page.context.storage_state())
        claim_form_with_errors(page)
        camera = page.get_by_label(fr("Or take a photo with the camera"))
        expect(camera).to_be_visible()
        expect(camera).to_have_attribute("capture", "environment")
        expect(page.get_by_label(exact("Supporting documents"))).to_have_attribute("accept", "image/*,application/pdf")
        camera.scroll_into_view_if_needed()
        # The viewport only: a full-page capture re-lays the page out without the touch screen's media queries.
        screenshot(page, "member-claim-camera-390", full_page=False)
