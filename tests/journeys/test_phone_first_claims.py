"""Phone-first claims (issue 14) in a real browser, through the shipped demo member's login (``seed_demo``'s accounts
file, as ``test_demo_accounts`` uses it), in French.

On a phone (390 px, touch): the member starts a claim, takes two photos with the camera input, sees two thumbnails,
removes one, sends the care on a slow network with the progress bar moving and its percentage read out, and the page
the server answers shows the per-document check (the blurred photo's warning). Then, on the demo claim whose
laboratory invoice was refused for a missing document, they add it: the claim goes back to review and its timeline
says when the decision and the payment are expected. The same pages are shot at 1280 px. axe-core finds no
violation on any of them (thumbnails and progress bar included).
"""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from claims.tests.conftest import blurred_jpeg, pdf_bytes, sharp_jpeg
from conftest import screenshot
from tests.journeys.accessibility import page_problems
from tests.journeys.demo import MEMBER, demo_page, logged_in  # noqa: F401 - demo_page is a fixture
from tests.journeys.test_demo_accounts import exact, fr, shipped_demo  # noqa: F401 - the module's fixture

pytestmark = [pytest.mark.browser, pytest.mark.django_db]

LAB_CLAIM = "CLM-DEMO-000003"


def form_shot(locator, name: str) -> None:
    """The screen as the phone shows it around ``locator``: a full-page (or an element's) screenshot re-lays the
    page out without the touch emulation, which hides the camera input (shown only where the pointer is a finger)."""
    locator.scroll_into_view_if_needed()
    screenshot(locator.page, name, full_page=False)


def photo(name: str, content: bytes) -> dict:
    return {"name": name, "mimeType": "image/jpeg", "buffer": content}


@pytest.mark.parametrize("width", [390, 1280])
def test_a_care_with_photos_taken_on_the_phone(demo_page, shipped_demo, width):  # noqa: F811
    page = demo_page(width, phone=width < 600)
    logged_in(page, shipped_demo)
    page.goto(reverse("claims:new"))
    page.locator("input[name=beneficiary]").first.check()
    page.get_by_role("button", name=fr("Next: the care")).click()
    page.wait_for_load_state()
    expect(page).to_have_url(re.compile(re.escape(reverse("claims:items")) + "$"))

    form = page.locator("form.upload-form", has=page.locator("#id_care_date"))
    page.get_by_label(exact("Date of care")).fill((timezone.localdate() - timedelta(days=5)).isoformat())
    page.get_by_label(exact("Type of care")).select_option("SPECIALIST_CONSULTATION")
    page.get_by_label(exact("Practitioner or facility")).fill("Dr Durand")
    page.get_by_label(exact("Amount paid")).fill("60")
    camera = page.locator("#id_documents_camera")
    if width < 600:
        expect(camera).to_be_visible()  # a finger pointer: the camera is offered
    camera.set_input_files(photo("photo-1.jpg", sharp_jpeg()))
    camera.set_input_files(photo("photo-2.jpg", blurred_jpeg()))
    thumbnails = form.locator(".upload-previews li")
    expect(thumbnails).to_have_count(2)
    expect(thumbnails.locator("img")).to_have_count(2)
    expect(form.locator(".upload-status")).to_have_text(fr("Documents ready to send: {count}.").format(count=2))
    page.locator("#id_documents").set_input_files(
        {"name": "ordonnance.pdf", "mimeType": "application/pdf", "buffer": pdf_bytes(1)}
    )
    expect(thumbnails).to_have_count(3)  # the file input adds to the photos, it does not replace them
    expect(thumbnails.nth(2).locator(".upload-icon")).to_have_text("PDF")
    screenshot(page, f"phone-claim-thumbnails-{width}")
    form_shot(form, f"phone-claim-thumbnails-form-{width}")
    assert page_problems(page, width) == []

    thumbnails.nth(2).get_by_role("button", name=f"{fr('Remove')} ordonnance.pdf").click()
    thumbnails.nth(0).get_by_role("button", name=f"{fr('Remove')} photo-1.jpg").click()
    expect(thumbnails).to_have_count(1)
    expect(thumbnails.first).to_contain_text("photo-2.jpg")
    expect(thumbnails.first.get_by_role("button")).to_be_focused()  # the focus stays in the list
    assert page.evaluate("document.getElementById('id_documents').files.length") == 1

    # A slow mobile network (uploads at 64 KB/s, DevTools' throttling): the bar moves and the live region follows.
    network = page.context.new_cdp_session(page)
    network.send("Network.enable")
    slow = {"offline": False, "latency": 100, "downloadThroughput": -1, "uploadThroughput": 64 * 1024}
    network.send("Network.emulateNetworkConditions", slow)
    form.get_by_role("button", name=fr("Add this care")).click()
    progress = form.locator("progress")
    expect(progress).to_be_visible()
    expect(progress).to_have_accessible_name(fr("Sending progress"))
    expect(form.get_by_role("button", name=fr("Add this care"))).to_be_disabled()  # no second sending meanwhile
    page.wait_for_function("() => document.querySelector('form.upload-form progress')?.value >= 25")
    expect(form.locator(".upload-status")).to_have_text(re.compile(r"^Envoi : \d+ %$"))
    screenshot(page, f"phone-claim-progress-{width}")
    form_shot(form, f"phone-claim-progress-form-{width}")
    network.send("Network.emulateNetworkConditions", {**slow, "latency": 0, "uploadThroughput": -1})

    added = page.locator("article.claim-item", has_text="Dr Durand").last
    expect(added).to_be_visible()
    expect(added).to_contain_text("photo-2.jpg")
    expect(added.locator(".claim-warning")).to_contain_text(
        fr("The picture looks blurred: the text may be hard to read.")
    )
    expect(page.get_by_text(fr("The care item is added to your claim."))).to_be_visible()
    screenshot(page, f"phone-claim-checked-{width}")
    assert page_problems(page, width) == []

    # The draft's summary, before sending (the page the crawl cannot reach: it needs a care added).
    page.get_by_role("button", name=fr("Next: summary")).click()  # a link styled as the step's one button
    page.wait_for_load_state()
    expect(page).to_have_url(re.compile(re.escape(reverse("claims:summary")) + "$"))
    expect(page.locator("main")).to_contain_text("Dr Durand")
    screenshot(page, f"phone-claim-summary-{width}")
    assert page_problems(page, width) == []


def test_the_missing_laboratory_invoice_added_on_the_phone(demo_page, shipped_demo):  # noqa: F811
    wide = demo_page(1280)
    logged_in(wide, shipped_demo)
    wide.goto(reverse("claims:list"))
    wide.get_by_role("link", name=LAB_CLAIM).click()
    wide.wait_for_load_state()
    claim_url = wide.url
    expect(wide.get_by_role("heading", name=fr("Add the missing document"))).to_be_visible()
    screenshot(wide, "phone-claim-missing-document-1280")
    assert page_problems(wide, 1280) == []

    page = demo_page(390, phone=True)
    logged_in(page, shipped_demo)
    page.goto(claim_url)
    section = page.locator("section.claim-missing")
    expect(section).to_have_count(1)
    assert page_problems(page, 390) == []
    section.locator("#id_item2_documents_camera").set_input_files(photo("facture-labo.jpg", sharp_jpeg()))
    expect(section.locator(".upload-previews li")).to_have_count(1)
    screenshot(page, "phone-claim-missing-document-390")
    form_shot(section, "phone-claim-missing-document-form-390")
    section.get_by_role("button", name=fr("Send the document")).click()
    expect(page.get_by_text(fr("Thank you: the document is added and your claim is examined again."))).to_be_visible()
    expect(page.locator("section.claim-missing")).to_have_count(0)
    timeline = page.locator("ol.claim-timeline")
    expect(timeline).to_contain_text(fr("Missing document sent"))
    expect(timeline.locator("li[aria-current=step]")).to_be_visible()
    expect(timeline.locator("li", has_text=fr("Decision"))).to_contain_text("Au plus tard le")
    expect(timeline.locator("li", has_text=fr("Payment"))).to_contain_text("Au plus tard le")
    expect(page.locator("article.claim-item", has_text="facture-labo.jpg")).to_contain_text(fr("To be examined"))
    screenshot(page, "phone-claim-timeline-390")
    assert page_problems(page, 390) == []
    wide.reload()
    expect(wide.locator("ol.claim-timeline li", has_text=fr("Decision"))).to_contain_text("Au plus tard le")
    screenshot(wide, "phone-claim-timeline-1280")
    assert page_problems(wide, 1280) == []
