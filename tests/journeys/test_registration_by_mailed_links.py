"""A not-yet-registered member of the shipped demo registers using only the links as mailed (issue 9).

The portal is served on a port that is not 8000 and its address is derived the way the settings derive it
from ``PORT`` (no ``PORTAL_URL``); the member is one of the ``unregistered`` identities ``seed_demo`` writes to
``demo-accounts.json``, with the email address on file. Every page after the registration form is reached by
opening a link found in an ``.eml`` file, exactly as written (host and port included): the login page, the email
confirmation. Which message carries which secret is read from the messages, not assumed.
"""

from __future__ import annotations

import io
import json
import re
from urllib.parse import urlsplit

import pytest
from django.core.management import call_command
from django.urls import reverse
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from conftest import browser_contexts, screenshot
from content.selectors import terms_current
from core.tests.processes import free_port
from openmutuelle.config import portal_url
from tests.journeys.support import TEMPORARY_PASSWORD, Mailbox, accept_terms, choose_password, expect_home

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.django_db(transaction=True)]

LINK = re.compile(r"https?://[^\s<>\"']+")


@pytest.fixture
def served(settings):
    """The portal on a free port of its own, with the address the settings derive from ``PORT``."""
    port = free_port()
    assert port != 8000
    server = LiveServer(f"127.0.0.1:{port}")
    settings.PORTAL_URL = portal_url({"PORT": str(port)}, production=False)  # what `PORT=… make run` gives
    yield settings.PORTAL_URL
    server.stop()


@pytest.fixture
def demo(settings, tmp_path) -> dict:
    """``seed_demo`` on the test database; its ``demo-accounts.json`` as written."""
    settings.VAR_DIR = tmp_path / "var"
    call_command("seed_demo", stdout=io.StringIO())
    return json.loads((settings.VAR_DIR / "demo-accounts.json").read_text(encoding="utf-8"))


def mailed_links(mails, portal: str) -> list[str]:
    links = [link.rstrip(".,;)") for mail in mails for link in LINK.findall(mail.text)]
    assert links, [mail.subject for mail in mails]
    foreign = [link for link in links if not link.startswith(portal + "/")]
    assert not foreign, f"links that do not open the served portal {portal}: {foreign}"
    return links


def test_an_unregistered_demo_member_registers_by_the_mailed_links(chromium, served, demo, settings, tmp_path):
    settings.EMAIL_BACKEND = "core.mailbackend.EmlFileBackend"  # the embedded default: one .eml file per message
    mailbox = Mailbox(settings.EMAIL_FILE_PATH)
    member = demo["unregistered"]["members"][0]
    address, name = member["email"], f"{member['first_name']} {member['last_name']}"
    terms = terms_current()
    assert terms is not None, "seed_demo publishes the terms of use"

    def shot(label: str) -> None:
        screenshot(page, f"mailed-links-{label}")

    with browser_contexts(chromium, None, "en-GB") as make:  # no base URL: the mailed links are followed as they are
        page: Page = make()
        page.goto(f"{served}/register/")
        page.get_by_role("button", name="Register as a member").click()
        page.get_by_label("Membership number").fill(member["membership_number"])
        page.get_by_label("Surname").fill(member["last_name"])
        page.get_by_label("First name").fill(member["first_name"])
        page.get_by_label("Date of birth").fill(member["birth_date"])
        page.get_by_label("Email address").fill(address)  # the address on file
        shot("01-registration")
        page.get_by_role("button", name="Send my registration").click()
        expect(page.get_by_role("heading", name="Registration received")).to_be_visible()

        # The credentials, to the address on file only; the secrets are read from whichever message holds them.
        mails = mailbox.new()
        assert mails and all(address in mail.to for mail in mails), [(m.subject, m.to) for m in mails]
        links = mailed_links(mails, served)
        passwords = [found.group(1) for mail in mails if (found := TEMPORARY_PASSWORD.search(mail.text))]
        login_links = [link for link in links if urlsplit(link).path == reverse("accounts:login")]
        if passwords:
            assert login_links, links
            page.goto(login_links[0])  # as mailed
            page.get_by_label("Username or membership number").fill(member["membership_number"])
            page.get_by_label("Password", exact=True).fill(passwords[0])
            shot("02-login")
            page.get_by_role("button", name="Log in", exact=True).click()
            page.wait_for_load_state()
            choose_password(page, "mailed-links-03-password")
        else:  # a link to choose the password instead of a temporary one
            page.goto(next(link for link in links if "password" in urlsplit(link).path))
            choose_password(page, "mailed-links-03-password")

        if re.search(r"/onboarding/email/$", page.url):
            confirmation = next(link for link in mailed_links(mailbox.new(), served) if "/email/confirm/" in link)
            page.goto(confirmation)  # as mailed
            expect(page.get_by_text("Your email address is confirmed.")).to_be_visible()
        accept_terms(page, "mailed-links-04-terms", terms.version)
        expect_home(page, name, first=True)
        assert urlsplit(page.url).netloc == urlsplit(served).netloc
        shot("05-home")
