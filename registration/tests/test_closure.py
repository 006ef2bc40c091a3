"""Suspension or deletion of an account at its holder's request, processed by staff (SPEC A9)."""

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from accounts.choices import ProfileKind, StaffRole
from accounts.models import User
from accounts.tests import factories as f
from audit.models import AuditEvent
from people.tests.factories import person
from registration.choices import ClosureStatus
from registration.models import AccountClosureRequest
from registration.tests.helpers import logged_in_staff

pytestmark = pytest.mark.django_db

URL = reverse("account_closure:request")


@pytest.fixture
def member():
    return f.profile(ProfileKind.MEMBER, person(last_name="Roux", first_name="Paul"))


@pytest.fixture
def member_client(member):
    client = Client()
    client.cookies["om_language"] = "en"
    response = client.post(reverse("accounts:login"), {"username": member.user.username, "password": f.PASSWORD})
    assert response.status_code == 302
    return client


@pytest.fixture
def staff_client():
    return logged_in_staff(StaffRole.ACCOUNT_VALIDATION)[0]


def ask(client, capture, kind="suspend", password=f.PASSWORD, reason="I no longer need it."):
    with capture(execute=True):
        return client.post(URL, {"kind": kind, "reason": reason, "password": password})


def test_the_page_needs_a_login(client):
    assert client.get(URL).status_code == 302


def test_wrong_password_is_refused_and_nothing_is_written(member_client, django_capture_on_commit_callbacks):
    response = ask(member_client, django_capture_on_commit_callbacks, password="Not-my-password-123")
    assert response.status_code == 200 and "password" in response.context["form"].errors
    assert not AccountClosureRequest.objects.exists() and mail.outbox == []


def test_wrong_passwords_are_throttled(member_client, django_capture_on_commit_callbacks):
    for _ in range(5):
        ask(member_client, django_capture_on_commit_callbacks, password="Not-my-password-123")
    response = ask(member_client, django_capture_on_commit_callbacks)  # right password, too late
    assert "password" in response.context["form"].errors
    assert not AccountClosureRequest.objects.exists()


def test_request_then_staff_suspends(member, member_client, staff_client, django_capture_on_commit_callbacks):
    response = ask(member_client, django_capture_on_commit_callbacks)
    assert response.status_code == 302
    closure = AccountClosureRequest.objects.get()
    assert (closure.user, closure.kind, closure.status) == (member.user, "suspend", ClosureStatus.PENDING)
    assert mail.outbox[-1].to == [member.user.email]
    assert "being processed" in member_client.get(URL).content.decode()
    ask(member_client, django_capture_on_commit_callbacks)  # a second click changes nothing
    assert AccountClosureRequest.objects.count() == 1

    queue = staff_client.get(reverse("backoffice:closure_queue")).content.decode()
    assert member.user.username in queue and "I no longer need it." in queue
    with django_capture_on_commit_callbacks(execute=True):
        staff_client.post(reverse("backoffice:closure_approve", args=[closure.public_id]))
    member.user.refresh_from_db()
    closure.refresh_from_db()
    assert closure.status == ClosureStatus.APPROVED and not member.user.is_active
    assert "closed" in mail.outbox[-1].subject.lower()
    assert member_client.get(reverse("accounts:dashboard")).status_code == 302, "the session ended"
    assert AuditEvent.objects.filter(action="account.closure_approved").exists()
    assert AuditEvent.objects.get(action="account.deactivated").data["reason"] == "user_request"


def test_request_then_staff_deletes(member, member_client, staff_client, django_capture_on_commit_callbacks):
    ask(member_client, django_capture_on_commit_callbacks, kind="delete")
    closure = AccountClosureRequest.objects.get()
    email = member.user.email
    with django_capture_on_commit_callbacks(execute=True):
        staff_client.post(reverse("backoffice:closure_approve", args=[closure.public_id]))
    user = User.objects.get(pk=member.user.pk)
    assert user.username.startswith("deleted-") and user.email == "" and not user.has_usable_password()
    assert not user.profiles.filter(is_active=True).exists()
    assert mail.outbox[-1].to == [email] and "deleted" in mail.outbox[-1].subject.lower()


def test_staff_refuses_with_an_answer(member, member_client, staff_client, django_capture_on_commit_callbacks):
    ask(member_client, django_capture_on_commit_callbacks, kind="delete")
    closure = AccountClosureRequest.objects.get()
    with django_capture_on_commit_callbacks(execute=True):
        staff_client.post(
            reverse("backoffice:closure_refuse", args=[closure.public_id]),
            {"note": "A claim of yours is still being processed."},
        )
    closure.refresh_from_db()
    assert closure.status == ClosureStatus.REFUSED
    assert "A claim of yours is still being processed." in mail.outbox[-1].body
    member.user.refresh_from_db()
    assert member.user.is_active
