"""From registration to the home page, in a real browser, for each profile (SPEC A1-A5).

Registration form filled with the identity of a record built here and the email the insurer
has on file for it → the two credential emails (username, then temporary password) → login →
forced password change → the confirmation email and its link → the terms → the home page,
first connection; then a second login shows the previous connection. With another email, nothing
goes to it: staff print the activation-code letter for the postal address on file, and its code
opens the account.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

import pytest
from playwright.sync_api import Page, expect

from accounts.choices import ProfileKind, StaffRole
from accounts.models import User
from conftest import screenshot
from content.models import TermsAcceptance
from content.services import terms_publish
from people.tests.factories import company, person
from registration.tests import helpers
from tests.journeys.accessibility import assert_accessible
from tests.journeys.support import (
    NEW_PASSWORD,
    accept_terms,
    choose_password,
    expect_home,
    log_in,
    log_out,
    pdf_text,
    staff_log_in,
    temporary_password,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TERMS_VERSION = "2026.1"


def _fill_responsible(page: Page, data: dict) -> None:
    page.get_by_label("Surname").fill(data["responsible_last_name"])
    page.get_by_label("First name").fill(data["responsible_first_name"])
    page.get_by_label("Date of birth").fill(data["responsible_birth_date"])
    page.get_by_label("Phone").fill(data["responsible_phone"])


def fill_member(page: Page, data: dict) -> None:
    page.get_by_label("Membership number").fill(data["membership_number"])
    page.get_by_label("Surname").fill(data["last_name"])
    page.get_by_label("First name").fill(data["first_name"])
    page.get_by_label("Date of birth").fill(data["birth_date"])


def fill_company(page: Page, data: dict) -> None:
    page.get_by_label("Membership number").fill(data["membership_number"])
    page.get_by_label("Company name").fill(data["company_name"])
    page.get_by_label("SIRET").fill(data["siret"])
    _fill_responsible(page, data)


def fill_agent(page: Page, data: dict) -> None:
    page.get_by_label("Membership number").fill(data["membership_number"])
    _fill_responsible(page, data)
    page.get_by_label("Email of the responsible person").fill(data["responsible_email"])


def fill_professional(page: Page, data: dict) -> None:
    page.get_by_label("RPPS (11 digits)").check()
    page.get_by_label("Professional identifier (RPPS/ADELI or FINESS)").fill(data["identifier"])
    page.get_by_label("Third-party-payment agreement number").fill(data["agreement_number"])


def build_member():
    record = person(
        last_name="Dupré",
        first_name="Élodie",
        birth_date=date(1985, 3, 2),
        email="elodie@example.fr",
        **helpers.ADDRESS,
    )
    return helpers.member_data(record), "Élodie Dupré"


def build_company():
    firm = company(name="Boulangerie Étoile", email="rh@boulangerie-etoile.fr", **helpers.ADDRESS)
    return helpers.company_data(firm), "Anne-Marie Lefèvre"


def build_agent():
    return helpers.agent_data(helpers.agent(**helpers.ADDRESS)), "Anne-Marie Lefèvre"


def build_professional():
    pro = helpers.professional(name="Dr Camille Bernard", email="cabinet@example.fr", **helpers.ADDRESS)
    return helpers.professional_data(pro), "Dr Camille Bernard"


@dataclass(frozen=True)
class Journey:
    kind: str
    button: str
    width: int
    build: Callable[[], tuple[dict, str]]
    fill: Callable[[Page, dict], None]


JOURNEYS = [
    Journey(ProfileKind.MEMBER, "Register as a member", 390, build_member, fill_member),
    Journey(ProfileKind.COMPANY, "Register as a company", 1280, build_company, fill_company),
    Journey(ProfileKind.AGENT, "Register as an agent", 1280, build_agent, fill_agent),
    Journey(ProfileKind.PROFESSIONAL, "Register as a health professional", 1280, build_professional, fill_professional),
]


@pytest.mark.parametrize("journey", JOURNEYS, ids=[journey.kind for journey in JOURNEYS])
def test_registration_to_home_page(journey: Journey, open_page, mailbox):
    terms_publish(
        actor=None,
        version=TERMS_VERSION,
        title_fr="Conditions générales d'utilisation",
        title_en="Terms of use",
        body_fr="Vous vous engagez à garder votre mot de passe secret.",
        body_en="You undertake to keep your password secret.",
    )
    data, name = journey.build()
    address = data["email"]
    step = iter(range(1, 20))

    def shot(label: str) -> None:
        screenshot(page, f"journey-{journey.kind}-{next(step):02d}-{label}")

    page = open_page(journey.width)
    page.goto("/register/")
    expect(page.get_by_role("heading", name="Create my account", exact=True)).to_be_visible()
    page.get_by_role("button", name=journey.button).click()
    journey.fill(page, data)
    page.get_by_label("Email address").fill(address)
    expect(page.get_by_label(re.compile("receive commercial information"))).not_to_be_checked()  # opt-in, SPEC A1
    shot("registration")
    page.get_by_role("button", name="Send my registration").click()
    expect(page.get_by_role("heading", name="Registration received")).to_be_visible()
    shot("received")
    assert_accessible(page, f"{journey.kind} registration received")  # a POST's answer: the crawl cannot reach it

    # Two separate emails: the username alone, the temporary password alone (SPEC A2).
    mails = mailbox.new()
    assert len(mails) == 2, [mail.subject for mail in mails]
    username_mail = mailbox.one(mails, "Your username for your online account", address)
    password_mail = mailbox.one(mails, "Your temporary password", address)
    username = re.search(r"Your username is:\s+(\S+)", username_mail.text).group(1)
    password = temporary_password(password_mail)
    assert password not in username_mail.text and username not in password_mail.text
    assert User.objects.get(username=username).profiles.get().kind == journey.kind

    log_in(page, username, password)
    choose_password(page, f"journey-{journey.kind}-{next(step):02d}-password")

    expect(page).to_have_url(re.compile(r"/onboarding/email/$"))
    expect(page.get_by_role("heading", name="Confirm your email address")).to_be_visible()
    shot("email")
    confirm = mailbox.one(mailbox.new(), "Confirm your email address", address)
    link = re.search(r"https?://\S+/email/confirm/\S+/", confirm.text).group(0)
    page.goto(link)
    expect(page.get_by_text("Your email address is confirmed.")).to_be_visible()
    accept_terms(page, f"journey-{journey.kind}-{next(step):02d}-terms", TERMS_VERSION)

    expect_home(page, name, first=True)
    shot("home")
    assert TermsAcceptance.objects.filter(user__username=username, terms__version=TERMS_VERSION).exists()

    log_out(page)
    log_in(page, username, NEW_PASSWORD)
    expect_home(page, name, first=False)
    shot("home-again")


def test_another_email_gets_a_letter_by_post_whose_code_opens_the_account(open_page, mailbox, tmp_path):
    data, name = build_member()
    page = open_page(390)
    page.goto("/register/member/")
    fill_member(page, data)
    page.get_by_label("Email address").fill("elodie.new@example.org")
    page.get_by_role("button", name="Send my registration").click()
    expect(page.get_by_role("heading", name="Registration received")).to_be_visible()
    screenshot(page, "journey-letter-01-received")
    mails = mailbox.new()
    assert [mail.to for mail in mails] == [data["email"]], "only the address on file hears of it"
    assert "an activation code is being posted" in mails[0].text

    staff_page = open_page(1280)
    staff_log_in(staff_page, StaffRole.ACCOUNT_VALIDATION)
    staff_page.goto("/backoffice/letters/")
    expect(staff_page.get_by_role("heading", name="Activation letters to post")).to_be_visible()
    screenshot(staff_page, "journey-letter-02-staff-queue")
    with staff_page.expect_download() as download:
        staff_page.get_by_role("button", name="Print (PDF)").click()
    letter = tmp_path / "letter.pdf"
    download.value.save_as(letter)
    text = pdf_text(letter)
    code = re.search(r"[A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]{4}", text).group(0)
    assert "12 rue des Lilas" in text
    staff_page.get_by_role("button", name="Mark as posted").click()
    expect(staff_page.get_by_text("The letter is marked as posted.")).to_be_visible()

    page.goto("/register/activate/")
    page.get_by_label("Membership number or professional identifier").fill(data["membership_number"])
    page.get_by_label("Activation code").fill(code)
    page.get_by_label("Email address of the account").fill("elodie.new@example.org")
    page.get_by_label(re.compile(r"^Password:?$")).fill(NEW_PASSWORD)
    page.get_by_label(re.compile(r"^Password again:?$")).fill(NEW_PASSWORD)
    screenshot(page, "journey-letter-03-activate")
    page.get_by_role("button", name="Activate my account").click()
    expect(page.get_by_role("heading", name="Your account is open")).to_be_visible()
    username = page.locator("strong.username").inner_text()
    screenshot(page, "journey-letter-04-open")
    assert_accessible(page, "account opened by letter")
    mailbox.one(mailbox.new(), "Your username for your online account", "elodie.new@example.org")
    log_in(page, username, NEW_PASSWORD)
    expect(page).to_have_url(re.compile(r"/onboarding/email/$"))
