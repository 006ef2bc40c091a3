"""Account takeover, tried the way the external probe of issue 16 tried it (items 1, 2 and the blocked registration).

Facts others legitimately see — a membership number, names, a birth date, an RPPS and an agreement number — must
never be enough: a secret only ever goes to a channel the insurer already holds (the email on file, or a letter to
the postal address on file), the address on file hears of every attempt, anonymous password requests change
nothing until the owner uses the link, and no amount of bogus attempts keeps the real person out.
"""

from __future__ import annotations

import re
from datetime import date

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from accounts.choices import ProfileKind
from accounts.models import Profile, User
from accounts.tests import factories as f
from api import services as api_services
from contracts.tests import factories as cf
from people.tests.factories import company, person
from registration.models import ActivationLetter
from registration.tests.helpers import ADDRESS, professional, professional_data

pytestmark = pytest.mark.django_db

OUTSIDE = "takeover@outside.example"
ATTACKER_PASSWORD = "Corbeau-Serrure-Minuit-66"


@pytest.fixture
def run_commits(django_capture_on_commit_callbacks):
    return lambda: django_capture_on_commit_callbacks(execute=True)


def _browser() -> Client:
    client = Client()
    client.cookies["om_language"] = "en"
    return client


def _register(run_commits, kind: str, data: dict, ip: str = "203.0.113.7") -> str:
    with run_commits():
        response = _browser().post(reverse("registration:form", args=[kind]), data, follow=True, REMOTE_ADDR=ip)
    return response.content.decode()


def _mail_to(address: str) -> list:
    return [message for message in mail.outbox if address in message.to]


@pytest.fixture
def employee_and_correspondent():
    """An employee without an account yet (email and postal address on file) and his company's correspondent."""
    firm = company()
    contract = cf.collective_contract(firm)
    victim = person(
        last_name="Lemaire", first_name="Hugo", birth_date=date(1979, 8, 14), email="hugo.lemaire@example.fr", **ADDRESS
    )
    affiliation = cf.subscriber(contract, victim)
    correspondent = _browser()
    correspondent.force_login(f.profile(ProfileKind.COMPANY, firm).user, backend="accounts.backends.IdentifierBackend")
    return victim, affiliation, correspondent


def test_a_company_correspondent_cannot_register_an_employee_with_an_outside_address(
    employee_and_correspondent, run_commits
):
    victim, affiliation, correspondent = employee_and_correspondent
    # What the correspondent legitimately sees on the employee page.
    page = correspondent.get(reverse("companies:employee_detail", args=[affiliation.public_id])).content.decode()
    number = re.search(r"Membership no\. (\d{10})", page).group(1)
    shown_birth_date = re.search(r"Date of birth</dt>\s*<dd>([^<]+)</dd>", page).group(1)
    assert number == victim.membership_number and "14" in shown_birth_date and "1979" in shown_birth_date
    facts = {
        "membership_number": number,
        "last_name": "LEMAIRE",
        "first_name": "hugo",
        "birth_date": victim.birth_date.strftime("%d/%m/%Y"),
    }
    answer = _register(
        run_commits,
        "member",
        {**facts, "email": OUTSIDE, "password1": ATTACKER_PASSWORD, "password2": ATTACKER_PASSWORD},
    )
    assert "Registration received" in answer

    assert _mail_to(OUTSIDE) == [], "the outside address receives nothing"
    assert not Profile.objects.filter(person=victim).exists(), "no account acts for the employee"
    assert not User.objects.filter(email__iexact=OUTSIDE).exists()
    login = _browser().post(reverse("accounts:login"), {"username": number, "password": ATTACKER_PASSWORD})
    assert login.status_code == 200, "the password the attacker chose opens nothing"
    [notice] = _mail_to(victim.email)
    assert notice.subject == "A registration for your online account"
    assert ActivationLetter.objects.get().address_lines[0] == "12 rue des Lilas", "the code goes by post only"

    # The attacker's own tries at the activation page and at 'password forgotten' get nothing either.
    for guess in ("AAAA-AAAA-AAAA", "2345-6789-ABCD"):
        data = {"number": number, "code": guess, "email": OUTSIDE, "password1": ATTACKER_PASSWORD}
        _browser().post(reverse("registration:activate"), {**data, "password2": ATTACKER_PASSWORD})
    with run_commits():
        _browser().post(reverse("accounts:password_forgotten"), {"identifier": number})
    assert _mail_to(OUTSIDE) == [] and not Profile.objects.filter(person=victim).exists()

    # The real member then registers with the address on file and gets in.
    mail.outbox.clear()
    _register(run_commits, "member", {**facts, "email": victim.email}, ip="198.51.100.20")
    user = Profile.objects.get(person=victim, kind=ProfileKind.MEMBER).user
    assert user.email == victim.email
    assert {message.to[0] for message in mail.outbox} == {victim.email}
    username = re.search(r"Your username is:\s+(\S+)", mail.outbox[0].body).group(1)
    temporary = next(line.strip() for line in mail.outbox[1].body.splitlines() if line.strip().count("-") == 3)
    response = _browser().post(reverse("accounts:login"), {"username": username, "password": temporary})
    assert response.status_code == 302
    assert ActivationLetter.objects.get().code == "", "the letter the attacker caused can no longer open anything"


def test_the_real_member_with_a_new_address_gets_in_with_the_letter(employee_and_correspondent, run_commits):
    victim, _affiliation, _correspondent = employee_and_correspondent
    facts = {
        "membership_number": victim.membership_number,
        "last_name": victim.last_name,
        "first_name": victim.first_name,
        "birth_date": victim.birth_date.isoformat(),
    }
    _register(run_commits, "member", {**facts, "email": OUTSIDE})  # the attacker first
    _register(run_commits, "member", {**facts, "email": "hugo.new@example.org"}, ip="198.51.100.20")  # then Hugo
    letter = ActivationLetter.objects.get()  # one letter, posted to Hugo's address
    data = {"number": victim.membership_number, "code": letter.code, "email": "hugo.new@example.org"}
    with run_commits():
        _browser().post(
            reverse("registration:activate"),
            {**data, "password1": "Hibou-Tilleul-Marelle-47", "password2": "Hibou-Tilleul-Marelle-47"},
        )
    assert Profile.objects.get(person=victim).user.email == "hugo.new@example.org"
    assert _mail_to(OUTSIDE) == []


def test_three_anonymous_reset_requests_change_nothing_for_the_victim(run_commits):
    victim = f.profile(ProfileKind.MEMBER, person())
    session = _browser()
    assert (
        session.post(reverse("accounts:login"), {"username": victim.user.username, "password": f.PASSWORD}).status_code
        == 302
    )
    secret = api_services.token_create(actor=victim.user, profile=victim, name="phone", via="test")[1]
    for _ in range(3):
        with run_commits():
            _browser().post(reverse("accounts:password_forgotten"), {"identifier": victim.person.membership_number})
    victim.user.refresh_from_db()
    assert victim.user.check_password(f.PASSWORD) and not victim.user.must_change_password
    assert session.get(reverse("accounts:dashboard")).status_code == 200, "the session is still open"
    assert _browser().get("/api/me", HTTP_AUTHORIZATION=f"Bearer {secret}").status_code == 200, "the token still works"
    fresh = _browser().post(reverse("accounts:login"), {"username": victim.user.username, "password": f.PASSWORD})
    assert fresh.status_code == 302, "the password still opens the account"
    assert {tuple(message.to) for message in mail.outbox} == {(victim.user.email,)}, "links go to the owner only"


@pytest.mark.parametrize("on_file", ["", "dr.real@example.fr"])
def test_public_rpps_and_agreement_number_do_not_make_an_account(run_commits, on_file):
    pro = professional(email=on_file, **ADDRESS)
    answer = _register(run_commits, "professional", professional_data(pro, email=OUTSIDE))
    assert "Registration received" in answer
    assert not Profile.objects.filter(professional=pro).exists()
    assert _mail_to(OUTSIDE) == []
    assert ActivationLetter.objects.get().registration.professional == pro, "proof by post to the practice"


def test_bogus_registrations_do_not_block_the_real_member(run_commits):
    victim = person(last_name="Carré", first_name="Inès", birth_date=date(1990, 1, 9), email="ines@example.fr")
    facts = {
        "membership_number": victim.membership_number,
        "last_name": victim.last_name,
        "first_name": victim.first_name,
    }
    for n in range(5):  # wrong birth dates
        _register(
            run_commits,
            "member",
            {**facts, "birth_date": f"1990-02-{n + 1:02d}", "email": f"a{n}@x.example"},
            ip=f"192.0.2.{n}",
        )
    for n in range(5):  # right facts, outside addresses
        _register(
            run_commits,
            "member",
            {**facts, "birth_date": "1990-01-09", "email": f"b{n}@x.example"},
            ip=f"192.0.2.{50 + n}",
        )
    _register(run_commits, "member", {**facts, "birth_date": "1990-01-09", "email": victim.email}, ip="198.51.100.9")
    assert Profile.objects.get(person=victim).user.email == victim.email
    assert all(message.to == [victim.email] for message in mail.outbox)
