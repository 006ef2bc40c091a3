"""The language sticks (SPEC A12): a member whose account is in French logs in from an English browser, gets the
French pages, switches to English in the header, finds English on the preferences page, then gets an English email
(an .eml file as the portal writes it) and an English card."""

from __future__ import annotations

import email
import re
from email.header import decode_header, make_header
from pathlib import Path

import pytest
from playwright.sync_api import expect

from accounts.tests import factories as f
from benefits.tests import factories as bf
from conftest import screenshot
from tests.journeys.support import Mail, log_in, pdf_text

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

FRENCH = ["Bonjour", "Votre demande", "Ceci est un message automatique", "Personnes couvertes", "Assuré principal"]


def eml_messages(folder: Path) -> list[Mail]:
    return [Mail.parse(email.message_from_bytes(path.read_bytes())) for path in sorted(folder.glob("*.eml"))]


def test_a_member_switches_to_english_in_the_header_and_everything_follows(open_page, settings, tmp_path):
    settings.EMAIL_BACKEND = "core.mailbackend.EmlFileBackend"
    settings.EMAIL_FILE_PATH = str(tmp_path / "mail")
    family = bf.family(language="fr")
    user = family["profile"].user
    page = open_page(1280)

    log_in(page, user.username, f.PASSWORD)  # the login page follows the English browser

    expect(page.locator("html")).to_have_attribute("lang", "fr")  # from here on, the account's language
    screenshot(page, "h3-language-01-french-after-login")
    page.get_by_role("button", name="English").click()
    page.wait_for_load_state()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    user.refresh_from_db()
    assert user.language == "en"

    page.goto("/space/me/preferences/")
    language = page.locator("#language")
    expect(language.get_by_label("English")).to_be_checked()
    expect(language.get_by_label("Français")).not_to_be_checked()
    screenshot(page, "h3-language-02-preferences-in-english")

    page.goto("/requests/new/information/")
    page.get_by_label("Topic").fill("Cover abroad")
    page.get_by_label("Your question").fill("Am I covered in Japan?")
    page.get_by_role("button", name="Send my request").click()
    page.wait_for_load_state()
    expect(page).to_have_url(re.compile(r"/requests/[0-9a-f-]{36}/$"))

    (mail,) = eml_messages(Path(settings.EMAIL_FILE_PATH))
    assert re.fullmatch(r"Your request \S+ is received", str(make_header(decode_header(mail.subject))))
    assert "We have received your request" in mail.text and "This is an automatic message" in mail.text
    assert not [word for word in FRENCH if word in mail.text or word in mail.html], mail.text

    page.goto("/space/benefits/card/")
    with page.expect_download() as download:
        page.get_by_role("button", name="Download the card (PDF)").click()
    text = pdf_text(download.value.path())
    assert "Covered persons" in text and "Subscriber" in text
    assert not [word for word in FRENCH if word in text], text
