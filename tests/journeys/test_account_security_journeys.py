"""Account security in a real browser: lockout (SPEC A8), forgotten password by single-use link (A6), new terms (A4),
a staff member's first login with the second factor to set up (A13)."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from accounts.choices import ProfileKind, StaffRole
from accounts.tests import factories as f
from conftest import screenshot
from content.models import TermsAcceptance
from content.services import terms_accept, terms_publish
from people.tests.factories import person
from tests.journeys.accessibility import assert_accessible
from tests.journeys.support import (
    NEW_PASSWORD,
    accept_terms,
    expect_home,
    log_in,
    log_out,
    temporary_password,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WRONG = "Not-My-Password-2026"


def ready_member(first_name: str = "Marc", last_name: str = "Durand"):
    """A login whose first-login steps are done, in English."""
    account = f.user(language="en", first_name=first_name, last_name=last_name)
    f.profile(ProfileKind.MEMBER, person(first_name=first_name, last_name=last_name), account=account)
    return account


def _publish(version: str, body: str):
    return terms_publish(
        actor=None,
        version=version,
        title_fr="Conditions générales d'utilisation",
        title_en="Terms of use",
        body_fr=body,
        body_en=body,
    )


def test_lockout_answers_like_a_wrong_password_and_alerts_the_owner(open_page, mailbox):
    account = ready_member()
    page = open_page(1280)

    log_in(page, account.username, WRONG)
    error = page.locator("#login-error")
    expect(error).to_be_visible()
    wrong_password = error.inner_text()
    screenshot(page, "journey-lockout-01-wrong-password")

    log_in(page, "nobody-by-that-name", WRONG)
    assert error.inner_text() == wrong_password, "an unknown account must get the answer of a wrong password"

    for _ in range(9):  # 10 failures for the account in all: locked (with the delays from the 5th in between)
        log_in(page, account.username, WRONG)
        assert error.inner_text() == wrong_password
    alert = mailbox.one(mailbox.new(), "Unsuccessful login attempts on your account", account.email)
    assert "access is suspended" in alert.text

    log_in(page, account.username, f.PASSWORD)  # the right password, on a locked account
    expect(page).to_have_url(re.compile(r"/login/$"))
    assert error.inner_text() == wrong_password, "a locked account must get the answer of a wrong password"
    screenshot(page, "journey-lockout-02-locked-right-password")
    page.goto("/space/")
    expect(page).to_have_url(re.compile(r"/login/\?next="))
    # Further tries on the locked account send no more alert: see tests/security/test_lockout_alerts.py.


def test_forgotten_password_sends_a_single_use_link_and_keeps_the_password_until_it_is_used(open_page, mailbox):
    account = ready_member(first_name="Inès", last_name="Moreau")
    page = open_page(1280)
    page.goto("/login/")
    page.get_by_role("link", name="Password forgotten?").click()
    page.get_by_label("Username or membership number").fill(account.username)
    screenshot(page, "journey-reset-01-forgotten")
    page.get_by_role("button", name="Send").click()
    expect(page.get_by_role("heading", name="Request received")).to_be_visible()
    screenshot(page, "journey-reset-02-sent")
    assert_accessible(page, "password reset asked")

    mail = mailbox.one(mailbox.new(), "Choose a new password", account.email)
    link = re.search(r"https?://\S+/password/reset/\S+/", mail.text).group(0)
    log_in(page, account.username, f.PASSWORD)  # the current password still opens the account
    expect_home(page, "Inès Moreau", first=True)
    log_out(page)

    page.goto(link)
    expect(page.get_by_role("heading", name="Choose a new password")).to_be_visible()
    assert_accessible(page, "password reset link")  # the pages a mailed link opens, which the crawl cannot reach
    page.get_by_label(re.compile(r"^New password:?$")).fill(NEW_PASSWORD)
    page.get_by_label(re.compile(r"^New password confirmation:?$")).fill(NEW_PASSWORD)
    screenshot(page, "journey-reset-03-new-password")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("Your new password is saved")).to_be_visible()
    mailbox.one(mailbox.new(), "Your password has been changed", account.email)

    log_in(page, account.username, f.PASSWORD)  # the old password no longer opens the account
    expect(page.locator("#login-error")).to_be_visible()
    log_in(page, account.username, NEW_PASSWORD)
    expect_home(page, "Inès Moreau", first=False)
    screenshot(page, "journey-reset-04-home")
    page.goto(link)  # single use
    expect(page.get_by_role("heading", name="Link no longer valid")).to_be_visible()
    assert_accessible(page, "password reset link used")


def test_a_new_terms_version_must_be_accepted_again(open_page):
    first = _publish("2026.1", "You keep your password secret.")
    account = ready_member(first_name="Paul", last_name="Lambert")
    terms_accept(actor=account, terms=first)
    _publish("2026.2", "You keep your password secret. Article 7 (new): two-factor authentication is offered.")
    page = open_page(1280)

    log_in(page, account.username, f.PASSWORD)
    expect(page.get_by_text("Article 7 (new)")).to_be_visible()
    page.goto("/space/")  # nothing else opens before the new version is accepted
    expect(page).to_have_url(re.compile(r"/onboarding/terms/$"))
    page.get_by_role("button", name="Continue").click()  # without the box ticked: refused
    expect(page).to_have_url(re.compile(r"/onboarding/terms/$"))
    accept_terms(page, "journey-terms-01-new-version", "2026.2")
    expect_home(page, "Paul Lambert", first=True)
    screenshot(page, "journey-terms-02-home")
    versions = set(TermsAcceptance.objects.filter(user=account).values_list("terms__version", flat=True))
    assert versions == {"2026.1", "2026.2"}


def test_staff_password_alone_reaches_only_the_invitation_notice(open_page):
    """Issue 16: a staff login without an authenticator app gets no set-up page with its password alone, only the
    notice to use the mailed invitation (the enrolment itself: ``test_staff_invitation.py``)."""
    account = f.user(is_staff=True, language="en", first_name="Nadia", last_name="Roux")
    f.staff(StaffRole.ACCOUNT_VALIDATION, account=account)
    page = open_page(1280)

    log_in(page, account.username, f.PASSWORD)
    expect(page).to_have_url(re.compile(r"/2fa/invitation/needed/$"))
    expect(page.get_by_role("heading", name="Two-factor authentication required")).to_be_visible()
    screenshot(page, "journey-staff-01-invitation-needed")
    for url in ("/backoffice/", "/2fa/setup/"):  # no way round the invitation
        page.goto(url)
        expect(page).to_have_url(re.compile(r"/2fa/invitation/needed/$"))


def test_someone_knows_my_password_closes_the_sessions_and_mails_a_temporary_one(open_page, mailbox):
    """SPEC A8 from the member's security page: the answer page checked by axe-core (a POST's answer, which the crawl
    does not reach), the other session closed, the temporary password in the mailbox opening the account."""
    account = ready_member(first_name="Léa", last_name="Garnier")
    other = open_page(1280)
    log_in(other, account.username, f.PASSWORD)
    expect_home(other, "Léa Garnier", first=True)
    page = open_page(390)
    log_in(page, account.username, f.PASSWORD)
    page.goto("/space/security/")
    mailbox.new()
    page.get_by_role("button", name="Secure my account now").click()
    expect(page.get_by_text("All your sessions have been closed")).to_be_visible()
    assert_accessible(page, "account secured")
    other.goto("/space/")
    expect(other).to_have_url(re.compile(r"/login/\?next="))  # the other browser is logged out too
    temporary = temporary_password(mailbox.one(mailbox.new(), "Your temporary password", account.email))
    log_in(page, account.username, temporary)
    expect(page).to_have_url(re.compile(r"/onboarding/password/$"))  # to be changed before anything else
    expect(page.get_by_role("heading", name="Choose your password")).to_be_visible()
