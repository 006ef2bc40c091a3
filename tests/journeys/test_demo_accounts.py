"""Every demo login, exactly as ``seed_demo`` ships it, reaches its space and its first task in a real browser.

The module runs the real ``seed_demo`` command once on the test database and reads the logins from the file the
command writes (``demo-accounts.json`` in ``VAR_DIR``): no factory builds a user here, so a login the demo prints
but that cannot work fails here first. A live server of the module's own serves that database to Chromium (the
per-test live server of the other journeys would empty it after each test); the database is emptied at the end,
as after any transactional test.

Each login runs in its own browser context, in French as the demo's people speak it: the password printed by the
command, the terms of use, for staff first the invitation link the command mailed and printed (issue 16: the
password alone sets up no second factor) with the authenticator set-up (the code computed from the key shown on the
page) and the recovery codes, then the profile's home and its first task. The strings are looked up in the French
catalogue (``fr("msgid")``), so the test reads in English and follows the translation.
"""

from __future__ import annotations

import base64
import io
import json
import re
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass
from importlib import import_module
from typing import Any
from urllib.parse import urlsplit

import pytest
from django.apps import apps
from django.conf import settings
from django.core.management import call_command
from django.db import connection
from django.test import override_settings
from django.urls import reverse
from django.utils import translation
from django.utils.functional import Promise
from django_otp.oath import totp
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from accounts.choices import ProfileKind, StaffRole
from backoffice.queues import all_queues
from conftest import browser_contexts, screenshot
from demo.accounts import ACCOUNTS_FILE_NAME, demo_logins
from tests.journeys.accessibility import assert_accessible

# The database mark makes pytest-django create the test database whichever tests are selected. The transaction it
# wraps each test in only reads: the browser's requests are served, and committed, by the module's live server.
pytestmark = [pytest.mark.browser, pytest.mark.django_db]


def fr(msgid: str | Promise) -> str:
    """The French the pages show for ``msgid`` (a string or a lazy translation, such as a choice's label)."""
    with translation.override("fr"):
        return str(translation.gettext(msgid) if isinstance(msgid, str) else msgid)


def exact(msgid: str) -> re.Pattern:
    """The French label of ``msgid``, whatever punctuation Django's form labels add after it."""
    return re.compile(rf"^{re.escape(fr(msgid))}\W*$")


@dataclass(frozen=True)
class ShippedDemo:
    accounts: dict[str, dict[str, Any]]  # demo-accounts.json's "accounts", by label
    url: str


@pytest.fixture(scope="module")
def shipped_demo(chromium, django_db_setup, django_db_blocker, tmp_path_factory):
    """``seed_demo`` run once; its accounts file read back; a live server on that database for the module.

    Chromium starts first: the test thread's database connection is then the same one from here to the end of the
    module (Playwright's event loop would otherwise give the tests another one)."""
    var = tmp_path_factory.mktemp("var")
    files = {
        "VAR_DIR": var,
        "MEDIA_ROOT": var / "files",
        "AUDIT_ANCHOR_DIR": var / "audit-anchors",
        "EMAIL_FILE_PATH": str(var / "mail"),
    }
    with django_db_blocker.unblock(), override_settings(**files):
        # The claims terms (a data migration) first: an earlier module's flush removed them, and without them
        # ``seed_demo`` makes no demo claims (the member's pages would have no claim to open). Committed, too: the
        # root conftest would put them back inside each test's transaction, and that write would hold SQLite's
        # lock against the live server.
        import_module("claims.migrations.0002_claims_terms").publish(apps, None)
        call_command("seed_demo", stdout=io.StringIO())
        document = json.loads((settings.VAR_DIR / ACCOUNTS_FILE_NAME).read_text(encoding="utf-8"))
        server = LiveServer("localhost")
        try:
            with override_settings(PORTAL_URL=server.url), reading_transactions():
                yield ShippedDemo({entry["label"]: entry for entry in document["accounts"]}, server.url)
        finally:
            server.stop()
            call_command("flush", interactive=False, verbosity=0)


@contextmanager
def reading_transactions():
    """The transaction pytest-django wraps each test in must not take SQLite's write lock (the project's ``BEGIN
    IMMEDIATE``): the live server would wait for it. The test thread's connection begins deferred meanwhile; it only
    reads. (Its own settings, kept across the reconnections between tests; the server's threads keep theirs.)"""
    settings_dict = connection.settings_dict
    if connection.vendor == "sqlite":
        options = {**settings_dict["OPTIONS"], "transaction_mode": None}
        connection.settings_dict = {**settings_dict, "OPTIONS": options}
        connection.close()
    try:
        yield
    finally:
        connection.settings_dict = settings_dict
        connection.close()


@pytest.fixture
def demo_page(chromium, shipped_demo):
    """``demo_page(width=1280, phone=False)``: a page in a browser context of its own (cookies, session) on the
    demo's server, in French; ``phone``: a touch screen 844 px high, as the camera input and the phone's media
    queries need."""
    with browser_contexts(chromium, shipped_demo.url, "fr-FR") as make:
        yield make


# --- First login -----------------------------------------------------------------------------------------------


def log_in(page: Page, entry: dict[str, Any]) -> None:
    page.goto(reverse("accounts:login"))
    page.get_by_label(exact("Username or membership number")).fill(entry["username"])
    page.get_by_label(exact("Password")).fill(entry["password"])
    page.get_by_role("button", name=fr("Log in"), exact=True).click()
    page.wait_for_load_state()


def accept_terms(page: Page) -> None:
    expect(page).to_have_url(re.compile(re.escape(reverse("accounts:onboarding_terms")) + "$"))
    assert_accessible(page, "accounts:onboarding_terms")
    page.get_by_label(fr("I have read and I accept the terms of use")).check()
    page.get_by_role("button", name=fr("Continue")).click()
    page.wait_for_load_state()


def authenticator_code(secret: str) -> str:
    """What an authenticator app shows now for the base32 key typed from the set-up page."""
    compact = secret.replace(" ", "")
    key = base64.b32decode(compact + "=" * (-len(compact) % 8))
    return f"{totp(key):06d}"


def password_alone_is_not_enough(page: Page, entry: dict[str, Any]) -> None:
    """Issue 16: the staff password alone leads to no set-up page, only to the invitation notice."""
    log_in(page, entry)
    accept_terms(page)
    expect(page).to_have_url(re.compile(re.escape(reverse("twofactor:invitation_needed")) + "$"))
    assert_accessible(page, "twofactor:invitation_needed")
    page.goto(reverse("twofactor:setup"))
    expect(page).to_have_url(re.compile(re.escape(reverse("twofactor:invitation_needed")) + "$"))
    page.context.clear_cookies()


def set_up_second_factor(page: Page, entry: dict[str, Any], shot: str) -> None:
    """SPEC A13, issue 16: staff set up an authenticator app from the invitation link mailed to them (and printed
    by the command), with their password, then save their recovery codes."""
    link = entry["invitation_link"]
    assert link.startswith(settings.PORTAL_URL) or "/2fa/invitation/" in link
    page.goto(urlsplit(link).path)
    expect(page).to_have_url(re.compile(re.escape(reverse("twofactor:invitation_accept")) + "$"))
    page.get_by_label(exact("Your password")).fill(entry["password"])
    secret = page.locator("#twofactor-secret").text_content()
    page.get_by_label(exact("6-digit code from your app")).fill(authenticator_code(secret))
    screenshot(page, f"{shot}-invitation")
    assert_accessible(page, "twofactor:invitation_accept")
    page.get_by_role("button", name=fr("Turn on two-factor authentication")).click()
    page.wait_for_load_state()
    expect(page).to_have_url(re.compile(re.escape(reverse("twofactor:recovery_codes")) + "$"))
    expect(page.locator("ol.recovery-codes li")).to_have_count(10)
    screenshot(page, f"{shot}-recovery-codes")
    assert_accessible(page, "twofactor:recovery_codes")
    page.get_by_role("button", name=fr("I have saved my recovery codes")).click()
    page.wait_for_load_state()
    page.get_by_role("link", name=fr("Back to my space")).click()
    page.wait_for_load_state()


def expect_home(page: Page, kind: str) -> None:
    """The home of the active profile: its URL, and the profile named."""
    expect(page).to_have_url(re.compile(re.escape(reverse("accounts:dashboard")) + "$"))
    active = fr("Active profile: %(kind)s") % {"kind": fr(ProfileKind(kind).label)}
    expect(page.get_by_text(active)).to_be_visible()


def follow(page: Page, url_name: str) -> None:
    """Follow the home page's link to ``url_name`` (the entry must be there) and land on it."""
    url = reverse(url_name)
    page.locator(f'main a[href="{url}"]').first.click()
    page.wait_for_load_state()
    expect(page).to_have_url(re.compile(re.escape(url) + r"(\?.*)?$"))


# --- Each profile's first task -----------------------------------------------------------------------------------


def member_claims(page: Page, entry: dict[str, Any]) -> None:
    """A member opens the claim form: the people covered are offered as the beneficiary of the care."""
    follow(page, "claims:new")
    expect(page.get_by_role("heading", name=fr("Request a healthcare reimbursement"), level=1)).to_be_visible()
    expect(page.get_by_role("radio").first).to_be_visible()


def company_employees(page: Page, entry: dict[str, Any]) -> None:
    """A company correspondent lists the employees affiliated to its contracts."""
    follow(page, "companies:employee_list")
    expect(page.locator("main table tbody tr").first).to_be_visible()


def agent_companies(page: Page, entry: dict[str, Any]) -> None:
    """An agent sees the client companies of its mandates, each one a link."""
    follow(page, "companies:home")
    expect(page.get_by_role("heading", name=fr("Client companies"))).to_be_visible()
    expect(page.locator('main li a[href*="/clients/"]').first).to_be_visible()


def professional_rights(page: Page, entry: dict[str, Any]) -> None:
    """A health professional opens the rights check: card number and the patient's identity."""
    follow(page, "professionals:rights")
    expect(page.get_by_label(exact("Member number on the card"))).to_be_editable()
    expect(page.get_by_role("button", name=fr("Check the rights"))).to_be_visible()


FIRST_TASKS: dict[str, Callable[[Page, dict[str, Any]], None]] = {
    ProfileKind.MEMBER: member_claims,
    ProfileKind.COMPANY: company_employees,
    ProfileKind.AGENT: agent_companies,
    ProfileKind.PROFESSIONAL: professional_rights,
}

# Each back-office role's own queue, and what that queue says when nothing waits in it.
STAFF_QUEUES: dict[str, tuple[str, str]] = {
    StaffRole.ACCOUNT_VALIDATION: ("backoffice:registration_queue", "No registration is waiting."),
    StaffRole.REQUESTS: ("demarches_backoffice:queue", "No request matches."),
    StaffRole.CLAIMS: ("claims_backoffice:queue", "No claim matches."),
    StaffRole.CONTRIBUTIONS: ("contributions_backoffice:calls", "No call matches."),
    StaffRole.CONTENT: ("content_backoffice:faq_list", "No question yet."),
    StaffRole.DPO: ("privacy_backoffice:queue", "No request matches."),
    StaffRole.ADMINISTRATOR: ("backoffice:registration_queue", "No registration is waiting."),
}


def staff_queues(page: Page, entry: dict[str, Any]) -> None:
    """A staff login opens the back office: every queue its roles list answers, and its own queue shows rows or
    says that nothing waits."""
    follow(page, "backoffice:home")
    links = page.locator("main li a")
    expect(links.first).to_be_visible()
    for href in [link.get_attribute("href") for link in links.all()]:
        assert page.request.get(href).status == 200, href
    for role in entry["roles"]:
        assert role in STAFF_QUEUES, f"no queue expected for the staff role {role!r}: add it to STAFF_QUEUES"
        url_name, empty = STAFF_QUEUES[role]
        page.goto(reverse("backoffice:home"))
        follow(page, url_name)
        rows = page.locator("main table tbody tr").first
        expect(rows.or_(page.get_by_text(fr(empty), exact=True)).first).to_be_visible()


def switch_to(page: Page, kind: str) -> None:
    """On the profile choice, act as the profile of ``kind``."""
    expect(page).to_have_url(re.compile(re.escape(reverse("accounts:profile_choose")) + "$"))
    assert_accessible(page, "accounts:profile_choose")
    page.get_by_role("button", name=re.compile(rf"^{re.escape(fr(ProfileKind(kind).label))} —")).click()
    page.wait_for_load_state()


def journey(page: Page, entry: dict[str, Any], shot: str) -> None:
    """From the login page to the first task of each profile the login holds (switching between them)."""
    kinds = entry["profile"].split("+")
    for kind in kinds:
        assert kind == ProfileKind.STAFF or kind in FIRST_TASKS, f"no first task expected for the {kind!r} profile"
    if kinds == [ProfileKind.STAFF]:
        password_alone_is_not_enough(page, entry)
        set_up_second_factor(page, entry, shot)
    else:
        log_in(page, entry)
        accept_terms(page)
    for index, kind in enumerate(kinds):
        if len(kinds) > 1:
            if index:
                page.goto(reverse("accounts:dashboard"))
                page.get_by_role("link", name=fr("Switch profile")).click()
                page.wait_for_load_state()
            switch_to(page, kind)
        expect_home(page, kind)
        screenshot(page, f"{shot}-{kind}-home")
        (staff_queues if kind == ProfileKind.STAFF else FIRST_TASKS[kind])(page, entry)
        screenshot(page, f"{shot}-{kind}-task")


# --- The tests -----------------------------------------------------------------------------------------------------

LABELS = [login.label for login in demo_logins()]


def test_every_login_in_the_accounts_file_has_a_journey(shipped_demo):
    assert sorted(shipped_demo.accounts) == sorted(LABELS)


@pytest.mark.parametrize("label", LABELS)
def test_the_demo_login_reaches_its_space_and_first_task(demo_page, shipped_demo, label):
    entry = shipped_demo.accounts.get(label)
    assert entry, f"{label!r} is not in {ACCOUNTS_FILE_NAME}"
    journey(demo_page(), entry, shot="demo-" + re.sub(r"\W+", "-", label.lower()).strip("-"))


def test_the_staff_expectations_cover_every_role_and_queue():
    """Every back-office role has its queue here, and each of those queues is one the back office lists."""
    assert set(STAFF_QUEUES) == set(StaffRole)
    listed = {queue.url_name for queue in all_queues()}
    assert {url_name for url_name, _ in STAFF_QUEUES.values()} <= listed
