"""Every email's text is true for the flow that sends it (issue 9, item 5): each test runs one flow and reads
every message it actually sends — who gets what, and that what a message promises does come."""

from __future__ import annotations

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from accounts.choices import ProfileKind, StaffRole
from accounts.tests import factories as f
from people.tests.factories import person
from registration.models import RegistrationRequest
from registration.tests.helpers import CHOSEN_PASSWORD, logged_in_staff, records

pytestmark = pytest.mark.django_db

USERNAME = "Your username for your online account"
TEMPORARY = "Your temporary password"
NOTICE = "A registration for your online account"


@pytest.fixture
def commit(django_capture_on_commit_callbacks):
    return lambda: django_capture_on_commit_callbacks(execute=True)


def register(commit, kind: str, data: dict) -> None:
    client = Client()
    client.cookies["om_language"] = "en"
    with commit():
        client.post(reverse("registration:form", args=[kind]), data)


def sent() -> list[tuple[str, str]]:
    return [(message.to[0], message.subject) for message in mail.outbox]


def test_registration_with_a_temporary_password_sends_what_each_email_announces(commit):
    member, data = records()["member"]
    register(commit, "member", data)
    assert sent() == [(member.email, USERNAME), (member.email, TEMPORARY)]
    username_mail, password_mail = mail.outbox
    assert "a temporary password is sent to you in a separate email" in username_mail.body
    assert "your username is sent in a separate email" in password_mail.body


def test_registration_with_a_chosen_password_announces_no_other_email(commit):
    member, data = records()["member"]
    register(commit, "member", {**data, "password1": CHOSEN_PASSWORD, "password2": CHOSEN_PASSWORD})
    assert sent() == [(member.email, USERNAME)]
    assert "log in with the password you chose" in mail.outbox[0].body
    assert "separate email" not in mail.outbox[0].body


def test_registration_by_post_sends_only_the_notice_to_the_address_on_file(commit):
    member, data = records()["member"]
    register(commit, "member", {**data, "email": "elsewhere@example.net"})
    assert sent() == [(member.email, NOTICE)]
    assert "an activation code is being posted to your postal address on file" in mail.outbox[0].body


def test_staff_validation_with_another_address_sends_credentials_there_and_tells_the_address_on_file(commit):
    member, data = records()["member"]
    register(commit, "member", {**data, "first_name": "Autre", "email": "typed@example.net"})  # a near miss: staff
    registration = RegistrationRequest.objects.get()
    staff_client, _staff = logged_in_staff(StaffRole.ACCOUNT_VALIDATION)
    with commit():
        staff_client.post(
            reverse("backoffice:registration_validate", args=[registration.public_id]),
            {"record": str(member.public_id)},
        )
    assert sorted(sent()) == sorted(
        [("typed@example.net", USERNAME), ("typed@example.net", TEMPORARY), (member.email, NOTICE)]
    )
    notice = next(message for message in mail.outbox if message.subject == NOTICE)
    assert "Our teams have opened the account" in notice.body


def test_someone_knows_my_password_sends_one_email_that_promises_no_other(commit):
    account = f.user()
    f.profile(ProfileKind.MEMBER, person(), account=account)
    client = Client()
    client.force_login(account, backend="accounts.backends.IdentifierBackend")
    with commit():
        client.post(reverse("accounts:compromised"))
    assert sent() == [(account.email, TEMPORARY)]
    assert "separate email" not in mail.outbox[0].body
    assert "Log in with your usual username and this password." in mail.outbox[0].body
