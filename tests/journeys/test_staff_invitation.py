"""Issue 16, in a browser: an administrator invites a new staff login from its back-office page; the newcomer
opens the link exactly as mailed (the file backend's message), chooses a password, sets up the app from the key
shown, and reaches the back office. Before that, the password alone led nowhere."""

from __future__ import annotations

import re
from base64 import b32decode
from urllib.parse import urlsplit

import pytest
from django_otp.oath import totp
from playwright.sync_api import expect

from accounts.choices import StaffRole
from accounts.services import account_create
from conftest import screenshot
from tests.journeys.support import NEW_PASSWORD, Mailbox, log_in, staff_log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def app_code(secret: str) -> str:
    key = secret.replace(" ", "")
    return f"{totp(b32decode(key + '=' * (-len(key) % 8))):06d}"


def test_a_new_staff_login_is_set_up_by_the_mailed_invitation(open_page, settings, live_server):
    mailbox = Mailbox(settings.EMAIL_FILE_PATH)
    newcomer = account_create(
        actor=None,
        email="lea.martin@mutuelle.example",
        first_name="Léa",
        last_name="Martin",
        language="en",
        staff_roles=[StaffRole.CLAIMS],
    )
    admin_page = open_page()
    staff_log_in(admin_page, StaffRole.ADMINISTRATOR)
    admin_page.goto(f"/backoffice/users/{newcomer.public_id}/")
    expect(admin_page.get_by_role("heading", name="Two-factor authentication")).to_be_visible()
    screenshot(admin_page, "staff-invitation-backoffice")
    mailbox.new()
    admin_page.get_by_role("button", name="Send the invitation").click()
    admin_page.wait_for_load_state()
    expect(admin_page.get_by_text("An invitation to set up two-factor authentication is sent")).to_be_visible()

    mail = mailbox.one(mailbox.new(), "Set up your back-office login", newcomer.email)
    (link,) = set(re.findall(r"https?://\S+/2fa/invitation/[\w-]+/", mail.text))
    assert link.startswith(live_server.url), "the link points at the portal that sent it"
    assert link in mail.html

    page = open_page()
    page.goto(urlsplit(link).path)
    expect(page).to_have_url(re.compile(r"/2fa/invitation/$"))
    page.get_by_label(re.compile(r"^New password:?$")).fill(NEW_PASSWORD)
    page.get_by_label(re.compile(r"^New password confirmation:?$")).fill(NEW_PASSWORD)
    page.get_by_text("Cannot scan the code? Type this key instead").click()
    page.get_by_label(re.compile("6-digit code from your app")).fill(
        app_code(page.locator("#twofactor-secret").text_content())
    )
    screenshot(page, "staff-invitation-page")
    page.get_by_role("button", name="Turn on two-factor authentication").click()
    page.wait_for_load_state()
    expect(page).to_have_url(re.compile(r"/2fa/recovery-codes/$"))
    expect(page.locator("ol.recovery-codes li")).to_have_count(10)
    page.get_by_role("button", name="I have saved my recovery codes").click()
    page.wait_for_load_state()
    if "/onboarding/terms/" in page.url:
        page.get_by_label("I have read and I accept the terms of use").check()
        page.get_by_role("button", name="Continue").click()
        page.wait_for_load_state()
    page.goto("/backoffice/")
    expect(page).to_have_url(re.compile(r"/backoffice/$"))
    screenshot(page, "staff-invitation-backoffice-reached")

    again = open_page()
    again.goto(urlsplit(link).path)
    expect(again.get_by_role("heading", name="Link no longer valid")).to_be_visible()


def test_the_password_alone_reaches_only_the_invitation_notice(open_page):
    from accounts.tests import factories as f

    staff = f.staff(StaffRole.CLAIMS).user
    page = open_page()
    log_in(page, staff.username, f.PASSWORD)
    if "/onboarding/terms/" in page.url:
        page.get_by_label("I have read and I accept the terms of use").check()
        page.get_by_role("button", name="Continue").click()
        page.wait_for_load_state()
    expect(page).to_have_url(re.compile(r"/2fa/invitation/needed/$"))
    screenshot(page, "staff-invitation-needed")
    page.goto("/2fa/setup/")
    expect(page).to_have_url(re.compile(r"/2fa/invitation/needed/$"))
