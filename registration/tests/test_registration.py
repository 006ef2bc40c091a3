"""Registration per profile (SPEC A1), credentials by email (A2), and the answers that reveal nothing."""

from datetime import date, timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from accounts.choices import ProfileKind
from accounts.models import Profile, User
from accounts.tests import factories as f
from audit.models import AuditEvent
from content.services import maintenance_open
from people.tests.factories import person
from registration.choices import MatchState, RegistrationStatus
from registration.models import RegistrationRequest
from registration.tests.helpers import CHOSEN_PASSWORD, member_data, page_text, records

pytestmark = pytest.mark.django_db

SAME_ANSWER = (
    "Your request is registered. If it matches our records, your credentials go to the email address we have on file"
)


@pytest.fixture
def english(client):
    client.cookies["om_language"] = "en"
    return client


@pytest.fixture
def register(english, django_capture_on_commit_callbacks):
    """Post a registration form as the public would, running what waits for the commit (the emails)."""

    def post(kind: str, data: dict, **extra):
        with django_capture_on_commit_callbacks(execute=True):
            return english.post(reverse("registration:form", args=[kind]), data, follow=True, **extra)

    return post


def counts() -> tuple[int, int, int, int]:
    return (
        RegistrationRequest.objects.count(),
        User.objects.count(),
        Profile.objects.count(),
        AuditEvent.objects.count(),
    )


@pytest.mark.parametrize("kind", ["member", "company", "agent", "professional"])
def test_exact_match_opens_the_account_and_sends_two_separate_emails(register, kind):
    record, data = records()[kind]
    response = register(kind, data)
    assert SAME_ANSWER in response.content.decode()
    registration = RegistrationRequest.objects.get()
    assert (registration.status, registration.match) == (RegistrationStatus.VALIDATED, MatchState.MATCHED)
    user = registration.user
    profile = user.profiles.get()
    assert profile.kind == kind and getattr(profile, {"member": "person"}.get(kind, kind)) == record
    assert user.must_change_password and user.email_confirmed_at is None
    assert user.language == "en" and user.email == data["email"]
    assert len(mail.outbox) == 2, "the username and the temporary password travel separately"
    username_mail, password_mail = mail.outbox
    assert all(m.to == [data["email"]] for m in mail.outbox)
    assert user.username in username_mail.body and "username" in username_mail.subject.lower()
    temporary = next(line.strip() for line in password_mail.body.splitlines() if line.strip().count("-") == 3)
    assert temporary not in username_mail.body and temporary not in username_mail.alternatives[0][0]
    assert user.username not in password_mail.body and user.username not in password_mail.alternatives[0][0]
    assert user.check_password(temporary)
    assert AuditEvent.objects.filter(action="registration.validated", target_id=str(registration.public_id)).exists()


def test_temporary_password_logs_in_and_must_be_changed(register, client):
    _member, data = records()["member"]
    register("member", data)
    temporary = next(line.strip() for line in mail.outbox[1].body.splitlines() if line.strip().count("-") == 3)
    username = next(line.strip() for line in mail.outbox[0].body.splitlines() if line.strip().isdigit())
    response = client.post(reverse("accounts:login"), {"username": username, "password": temporary})
    assert response.status_code == 302
    assert client.get(reverse("accounts:dashboard")).url == reverse("accounts:onboarding_password")


def test_chosen_password_sends_only_the_username(register, client):
    _member, data = records()["member"]
    register("member", {**data, "password1": CHOSEN_PASSWORD, "password2": CHOSEN_PASSWORD})
    user = User.objects.get(registrations__isnull=False)
    assert not user.must_change_password
    assert len(mail.outbox) == 1 and user.username in mail.outbox[0].body
    assert CHOSEN_PASSWORD not in mail.outbox[0].body
    response = client.post(reverse("accounts:login"), {"username": user.username, "password": CHOSEN_PASSWORD})
    assert response.status_code == 302
    assert RegistrationRequest.objects.get().password_hash == ""


def test_the_language_of_the_page_is_the_language_of_the_emails(client, django_capture_on_commit_callbacks):
    _member, data = records()["member"]
    with django_capture_on_commit_callbacks(execute=True):
        # no language chosen: the browser's French is the page's language, and the emails'
        client.post(reverse("registration:form", args=["member"]), data, HTTP_ACCEPT_LANGUAGE="fr-FR")
    assert User.objects.get(registrations__isnull=False).language == "fr"
    assert len(mail.outbox) == 2


def test_near_miss_is_queued_with_the_same_answer_and_no_email(register):
    member, data = records()["member"]
    match = page_text(register("member", data))
    mail.outbox.clear()
    other = person(last_name="Bernard", first_name="Luc")
    wrong_birth = member_data(other, birth_date="1990-01-01", password1=CHOSEN_PASSWORD, password2=CHOSEN_PASSWORD)
    near_miss = register("member", wrong_birth)
    assert page_text(near_miss) == match
    assert mail.outbox == []
    queued = RegistrationRequest.objects.get(person=other)
    assert (queued.status, queued.match, queued.user) == (RegistrationStatus.PENDING, MatchState.MISMATCH, None)
    assert queued.password_hash and CHOSEN_PASSWORD not in queued.password_hash
    assert User(password=queued.password_hash).check_password(CHOSEN_PASSWORD)
    assert not Profile.objects.filter(person=other).exists()


def test_unknown_number_gets_the_same_answer(register):
    member, data = records()["member"]
    match = page_text(register("member", data))
    unknown = page_text(register("member", {**data, "membership_number": "1999999999"}))
    assert unknown == match
    queued = RegistrationRequest.objects.get(number="1999999999")
    assert (queued.match, queued.status, queued.record) == (MatchState.UNKNOWN, RegistrationStatus.PENDING, None)


def test_a_record_that_already_has_an_account_is_queued_and_the_address_on_file_told(register):
    member, data = records()["member"]
    f.profile(ProfileKind.MEMBER, member)
    users = User.objects.count()
    assert SAME_ANSWER in register("member", {**data, "email": "other@example.net"}).content.decode()
    queued = RegistrationRequest.objects.get()
    assert (queued.match, queued.status) == (MatchState.HAS_ACCOUNT, RegistrationStatus.PENDING)
    assert User.objects.count() == users
    assert [(m.to, m.subject) for m in mail.outbox] == [([member.email], "A registration for your online account")]
    assert "An account is already open" in mail.outbox[0].body


def test_registering_twice_is_one_registration(register):
    _member, data = records()["member"]
    register("member", data)
    register("member", data)  # a double click, or a retry
    assert User.objects.filter(registrations__isnull=False).count() == 1
    assert RegistrationRequest.objects.count() == 1 and len(mail.outbox) == 2
    register("member", {**data, "email": "somebody-else@example.fr"})
    queued = RegistrationRequest.objects.latest("pk")
    assert queued.email == "somebody-else@example.fr"
    assert (queued.match, queued.status) == (MatchState.HAS_ACCOUNT, RegistrationStatus.PENDING)


def test_the_same_near_miss_twice_is_queued_once(register):
    _member, data = records()["member"]
    wrong = {**data, "birth_date": "1999-01-01"}
    register("member", wrong)
    register("member", wrong)
    assert RegistrationRequest.objects.count() == 1
    register("member", {**wrong, "birth_date": "1999-01-02"})
    assert RegistrationRequest.objects.count() == 2, "corrected details are a new request"


@pytest.mark.parametrize(
    ("kind", "change"),
    [
        ("company", {"siret": "73282932000074"}),
        ("company", {"company_name": "Another name"}),
        ("professional", {"agreement_number": "TP-999999"}),
    ],
)
def test_near_misses_of_other_profiles_are_queued(register, kind, change):
    _record, data = records()[kind]
    assert SAME_ANSWER in register(kind, {**data, **change}).content.decode()
    queued = RegistrationRequest.objects.get()
    assert queued.status == RegistrationStatus.PENDING and queued.match in {MatchState.MISMATCH, MatchState.REVIEW}
    assert mail.outbox == []


def test_deceased_member_goes_to_staff(register):
    member, data = records()["member"]
    member.death_date = date(2024, 1, 1)
    member.save()
    register("member", data)
    assert RegistrationRequest.objects.get().match == MatchState.REVIEW


def test_commercial_opt_in_unchecked_by_default_and_stored_with_its_date(english, register):
    page = english.get(reverse("registration:form", args=["member"])).content.decode()
    checkbox = next(line for line in page.splitlines() if 'name="commercial_opt_in"' in line)
    assert "checked" not in checkbox
    _member, data = records()["member"]
    before = timezone.now()
    register("member", {**data, "commercial_opt_in": "on"})
    registration = RegistrationRequest.objects.get()
    assert registration.commercial_opt_in and registration.commercial_choice_at >= before
    assert AuditEvent.objects.get(action="registration.submitted").data["opt_in"] is True


def test_rate_limit_per_address_answers_the_same_and_writes_nothing(register):
    _member, data = records()["member"]
    answers = [page_text(register("member", {**data, "membership_number": f"19000000{n:02d}"})) for n in range(5)]
    before = counts()
    sixth = register("member", {**data, "email": "another@example.net"})  # right facts, not the email on file
    assert page_text(sixth) == answers[0]
    assert counts() == before and mail.outbox == []


def test_spent_counters_never_refuse_the_right_facts_with_the_email_on_file(register):
    member, data = records()["member"]
    for n in range(6):  # someone who knows her email spends its counter, from the address she will use too
        register("member", {**data, "membership_number": f"19000000{n:02d}"})
    register("member", data)
    assert Profile.objects.get(person=member).user.email == member.email


def test_near_misses_per_number_are_bounded_whatever_the_address(register):
    _member, data = records()["member"]
    wrong = {**data, "birth_date": "1999-01-01"}
    for n in range(5):
        register("member", {**wrong, "email": f"guess{n}@example.net"}, REMOTE_ADDR=f"10.0.0.{n}")
    before = counts()
    register("member", {**wrong, "email": "guess9@example.net"}, REMOTE_ADDR="10.0.1.1")
    assert counts() == before, "guessing a date of birth from many addresses is bounded"


def test_near_misses_do_not_block_the_real_member(register):
    member, data = records()["member"]
    for n in range(5):
        wrong = {**data, "birth_date": "1999-01-01", "email": f"x{n}@example.net"}
        register("member", wrong, REMOTE_ADDR=f"10.0.0.{n}")
    assert SAME_ANSWER in register("member", data, REMOTE_ADDR="10.0.1.1").content.decode()
    assert Profile.objects.get(person=member).user.email == member.email


def test_rate_limit_per_typed_email(register):
    _member, data = records()["member"]
    for n in range(5):
        register("member", {**data, "membership_number": f"19000000{n:02d}"}, REMOTE_ADDR=f"10.0.0.{n}")
    before = counts()
    register("member", {**data, "email": data["email"].upper(), "birth_date": "1999-01-01"}, REMOTE_ADDR="10.0.1.1")
    assert counts() == before


LONG = "x" * 10_000
INJECTION = "' OR 1=1 --"
SCRIPT = "<script>alert(1)</script>"
FUTURE = (date.today() + timedelta(days=2)).isoformat()


@pytest.mark.parametrize(
    ("kind", "field", "value"),
    [
        *[("member", "membership_number", v) for v in ("", LONG, INJECTION, SCRIPT, "12345")],
        *[("member", "last_name", v) for v in ("", LONG, INJECTION, SCRIPT)],
        *[("member", "first_name", v) for v in ("", LONG, INJECTION, SCRIPT)],
        *[("member", "birth_date", v) for v in ("", LONG, INJECTION, SCRIPT, "2001-02-30", "31/31/1980", FUTURE)],
        *[("member", "email", v) for v in ("", LONG, INJECTION, SCRIPT, "not-an-email")],
        *[("member", "password1", v) for v in (LONG, "short", "password1234")],
        *[("company", "company_name", v) for v in ("", LONG, INJECTION, SCRIPT)],
        *[("company", "siret", v) for v in ("", LONG, INJECTION, SCRIPT, "73282932000075", "1234")],
        *[("company", "responsible_phone", v) for v in ("", LONG, INJECTION, SCRIPT, "12")],
        *[("company", "responsible_birth_date", v) for v in ("", INJECTION, FUTURE, "1850-01-01")],
        *[("company", "membership_number", v) for v in ("1900000001", INJECTION)],
        *[("agent", "membership_number", v) for v in ("", LONG, INJECTION, SCRIPT)],
        *[("agent", "responsible_email", v) for v in ("", LONG, INJECTION, SCRIPT)],
        *[("agent", "responsible_last_name", v) for v in ("", LONG, INJECTION, SCRIPT)],
        *[("professional", "identifier", v) for v in ("", LONG, INJECTION, SCRIPT, "10000000001", "1234")],
        *[("professional", "agreement_number", v) for v in ("", LONG, INJECTION, SCRIPT)],
        *[("professional", "identifier_type", v) for v in ("", LONG, INJECTION, "nir")],
    ],
)
def test_bad_input_gets_a_field_error_and_writes_nothing(english, kind, field, value):
    _record, data = records()[kind]
    data = {**data, field: value}
    if field == "password1":
        data["password2"] = value
    before = counts()
    response = english.post(reverse("registration:form", args=[kind]), data)
    assert response.status_code == 200
    assert field in response.context["form"].errors, response.context["form"].errors
    assert counts() == before and mail.outbox == []
    assert "<script>alert" not in response.content.decode()


def test_invalid_finess_checksum_is_refused(english):
    _record, data = records()["professional"]
    response = english.post(
        reverse("registration:form", args=["professional"]),
        {**data, "identifier_type": "finess", "identifier": "123456789"},
    )
    assert "identifier" in response.context["form"].errors


def test_different_password_confirmation_is_refused(english):
    _record, data = records()["member"]
    response = english.post(
        reverse("registration:form", args=["member"]),
        {**data, "password1": CHOSEN_PASSWORD, "password2": CHOSEN_PASSWORD + "x"},
    )
    assert "password2" in response.context["form"].errors
    assert RegistrationRequest.objects.count() == 0


def test_maintenance_closes_registration(english, register):
    maintenance_open(
        actor=None,
        feature="registration",
        message_fr="Inscriptions fermées.",
        message_en="Registration is closed tonight.",
    )
    assert english.get(reverse("registration:start")).status_code == 503
    page = english.get(reverse("registration:form", args=["member"]))
    assert page.status_code == 503 and "Registration is closed tonight." in page.content.decode()
    _member, data = records()["member"]
    before = counts()
    response = english.post(reverse("registration:form", args=["member"]), data)
    assert response.status_code == 503 and counts() == before and mail.outbox == []


def test_pages_of_each_profile_render_with_labels(english):
    assert english.get(reverse("registration:start")).status_code == 200
    for kind in ("member", "company", "agent", "professional"):
        page = english.get(reverse("registration:form", args=[kind]))
        assert page.status_code == 200
        assert '<label for="id_email"' in page.content.decode()
    assert english.get("/register/staff/").status_code == 404


def test_dates_typed_day_first_are_understood_in_every_language(register):
    member, data = records()["member"]
    register("member", {**data, "birth_date": member.birth_date.strftime("%d/%m/%Y")})
    assert RegistrationRequest.objects.get().match == MatchState.MATCHED
