"""Staff set up their second factor from the invitation link mailed to their address, never with the password
alone (issue 16). Followed end to end as mailed: the link is read from the email's body."""

from __future__ import annotations

import re
from base64 import b32decode
from datetime import timedelta
from urllib.parse import urlsplit

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.choices import StaffRole
from accounts.models import StaffInvitation, User
from accounts.services import account_create
from accounts.tests import factories as f
from audit.models import AuditEvent
from twofactor import services
from twofactor.tests.helpers import code, login_verified

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "Correct-Horse-Battery-42!"


def mailed_link(message) -> str:
    """The invitation link as the email carries it, reduced to its path (the test client serves any host)."""
    (link,) = set(re.findall(r"https?://\S+/2fa/invitation/[\w-]+/", message.body))
    return urlsplit(link).path


def app_code(page) -> str:
    """What an authenticator app shows after the key typed from the page ("Cannot scan the code?")."""
    secret = re.search(r'<code id="twofactor-secret">([A-Z2-7 ]+)</code>', page.content.decode()).group(1)
    key = secret.replace(" ", "")
    key += "=" * (-len(key) % 8)
    return f"{totp(b32decode(key)):06d}"


@pytest.fixture
def admin(client):
    admin = f.staff(StaffRole.ADMINISTRATOR).user
    login_verified(client, admin)
    return admin


@pytest.fixture
def newcomer():
    """A staff login as an administrator creates it: no password yet, no second factor."""
    return account_create(
        actor=None,
        email="nadia.roux@mutuelle.example",
        first_name="Nadia",
        last_name="Roux",
        language="en",
        staff_roles=[StaffRole.CLAIMS],
    )


def invite_from_the_back_office(client, admin, user, capture) -> str:
    mail.outbox.clear()
    with capture(execute=True):
        response = client.post(reverse("backoffice:user_staff_invite", args=[user.public_id]))
    assert response.status_code == 302
    (message,) = [m for m in mail.outbox if "/2fa/invitation/" in m.body]
    assert message.to == [user.email]
    return mailed_link(message)


def test_a_new_staff_login_is_set_up_through_the_mailed_link_then_reaches_the_back_office(
    client, admin, newcomer, django_capture_on_commit_callbacks
):
    page = client.get(reverse("backoffice:user_detail", args=[newcomer.public_id]))
    assert b"Send the invitation" in page.content
    link = invite_from_the_back_office(client, admin, newcomer, django_capture_on_commit_callbacks)
    assert AuditEvent.objects.filter(action="twofactor.invitation_sent", actor_id=admin.pk).count() == 1

    client.post(reverse("accounts:logout"))
    response = client.get(link)
    assert response.url == reverse("twofactor:invitation_accept"), "the secret leaves the address bar"
    page = client.get(response.url)
    assert page.status_code == 200
    assert "no-store" in page["Cache-Control"]
    assert newcomer.username in page.content.decode()
    assert set(page.context["form"].fields) == {"new_password1", "new_password2", "code"}

    response = client.post(
        reverse("twofactor:invitation_accept"),
        {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD, "code": app_code(page)},
    )
    assert response.url == reverse("twofactor:recovery_codes")
    page = client.get(response.url)
    assert page.status_code == 200, page.get("Location")
    assert len(page.context["codes"]) == 10, "shown at once, before the terms of use"
    newcomer.refresh_from_db()
    assert newcomer.check_password(NEW_PASSWORD)
    assert newcomer.email_confirmed_at is not None, "the link reached the address"
    assert TOTPDevice.objects.get(user=newcomer).confirmed
    assert StaffInvitation.objects.get(user=newcomer).used_at is not None
    assert client.get("/backoffice/").status_code in (200, 302)
    if client.get("/backoffice/").status_code == 302:  # terms of use, when some are published
        assert "/2fa/" not in client.get("/backoffice/").url

    client.post(reverse("accounts:logout"))
    assert client.get(link).status_code == 404, "single use"
    response = client.post(reverse("accounts:login"), {"username": newcomer.username, "password": NEW_PASSWORD})
    assert client.get("/backoffice/").url == reverse("twofactor:verify")


def test_the_password_alone_never_sets_up_a_staff_second_factor(client):
    staff = f.staff(StaffRole.CLAIMS).user
    client.post(reverse("accounts:login"), {"username": staff.username, "password": f.PASSWORD})
    for path in ("/backoffice/", "/space/", reverse("twofactor:setup"), reverse("twofactor:manage")):
        assert client.get(path).url == reverse("twofactor:invitation_needed"), path
    page = client.get(reverse("twofactor:invitation_needed"))
    assert b"invitation" in page.content
    assert client.post(reverse("twofactor:setup"), {"code": "123456"}).url == reverse("twofactor:invitation_needed")
    assert client.get(reverse("twofactor:invitation_accept")).status_code == 404, "no invitation in the session"
    assert not TOTPDevice.objects.filter(user=staff).exists()


def test_a_login_with_a_password_gives_it_with_the_link_and_a_wrong_one_changes_nothing_but_the_counters(
    client, django_capture_on_commit_callbacks
):
    staff = f.staff(StaffRole.REQUESTS).user
    with django_capture_on_commit_callbacks(execute=True):
        services.invitation_send(actor=None, user=staff)
    (message,) = mail.outbox
    page = client.get(client.get(mailed_link(message)).url)
    assert set(page.context["form"].fields) == {"password", "code"}

    response = client.post(reverse("twofactor:invitation_accept"), {"password": "not-it", "code": app_code(page)})
    assert response.status_code == 200
    assert response.context["form"].errors["password"]
    assert not TOTPDevice.objects.filter(user=staff, confirmed=True).exists()
    assert StaffInvitation.objects.get(user=staff).used_at is None
    assert AuditEvent.objects.filter(action="twofactor.verify_failed").count() == 1

    response = client.post(reverse("twofactor:invitation_accept"), {"password": f.PASSWORD, "code": "000000"})
    assert response.context["form"].errors["code"]
    assert not TOTPDevice.objects.filter(user=staff, confirmed=True).exists()

    TOTPDevice.objects.filter(user=staff).update(throttling_failure_count=0, throttling_failure_timestamp=None)
    response = client.post(reverse("twofactor:invitation_accept"), {"password": f.PASSWORD, "code": app_code(page)})
    assert response.url == reverse("twofactor:recovery_codes")
    assert client.get("/space/").status_code in (200, 302)
    assert "/2fa/" not in (client.get("/space/").get("Location") or "")


@pytest.mark.parametrize("case", ["unknown", "expired", "replaced", "used"])
def test_a_link_that_is_not_the_current_one_opens_nothing(client, case):
    staff = f.staff(StaffRole.CLAIMS).user
    first = services.invitation_send(actor=None, user=staff)
    path = urlsplit(first).path
    if case == "unknown":
        path = reverse("twofactor:invitation", args=["x" * 43])
    elif case == "expired":
        StaffInvitation.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    elif case == "replaced":
        services.invitation_send(actor=None, user=staff)
    else:
        StaffInvitation.objects.update(used_at=timezone.now())
    response = client.get(path)
    assert response.status_code == 404
    assert client.get(reverse("twofactor:invitation_accept")).status_code == 404
    assert not TOTPDevice.objects.filter(user=staff).exists()


def test_the_link_opened_in_another_login_s_session_logs_that_one_out(client):
    member = f.user()
    client.post(reverse("accounts:login"), {"username": member.username, "password": f.PASSWORD})
    staff = f.staff(StaffRole.CLAIMS).user
    link = urlsplit(services.invitation_send(actor=None, user=staff)).path
    client.get(link)
    assert "_auth_user_id" not in client.session


def test_invitations_only_for_staff_without_a_factor(client, admin, django_capture_on_commit_callbacks):
    member = f.user()
    response = client.post(reverse("backoffice:user_staff_invite", args=[member.public_id]))
    assert response.status_code == 302
    assert not StaffInvitation.objects.exists()
    # A staff login whose app is on: reset, then a new invitation (lost phone and recovery codes).
    staff = f.staff(StaffRole.CLAIMS).user
    device = TOTPDevice.objects.create(user=staff, name="authenticator-app", confirmed=True)
    code(device)
    link = invite_from_the_back_office(client, admin, staff, django_capture_on_commit_callbacks)
    assert not TOTPDevice.objects.filter(pk=device.pk).exists()
    assert link.startswith("/2fa/invitation/")
    assert AuditEvent.objects.filter(action="twofactor.reset").count() == 1


def test_staff_invite_command(django_capture_on_commit_callbacks):
    from django.core.management import call_command

    staff = f.staff(StaffRole.ADMINISTRATOR).user
    with django_capture_on_commit_callbacks(execute=True):
        call_command("staff_invite", staff.username)
    (message,) = mail.outbox
    assert message.to == [staff.email]
    assert mailed_link(message).startswith("/2fa/invitation/")
    assert User.objects.get(pk=staff.pk).is_staff
