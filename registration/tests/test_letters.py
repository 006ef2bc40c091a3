"""Registration bound to what the insurer holds (SECURITY.md, identity proofs): an email that is not the one
on file gets nothing; an activation code goes by post to the address on file, staff print and post it, and
the code finishes the registration once, before it expires."""

from __future__ import annotations

import io
import re
from datetime import timedelta

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from accounts.choices import ProfileKind, StaffRole
from accounts.models import Profile, User
from audit.models import AuditEvent
from people.tests.factories import person
from registration.choices import LetterStatus, MatchState, RegistrationStatus
from registration.models import ActivationLetter, RegistrationRequest
from registration.tests.helpers import ADDRESS, logged_in_staff, member_data, professional, professional_data, records

pytestmark = pytest.mark.django_db

OUTSIDE = "outside@attacker.example"
CHOSEN = "Girouette-Moulin-Falaise-31"
NOTICE = "A registration for your online account"


@pytest.fixture
def register(client, django_capture_on_commit_callbacks):
    client.cookies["om_language"] = "en"

    def post(kind: str, data: dict, **extra):
        with django_capture_on_commit_callbacks(execute=True):
            return client.post(reverse("registration:form", args=[kind]), data, follow=True, **extra)

    return post


@pytest.fixture
def activate(django_capture_on_commit_callbacks):
    browser = Client()
    browser.cookies["om_language"] = "en"

    def post(number: str, code: str, email: str = "mine@example.org", **extra):
        data = {"number": number, "code": code, "email": email, "password1": CHOSEN, "password2": CHOSEN}
        with django_capture_on_commit_callbacks(execute=True):
            return browser.post(reverse("registration:activate"), data, **extra)

    return post


@pytest.mark.parametrize("kind", ["member", "company", "agent", "professional"])
def test_another_email_gets_nothing_and_a_letter_goes_to_the_address_on_file(register, kind):
    record, data = records()[kind]
    response = register(kind, {**data, "email": OUTSIDE})
    assert "Registration received" in response.content.decode()
    registration = RegistrationRequest.objects.get()
    assert (registration.status, registration.match) == (RegistrationStatus.PENDING, MatchState.BY_POST)
    assert not Profile.objects.filter(**{{"member": "person"}.get(kind, kind): record}).exists()
    letter = ActivationLetter.objects.get()
    assert letter.status == LetterStatus.TO_POST and re.fullmatch(r"[A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]{4}", letter.code)
    assert letter.address_lines[:2] == ["12 rue des Lilas", "69003 Lyon"]
    assert letter.expires_at > timezone.now() + timedelta(days=29)
    assert all(OUTSIDE not in m.to for m in mail.outbox), "nothing goes to the address typed"
    [notice] = mail.outbox
    assert notice.to == [record.email] and notice.subject == NOTICE
    assert "an activation code is being posted to your postal address" in notice.body
    assert letter.code not in notice.body


def test_no_email_on_file_gets_a_letter_and_no_email_at_all(register):
    pro = professional(email="", **ADDRESS)
    register("professional", professional_data(pro, email="cabinet@example.fr"))
    assert ActivationLetter.objects.get().registration.professional == pro
    assert mail.outbox == [] and User.objects.count() == 0


def test_no_email_nor_postal_address_on_file_goes_to_staff(register):
    pro = professional(email="")
    register("professional", professional_data(pro))
    assert RegistrationRequest.objects.get().match == MatchState.REVIEW
    assert not ActivationLetter.objects.exists() and mail.outbox == []


def test_one_open_letter_per_record_whatever_the_number_of_registrations(register):
    member, data = records()["member"]
    for n in range(3):
        register("member", {**data, "email": f"someone{n}@example.net"}, REMOTE_ADDR=f"10.0.0.{n}")
    assert RegistrationRequest.objects.filter(match=MatchState.BY_POST).count() == 3
    assert ActivationLetter.objects.count() == 1


def test_the_code_opens_the_account_once_with_the_email_chosen_then(register, activate):
    member, data = records()["member"]
    register("member", {**data, "email": OUTSIDE})
    letter = ActivationLetter.objects.get()
    mail.outbox.clear()
    response = activate(member.membership_number, letter.code.lower().replace("-", " "))
    user = User.objects.get(profiles__person=member)
    assert response.status_code == 200 and user.username in response.content.decode()
    assert user.email == "mine@example.org" and user.check_password(CHOSEN) and not user.must_change_password
    letter.refresh_from_db()
    assert (letter.status, letter.code) == (LetterStatus.USED, "")
    assert letter.registration.status == RegistrationStatus.VALIDATED and letter.registration.user == user
    sent = {(tuple(m.to), m.subject) for m in mail.outbox}
    assert sent == {(("mine@example.org",), "Your username for your online account"), ((member.email,), NOTICE)}
    username_mail = next(m for m in mail.outbox if m.to == ["mine@example.org"])
    assert "log in with the password you chose" in username_mail.body and "separate email" not in username_mail.body
    assert AuditEvent.objects.filter(action="registration.letter_used").count() == 1
    again = activate(member.membership_number, letter.registration.number)
    assert "This code is not valid" in again.content.decode()
    assert Client().post(reverse("accounts:login"), {"username": user.username, "password": CHOSEN}).status_code == 302


@pytest.mark.parametrize("case", ["wrong_code", "wrong_number", "expired", "cancelled"])
def test_a_code_that_does_not_fit_opens_nothing(register, activate, case):
    member, data = records()["member"]
    register("member", {**data, "email": OUTSIDE})
    letter = ActivationLetter.objects.get()
    number, code = member.membership_number, letter.code
    if case == "wrong_code":
        code = "AAAA-BBBB-CCCC"
    elif case == "wrong_number":
        number = person().membership_number
    elif case == "expired":
        ActivationLetter.objects.update(expires_at=timezone.now() - timedelta(minutes=1))
    else:
        register("member", data)  # the real member, with the email on file: the account opens, the letter ends
        letter.refresh_from_db()
        assert letter.status == LetterStatus.CANCELLED and letter.code == ""
    users = User.objects.count()
    response = activate(number, code)
    assert "This code is not valid for this number" in response.content.decode()
    assert User.objects.count() == users


def test_activation_is_throttled_per_address(register, activate):
    member, data = records()["member"]
    register("member", {**data, "email": OUTSIDE})
    letter = ActivationLetter.objects.get()
    for _ in range(10):
        activate(member.membership_number, "AAAA-BBBB-CCCC", REMOTE_ADDR="10.1.1.1")
    assert "not valid" in activate(member.membership_number, letter.code, REMOTE_ADDR="10.1.1.1").content.decode()
    assert not User.objects.filter(profiles__person=member).exists()
    activate(member.membership_number, letter.code, REMOTE_ADDR="10.2.2.2")
    assert User.objects.filter(profiles__person=member).exists(), "another address is not blocked"


def test_activation_form_errors_name_their_field(activate):
    response = Client().post(reverse("registration:activate"), {"number": "", "code": "", "email": "x"})
    assert set(response.context["form"].errors) >= {"number", "code", "email", "password1", "password2"}


def test_staff_print_the_letter_and_mark_it_posted(register):
    member, data = records()["member"]
    register("member", {**data, "email": OUTSIDE})
    letter = ActivationLetter.objects.get()
    staff_client, _staff = logged_in_staff(StaffRole.ACCOUNT_VALIDATION)
    home = staff_client.get(reverse("backoffice:home")).content.decode()
    assert "Activation letters to post" in home
    page = staff_client.get(reverse("backoffice:letter_queue")).content.decode()
    assert "12 rue des Lilas" in page and str(member) in page
    assert registration_queue_ids(staff_client) == set(), "a letter's registration is not in the staff queue"
    pdf = staff_client.get(reverse("backoffice:letter_pdf", args=[letter.public_id]))
    assert pdf["Content-Type"] == "application/pdf" and pdf["Content-Disposition"].startswith("attachment")
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.content)).pages)
    assert letter.code in text and "12 rue des Lilas" in text and member.membership_number in text
    assert "/register/activate/" in text
    response = staff_client.post(reverse("backoffice:letter_posted", args=[letter.public_id]))
    assert response.status_code == 302
    letter.refresh_from_db()
    assert letter.status == LetterStatus.POSTED and letter.posted_by == _staff.user and letter.posted_at
    assert AuditEvent.objects.filter(action="registration.letter_posted", profile="staff").exists()
    assert "No letter is waiting to be posted." in staff_client.get(reverse("backoffice:letter_queue")).content.decode()


def registration_queue_ids(staff_client) -> set[str]:
    page = staff_client.get(reverse("backoffice:registration_queue")).content.decode()
    return set(re.findall(r"/backoffice/registrations/([0-9a-f-]{36})/", page))


def test_the_letter_in_french_for_a_french_registration(client, django_capture_on_commit_callbacks):
    member = person(last_name="Roussel", first_name="Anne", email="anne@example.fr", **ADDRESS)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("registration:form", args=["member"]),
            member_data(member, email=OUTSIDE, first_name=member.first_name),
            HTTP_ACCEPT_LANGUAGE="fr-FR",
        )
    letter = ActivationLetter.objects.get()
    assert letter.language == "fr"
    from registration.pdf import letter_pdf

    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(letter_pdf(letter))).pages)
    assert "Votre code d'activation" in text or "Votre code d’activation" in text


def test_members_and_other_profiles_cannot_open_the_letters(register):
    from accounts.tests import factories as f

    member, data = records()["member"]
    register("member", {**data, "email": OUTSIDE})
    letter = ActivationLetter.objects.get()
    someone = Client()
    someone.force_login(f.profile(ProfileKind.MEMBER, person()).user, backend="accounts.backends.IdentifierBackend")
    for url in (reverse("backoffice:letter_queue"), reverse("backoffice:letter_pdf", args=[letter.public_id])):
        assert someone.get(url).status_code == 404
    assert someone.post(reverse("backoffice:letter_posted", args=[letter.public_id])).status_code == 404


def test_a_registration_by_post_stays_within_its_query_budget(register, django_assert_max_num_queries):
    _member, data = records()["member"]
    with django_assert_max_num_queries(41):  # 36, plus the notice's outbox row written, then locked, sent and emptied
        register("member", {**data, "email": OUTSIDE})
    assert ActivationLetter.objects.count() == 1


def test_wrong_codes_from_many_addresses_do_not_keep_the_holder_out(register, activate):
    member, data = records()["member"]
    register("member", {**data, "email": OUTSIDE})
    letter = ActivationLetter.objects.get()
    for n in range(60):
        activate(member.membership_number, "AAAA-BBBB-CCCC", REMOTE_ADDR=f"10.3.{n // 200}.{n % 200}")
    activate(member.membership_number, letter.code, REMOTE_ADDR="10.4.4.4")
    assert User.objects.filter(profiles__person=member).exists()
