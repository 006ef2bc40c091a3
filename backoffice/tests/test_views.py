"""B1: the registration queue, user search and detail, unlock, deactivate, reactivate, delete."""

from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.core import mail
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.choices import ProfileKind, StaffRole
from accounts.models import User
from accounts.tests import factories as f
from audit.models import AuditEvent
from people.tests.factories import person
from registration.choices import MatchState, RegistrationStatus
from registration.models import RegistrationRequest
from registration.tests.helpers import CHOSEN_PASSWORD, logged_in_staff, member_data, records

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fast_hashes_and_fresh_counters(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    cache.clear()


@pytest.fixture
def staff_client():
    return logged_in_staff(StaffRole.ACCOUNT_VALIDATION)[0]


def queue_registration(data: dict, django_capture_on_commit_callbacks, kind="member") -> RegistrationRequest:
    with django_capture_on_commit_callbacks(execute=True):
        Client().post(reverse("registration:form", args=[kind]), data)
    return RegistrationRequest.objects.order_by("pk").last()


def login(client, username, password=f.PASSWORD):
    return client.post(reverse("accounts:login"), {"username": username, "password": password})


# --- Registration queue -----------------------------------------------------------------------------


def test_queue_shows_submitted_details_beside_the_record(staff_client, django_capture_on_commit_callbacks):
    member = person(last_name="Garnier", first_name="Hugo")
    queue_registration(member_data(member, first_name="Victor"), django_capture_on_commit_callbacks)
    page = staff_client.get(reverse("backoffice:registration_queue")).content.decode()
    assert "Victor" in page and "Hugo" in page and "<mark>" in page


def test_validate_a_near_miss_opens_the_account_and_sends_two_emails(staff_client, django_capture_on_commit_callbacks):
    member = person(last_name="Garnier", first_name="Hugo")
    registration = queue_registration(member_data(member, first_name="Victor"), django_capture_on_commit_callbacks)
    assert registration.match == MatchState.MISMATCH and mail.outbox == []
    detail = staff_client.get(reverse("backoffice:registration_detail", args=[registration.public_id]))
    assert member.membership_number in detail.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client.post(
            reverse("backoffice:registration_validate", args=[registration.public_id]),
            {"record": str(member.public_id)},
        )
    assert response.status_code == 302
    registration.refresh_from_db()
    assert registration.status == RegistrationStatus.VALIDATED and registration.decided_by is not None
    user = registration.user
    assert user.profiles.get().person == member and user.first_name == "Hugo"
    assert len(mail.outbox) == 2
    assert user.username in mail.outbox[0].body and user.username not in mail.outbox[1].body
    assert AuditEvent.objects.filter(action="registration.validated", profile="staff").exists()


def test_validate_keeps_the_password_the_applicant_chose(staff_client, django_capture_on_commit_callbacks):
    member = person(last_name="Garnier", first_name="Hugo")
    data = member_data(member, birth_date="1970-01-01", password1=CHOSEN_PASSWORD, password2=CHOSEN_PASSWORD)
    registration = queue_registration(data, django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True):
        staff_client.post(
            reverse("backoffice:registration_validate", args=[registration.public_id]),
            {"record": str(member.public_id)},
        )
    registration.refresh_from_db()
    assert registration.password_hash == ""
    assert len(mail.outbox) == 1, "no temporary password when the applicant chose one"
    assert login(Client(), registration.user.username, CHOSEN_PASSWORD).status_code == 302


def test_staff_may_attach_another_record_by_its_number(staff_client, django_capture_on_commit_callbacks):
    registration = queue_registration(
        member_data(person(last_name="Garnier", first_name="Hugo"), membership_number="1999999999"),
        django_capture_on_commit_callbacks,
    )
    other = person(last_name="Blanc", first_name="Ines")
    url = reverse("backoffice:registration_validate", args=[registration.public_id])
    bad = staff_client.post(url, {"record": "other", "other_number": "1888888888"})
    assert bad.status_code == 400 and RegistrationRequest.objects.get().status == RegistrationStatus.PENDING
    staff_client.post(url, {"record": "other", "other_number": other.membership_number})
    assert RegistrationRequest.objects.get().user.profiles.get().person == other


def test_a_record_with_an_account_cannot_be_attached_twice(staff_client, django_capture_on_commit_callbacks):
    member, data = records()["member"]
    f.profile(ProfileKind.MEMBER, member)
    registration = queue_registration(data, django_capture_on_commit_callbacks)
    assert registration.match == MatchState.HAS_ACCOUNT
    response = staff_client.post(
        reverse("backoffice:registration_validate", args=[registration.public_id]),
        {"record": "other", "other_number": member.membership_number},
    )
    assert response.status_code == 302
    assert RegistrationRequest.objects.get().status == RegistrationStatus.PENDING


def test_refuse_emails_the_reason_and_forgets_the_password(staff_client, django_capture_on_commit_callbacks):
    data = member_data(
        person(last_name="Garnier", first_name="Hugo"),
        membership_number="1999999999",
        password1=CHOSEN_PASSWORD,
        password2=CHOSEN_PASSWORD,
    )
    registration = queue_registration(data, django_capture_on_commit_callbacks)
    url = reverse("backoffice:registration_refuse", args=[registration.public_id])
    assert staff_client.post(url, {"reason": ""}).status_code == 400
    with django_capture_on_commit_callbacks(execute=True):
        staff_client.post(url, {"reason": "We find no contract under this number."})
    registration.refresh_from_db()
    assert registration.status == RegistrationStatus.REFUSED and registration.password_hash == ""
    assert registration.decision_reason == "We find no contract under this number."
    assert mail.outbox[-1].to == [data["email"]] and "no contract under this number" in mail.outbox[-1].body
    with django_capture_on_commit_callbacks(execute=True):
        staff_client.post(url, {"reason": "Twice"})  # already decided: nothing changes, nothing sent
    assert len(mail.outbox) == 1


def test_queue_queries_do_not_grow_with_rows(staff_client, django_assert_max_num_queries):
    def add(count):
        for n in range(count):
            RegistrationRequest.objects.create(
                kind="member",
                match=MatchState.MISMATCH,
                number=f"1{n:09d}",
                email=f"a{n}@example.fr",
                person=person(last_name="Roy", first_name="Eve"),
                commercial_choice_at="2026-01-01T00:00:00Z",
                submitted={"last_name": "Roi", "first_name": "Eve", "birth_date": "1980-01-01"},
            )

    url = reverse("backoffice:registration_queue")
    add(5)
    with CaptureQueriesContext(connection) as five:
        assert staff_client.get(url).status_code == 200
    add(25)
    with django_assert_max_num_queries(len(five)):
        assert staff_client.get(url).status_code == 200


# --- Users ------------------------------------------------------------------------------------------------


def test_search_by_username_email_or_membership_number(staff_client):
    member = f.profile(ProfileKind.MEMBER, person(last_name="Lucas", first_name="Emma"))
    url = reverse("backoffice:user_search")
    for query in (member.user.username, member.user.email.upper(), member.person.membership_number):
        page = staff_client.get(url, {"q": query}).content.decode()
        assert reverse("backoffice:user_detail", args=[member.user.public_id]) in page, query
    assert "No account matches." in staff_client.get(url, {"q": "' OR 1=1 --"}).content.decode()
    assert staff_client.get(url, {"q": "x" * 10_000}).status_code == 200
    assert staff_client.get(url, {"q": "user", "page": "9999"}).status_code == 200


def test_search_queries_do_not_grow_with_rows(staff_client, django_assert_max_num_queries):
    def add(count, start):
        for n in range(start, start + count):
            f.profile(
                ProfileKind.MEMBER,
                person(last_name="Roy", first_name="Eve"),
                account=f.user(username=f"zz{n:04d}", email=f"zz{n}@example.fr"),
            )

    url = reverse("backoffice:user_search")
    add(5, 0)
    with CaptureQueriesContext(connection) as five:
        assert staff_client.get(url, {"q": "zz"}).status_code == 200
    add(25, 5)
    with django_assert_max_num_queries(len(five)):
        page = staff_client.get(url, {"q": "zz"})
    assert page.context["page"].paginator.count == 30


def test_unlock_after_lockout(staff_client, settings):
    member = f.profile(ProfileKind.MEMBER, person(last_name="Faure", first_name="Lina"))
    client = Client()
    for _ in range(settings.AXES_FAILURE_LIMIT):  # waiting out each delay, as a patient attacker would
        AccessAttempt.objects.filter(username=member.user.username).update(
            attempt_time=timezone.now() - timedelta(hours=1)
        )
        login(client, member.user.username, "Wrong-password-123")
    AccessAttempt.objects.filter(username=member.user.username).update(attempt_time=timezone.now() - timedelta(hours=1))
    assert login(client, member.user.username).status_code == 200, "locked"
    detail = staff_client.get(reverse("backoffice:user_detail", args=[member.user.public_id]))
    assert detail.context["lock"].failures >= settings.AXES_FAILURE_LIMIT
    staff_client.post(reverse("backoffice:user_unlock", args=[member.user.public_id]))
    assert not AccessAttempt.objects.filter(username=member.user.username).exists()
    assert AuditEvent.objects.filter(action="account.unlocked", profile="staff").exists()
    assert login(client, member.user.username).status_code == 302


def test_deactivate_ends_the_session_and_emails_the_user(staff_client, django_capture_on_commit_callbacks):
    member = f.profile(ProfileKind.MEMBER, person(last_name="Faure", first_name="Lina"))
    other = Client()
    assert login(other, member.user.username).status_code == 302
    assert other.get(reverse("accounts:dashboard")).status_code == 200
    url = reverse("backoffice:user_deactivate", args=[member.user.public_id])
    assert staff_client.post(url, {"reason": "user_request"}).status_code == 400, "not a reason staff may give"
    with django_capture_on_commit_callbacks(execute=True):
        staff_client.post(url, {"reason": "fraud", "note": "Card used by a third party."})
    response = other.get(reverse("accounts:dashboard"))
    assert response.status_code == 302 and response.url.startswith(reverse("accounts:login"))
    assert login(Client(), member.user.username).status_code == 200
    event = AuditEvent.objects.get(action="account.deactivated")
    assert event.data == {"reason": "fraud", "note": "Card used by a third party."}
    assert mail.outbox[-1].to == [member.user.email] and "Fraud" in mail.outbox[-1].body
    page = staff_client.get(reverse("backoffice:user_detail", args=[member.user.public_id])).content.decode()
    assert "deactivated" in page and "fraud" in page

    with django_capture_on_commit_callbacks(execute=True):
        staff_client.post(reverse("backoffice:user_reactivate", args=[member.user.public_id]))
    assert login(Client(), member.user.username).status_code == 302
    assert AuditEvent.objects.filter(action="account.reactivated").exists()


def test_known_death_sends_no_email(staff_client, django_capture_on_commit_callbacks):
    member = f.profile(ProfileKind.MEMBER, person(last_name="Faure", first_name="Lina"))
    with django_capture_on_commit_callbacks(execute=True):
        staff_client.post(reverse("backoffice:user_deactivate", args=[member.user.public_id]), {"reason": "death"})
    member.user.refresh_from_db()
    assert not member.user.is_active and mail.outbox == []


def test_delete_anonymises_the_login_and_keeps_its_trail(staff_client, django_capture_on_commit_callbacks):
    member = f.profile(ProfileKind.MEMBER, person(last_name="Faure", first_name="Lina"))
    username, public_id = member.user.username, member.user.public_id
    login(Client(), username)
    url = reverse("backoffice:user_delete", args=[public_id])
    assert staff_client.post(url, {"reason": "fraud"}).status_code == 400, "the confirmation box is required"
    with django_capture_on_commit_callbacks(execute=True):
        staff_client.post(url, {"reason": "fraud", "confirm": "on"})
    user = User.objects.get(public_id=public_id)
    assert (user.email, user.first_name, user.last_name, user.is_active) == ("", "", "", False)
    assert user.username != username and not user.has_usable_password()
    assert not user.profiles.filter(is_active=True).exists()
    assert AuditEvent.objects.for_target(user).filter(action="account.logged_in").exists()
    assert AuditEvent.objects.for_target(user).filter(action="account.deleted").exists()
    assert staff_client.post(reverse("backoffice:user_reactivate", args=[public_id])).status_code == 302
    user.refresh_from_db()
    assert not user.is_active, "a deleted account cannot be reactivated"


def test_staff_cannot_close_their_own_account(settings):
    client, staff = logged_in_staff(StaffRole.ADMINISTRATOR)
    client.post(reverse("backoffice:user_deactivate", args=[staff.user.public_id]), {"reason": "fraud"})
    staff.user.refresh_from_db()
    assert staff.user.is_active


def test_login_history_is_shown(staff_client):
    member = f.profile(ProfileKind.MEMBER, person(last_name="Faure", first_name="Lina"))
    client = Client(HTTP_USER_AGENT="Firefox-test-agent", REMOTE_ADDR="192.0.2.44")
    login(client, member.user.username)
    page = staff_client.get(reverse("backoffice:user_detail", args=[member.user.public_id])).content.decode()
    assert "192.0.2.44" in page and "Firefox-test-agent" in page
    assert "Never logged in." not in page


def test_bad_input_on_staff_forms_changes_nothing(staff_client, django_capture_on_commit_callbacks):
    member = f.profile(ProfileKind.MEMBER, person(last_name="Faure", first_name="Lina"))
    for value in ("", "x" * 10_000, "' OR 1=1 --", "<script>"):
        response = staff_client.post(
            reverse("backoffice:user_deactivate", args=[member.user.public_id]), {"reason": value, "note": "x" * 10_000}
        )
        assert response.status_code == 400
    member.user.refresh_from_db()
    assert member.user.is_active
