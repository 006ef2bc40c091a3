"""What the journeys share: reading the mail the portal wrote, and the steps every profile goes through."""

from __future__ import annotations

import email
import io
import re
from dataclasses import dataclass
from email.header import decode_header, make_header
from email.message import Message
from pathlib import Path

from playwright.sync_api import Page, expect

from conftest import screenshot

# Django's file backend ends every message with a line of 79 dashes.
SEPARATOR = b"\n" + b"-" * 79 + b"\n"
TEMPORARY_PASSWORD = re.compile(r"\b([A-Za-z0-9]{4}(?:-[A-Za-z0-9]{4}){3})\b")
NEW_PASSWORD = "Lavande-Horloge-Tramway-93"


@dataclass(frozen=True)
class Mail:
    to: str
    subject: str
    text: str
    html: str

    @classmethod
    def parse(cls, message: Message) -> Mail:
        text = html = ""
        for part in message.walk():
            if part.get_content_type() == "text/plain" and not text:
                text = part.get_payload(decode=True).decode(part.get_content_charset() or "utf-8")
            elif part.get_content_type() == "text/html" and not html:
                html = part.get_payload(decode=True).decode(part.get_content_charset() or "utf-8")
        header = make_header(decode_header(message["Subject"] or ""))
        return cls(to=message["To"] or "", subject=str(header), text=text, html=html)


class Mailbox:
    """The messages the file email backend wrote into ``EMAIL_FILE_PATH`` (one file per connection)."""

    def __init__(self, folder: str | Path):
        self.folder = Path(folder)
        self._seen = 0

    def all(self) -> list[Mail]:
        if not self.folder.exists():
            return []
        mails = []
        for path in sorted(self.folder.iterdir(), key=lambda p: (p.stat().st_mtime_ns, p.name)):
            for chunk in path.read_bytes().split(SEPARATOR):
                if chunk.strip():
                    mails.append(Mail.parse(email.message_from_binary_file(io.BytesIO(chunk))))
        return mails

    def new(self) -> list[Mail]:
        """The messages written since the last call."""
        mails = self.all()
        fresh, self._seen = mails[self._seen :], len(mails)
        return fresh

    def one(self, mails: list[Mail], subject: str, to: str) -> Mail:
        found = [mail for mail in mails if subject in mail.subject and to in mail.to]
        assert len(found) == 1, f"expected one {subject!r} to {to}, got {[(m.subject, m.to) for m in mails]}"
        return found[0]


def temporary_password(mail: Mail) -> str:
    match = TEMPORARY_PASSWORD.search(mail.text)
    assert match, f"no temporary password in {mail.text!r}"
    return match.group(1)


def log_in(page: Page, username: str, password: str) -> None:
    page.goto("/login/")
    page.get_by_label("Username or membership number").fill(username)
    page.get_by_label("Password", exact=True).fill(password)
    page.get_by_role("button", name="Log in", exact=True).click()
    page.wait_for_load_state()


def log_out(page: Page) -> None:
    page.get_by_role("button", name="Log out").click()
    page.wait_for_load_state()


def choose_password(page: Page, shot: str, password: str = NEW_PASSWORD) -> None:
    """The forced change of a temporary password (SPEC A3)."""
    expect(page).to_have_url(re.compile(r"/onboarding/password/$"))
    expect(page.get_by_role("heading", name="Choose your password")).to_be_visible()
    page.get_by_label(re.compile(r"^New password:?$")).fill(password)
    page.get_by_label(re.compile(r"^New password confirmation:?$")).fill(password)
    screenshot(page, shot)
    page.get_by_role("button", name="Save").click()
    page.wait_for_load_state()


def accept_terms(page: Page, shot: str, version: str) -> None:
    expect(page).to_have_url(re.compile(r"/onboarding/terms/$"))
    expect(page.get_by_text(f"Version {version}")).to_be_visible()
    page.get_by_label("I have read and I accept the terms of use").check()
    screenshot(page, shot)
    page.get_by_role("button", name="Continue").click()
    page.wait_for_load_state()


def expect_home(page: Page, name: str, *, first: bool) -> None:
    """The profile's home page: its name, and the previous connection (or that this is the first one)."""
    expect(page).to_have_url(re.compile(r"/space/$"))
    expect(page.get_by_role("heading", name=f"Welcome, {name}")).to_be_visible()
    if first:
        expect(page.get_by_text("This is your first connection.")).to_be_visible()
    else:
        expect(page.get_by_text(re.compile(r"Previous connection: \S"))).to_be_visible()
    assert page.locator("html").get_attribute("lang") == "en"


def staff_log_in_as(page: Page, user) -> None:
    """A staff login with a confirmed authenticator app: the password, then a code (SPEC A13)."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from accounts.tests import factories as f
    from twofactor.tests.helpers import code

    device = TOTPDevice.objects.create(user=user, name="authenticator-app", confirmed=True)
    log_in(page, user.username, f.PASSWORD)
    expect(page).to_have_url(re.compile(r"/2fa/verify/"))
    page.get_by_label(re.compile(r"^Code from your app or recovery code:?$")).fill(code(device))
    page.get_by_role("button", name="Continue").click()
    page.wait_for_load_state()
    expect(page).not_to_have_url(re.compile(r"/2fa/"))


def staff_log_in(page: Page, *roles):
    """A new staff login holding ``roles``, logged in with its second factor; returns its profile."""
    from accounts.tests import factories as f

    staff = f.staff(*roles, account=f.user(is_staff=True, language="en", first_name="Nadia", last_name="Roux"))
    staff_log_in_as(page, staff.user)
    return staff


def pdf_text(path) -> str:
    """The text of a downloaded PDF."""
    from pypdf import PdfReader

    return "\n".join(page.extract_text() for page in PdfReader(path).pages)
