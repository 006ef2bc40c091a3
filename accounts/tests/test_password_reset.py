"""'Password forgotten' by single-use link (SPEC A6; SECURITY.md, identity proofs).

The current password keeps working until the link is used; the link works once, within an hour,
and a newer link or any password change ends it; using it ends every session and API token.
Known and unknown identifiers get the same answer (the timing is in test_reset_timing.py).
"""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.choices import ProfileKind
from accounts.models import PasswordResetLink
from accounts.tests import factories as f
from api import services as api_services
from audit.models import AuditEvent
from jobs.tests import fixtures as jobs_fixtures
from people.tests.factories import person

pytestmark = pytest.mark.django_db

NEW = "Lanterne-Capuche-Orage-58"
SUBJECT = "Choose a new password"

queue_down = jobs_fixtures.queue_down


@pytest.fixture
def member():
    return f.profile(ProfileKind.MEMBER, person())


@pytest.fixture
def english(client):
    client.cookies["om_language"] = "en"
    return client


@pytest.fixture
def forgot(english, django_capture_on_commit_callbacks):
    def post(identifier: str, **extra):
        with django_capture_on_commit_callbacks(execute=True):
            return english.post(reverse("accounts:password_forgotten"), {"identifier": identifier}, **extra)

    return post


def login(client, username, password=f.PASSWORD):
    return client.post(reverse("accounts:login"), {"username": username, "password": password})


def link_in(message) -> str:
    return re.search(r"https?://\S+/password/reset/\S+/", message.body).group(0)


def path_of(link: str) -> str:
    return re.sub(r"^https?://[^/]+", "", link)


def reset_mails():
    return [m for m in mail.outbox if m.subject == SUBJECT]


def test_the_link_goes_to_the_address_on_file_and_the_password_stays_until_it_is_used(forgot, member, client):
    page = forgot(member.person.membership_number)
    assert "If an account matches what you entered" in page.content.decode()
    [message] = reset_mails()
    assert message.to == [member.user.email]
    assert "works once, within 60 minutes" in message.body and "current password keeps working" in message.body
    member.user.refresh_from_db()
    assert member.user.check_password(f.PASSWORD) and not member.user.must_change_password
    assert login(Client(), member.user.username).status_code == 302, "the request alone changes nothing"
    assert AuditEvent.objects.filter(action="account.password_reset_requested").count() == 1


def test_using_the_link_sets_the_password_ends_sessions_tokens_and_tells_the_owner(
    forgot, member, django_capture_on_commit_callbacks
):
    other = Client()
    login(other, member.user.username)
    secret = api_services.token_create(actor=member.user, profile=member, name="phone", via="test")[1]
    assert other.get("/api/me", HTTP_AUTHORIZATION=f"Bearer {secret}").status_code == 200
    forgot(member.user.username)
    link = path_of(link_in(reset_mails()[0]))
    browser = Client()
    assert browser.get(link).status_code == 200
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = browser.post(link, {"new_password1": NEW, "new_password2": NEW})
    assert response.status_code == 302 and response.url == reverse("accounts:login")
    member.user.refresh_from_db()
    assert member.user.check_password(NEW) and not member.user.check_password(f.PASSWORD)
    assert other.get(reverse("accounts:dashboard")).status_code == 302, "the other session ended"
    assert other.get("/api/me", HTTP_AUTHORIZATION=f"Bearer {secret}").status_code in {401, 403}
    assert [(m.to, m.subject) for m in mail.outbox] == [([member.user.email], "Your password has been changed")]
    assert AuditEvent.objects.filter(action="account.password_reset").count() == 1
    assert browser.get(link).status_code == 404, "single use"
    assert login(Client(), member.user.username, NEW).status_code == 302


def test_a_newer_link_or_a_password_change_ends_the_older_link(forgot, member):
    forgot(member.user.username)
    forgot(member.user.username)
    first, second = (path_of(link_in(m)) for m in reset_mails())
    assert Client().get(first).status_code == 404 and Client().get(second).status_code == 200
    from accounts.services import password_set

    password_set(actor=member.user, user=member.user, password=NEW)
    assert Client().get(second).status_code == 404
    assert not PasswordResetLink.objects.filter(used_at__isnull=True).exists()


def test_the_link_expires_after_an_hour(forgot, member):
    forgot(member.user.username)
    link = path_of(link_in(reset_mails()[0]))
    PasswordResetLink.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    response = Client().post(link, {"new_password1": NEW, "new_password2": NEW})
    assert response.status_code == 404 and "Link no longer valid" in response.content.decode()
    member.user.refresh_from_db()
    assert member.user.check_password(f.PASSWORD)


def test_a_weak_password_is_refused_and_the_link_still_works(forgot, member):
    forgot(member.user.username)
    link = path_of(link_in(reset_mails()[0]))
    response = Client().post(link, {"new_password1": "password1234", "new_password2": "password1234"})
    assert response.status_code == 200 and response.context["form"].errors
    assert Client().get(link).status_code == 200


def test_unknown_and_known_identifiers_get_the_same_answer(forgot, member):
    def text(response) -> str:
        return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", response.content.decode())

    unknown = forgot("1999999999")
    known = forgot(member.person.membership_number)
    assert text(unknown) == text(known)
    assert len(reset_mails()) == 1


def test_throttled_per_identifier_and_per_address_with_the_same_answer(forgot, member):
    answers = {forgot(member.user.username, REMOTE_ADDR=f"10.0.0.{n}").status_code for n in range(5)}
    assert answers == {200}
    assert len(reset_mails()) == 3, "three links an hour per identifier"
    mail.outbox.clear()
    for n in range(10):
        forgot(f"nobody-{n}", REMOTE_ADDR="10.9.9.9")
    forgot(member.person.membership_number, REMOTE_ADDR="10.9.9.9")
    assert reset_mails() == [], "ten requests an hour per address"


def test_the_request_and_its_task_stay_within_a_query_budget(forgot, member, django_assert_max_num_queries):
    with django_assert_max_num_queries(21):  # 16, plus the outbox row written, then locked, sent and emptied
        forgot(member.user.username)
    assert PasswordResetLink.objects.count() == 1


def test_forgotten_username_says_the_membership_number_only_when_it_works(
    client, member, django_capture_on_commit_callbacks
):
    pro = f.user(email="pro@example.fr")
    from registration.tests.helpers import professional

    f.profile(ProfileKind.PROFESSIONAL, professional(), account=pro)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("accounts:username_forgotten"), {"email": member.user.email})
        client.post(reverse("accounts:username_forgotten"), {"email": "pro@example.fr"})
    member_mail, pro_mail = mail.outbox
    assert member.user.username in member_mail.body and "membership number" in member_mail.body
    assert pro.username in pro_mail.body and "membership number" not in pro_mail.body


def test_the_link_lifts_a_lock_from_failed_logins_as_the_lockout_email_says(
    forgot, member, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        for _ in range(10):
            login(Client(), member.user.username, "Wrong-password-123")
    assert login(Client(), member.user.username).status_code == 200, "locked"
    lockout = next(m for m in mail.outbox if m.subject == "Unsuccessful login attempts on your account")
    assert "use the forgotten-password link on the login page" in lockout.body
    forgot(member.user.username)
    Client().post(path_of(link_in(reset_mails()[0])), {"new_password1": NEW, "new_password2": NEW})
    assert login(Client(), member.user.username, NEW).status_code == 302


def test_a_link_asked_while_the_task_queue_is_down_is_mailed_later_once(
    forgot, member, queue_down, django_capture_on_commit_callbacks
):
    """Issue 10: the queue refuses the task after the answer; ``tasks_requeue`` mails the link, once."""
    from io import StringIO

    from django.core.management import call_command

    forgot(member.person.membership_number)
    assert reset_mails() == []
    queue_down.undo()
    with django_capture_on_commit_callbacks(execute=True):  # the email the task writes is sent after its commit
        call_command("tasks_requeue", minutes=0, stdout=StringIO())
        call_command("tasks_requeue", minutes=0, stdout=StringIO())
    [message] = reset_mails()
    assert message.to == [member.user.email]
