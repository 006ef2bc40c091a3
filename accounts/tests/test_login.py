"""Login (A5), throttling and lockout (A8), password flows (A6, A7), first-login gate (A3, A4)."""

from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.core import mail
from django.urls import reverse
from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.choices import ProfileKind, StaffRole
from accounts.forms import GENERIC_LOGIN_ERROR
from accounts.models import User
from accounts.tests import factories as f
from audit.models import AuditEvent
from content.services import maintenance_open, terms_publish
from people.tests.factories import person

pytestmark = pytest.mark.django_db


@pytest.fixture
def commit(django_capture_on_commit_callbacks):
    """Run the emails a service schedules after its transaction commits."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


def login(client, username, password=f.PASSWORD):
    return client.post(reverse("accounts:login"), {"username": username, "password": password})


@pytest.fixture
def member():
    return f.profile(ProfileKind.MEMBER, person())


def test_login_by_username_then_shows_previous_connection(client, member):
    earlier = timezone.now() - timedelta(days=3)
    User.objects.filter(pk=member.user.pk).update(last_login=earlier)
    response = login(client, member.user.username)
    assert response.status_code == 302
    member.user.refresh_from_db()
    assert member.user.previous_login == earlier
    page = client.get(reverse("accounts:dashboard")).content.decode()
    assert "Connexion précédente" in page or "Previous connection" in page


def test_login_by_membership_number(client, member):
    response = login(client, member.person.membership_number)
    assert response.status_code == 302
    assert AuditEvent.objects.filter(action="account.logged_in", actor_id=member.user.pk).exists()


def test_unknown_account_and_wrong_password_get_the_same_answer(client, member):
    unknown = login(client, "nobody-here")
    wrong = login(client, member.user.username, "Wrong-password-123")
    assert unknown.status_code == wrong.status_code == 200
    assert str(GENERIC_LOGIN_ERROR)[:40] in unknown.content.decode().replace("&#x27;", "'")
    assert unknown.content.decode().count("message-error") == wrong.content.decode().count("message-error")


def test_delay_after_five_failures_then_lock_at_ten_with_alert(client, member, commit):
    username = member.user.username
    for _ in range(5):
        login(client, username, "Wrong-password-123")
    # From the 5th failure the right password is refused until the delay has passed.
    assert login(client, username).status_code == 200
    AccessAttempt.objects.filter(username=username).update(attempt_time=timezone.now() - timedelta(minutes=10))
    assert login(client, username).status_code == 302  # delay over: success resets the count
    client.logout()
    with commit():  # the alert is sent by the outbox after the commit
        for _ in range(10):
            AccessAttempt.objects.filter(username=username).update(attempt_time=timezone.now() - timedelta(hours=1))
            login(client, username, "Wrong-password-123")
    AccessAttempt.objects.filter(username=username).update(attempt_time=timezone.now() - timedelta(hours=2))
    locked = login(client, username)
    assert locked.status_code == 200, "a locked account answers like a wrong password"
    assert any(username in m.to[0] or m.to == [member.user.email] for m in mail.outbox)
    assert AuditEvent.objects.filter(action="account.locked_out").exists()


def test_failures_by_membership_number_count_for_the_account(client, member):
    for _ in range(3):
        login(client, member.person.membership_number, "Wrong-password-123")
    for _ in range(2):
        login(client, member.user.username, "Wrong-password-123")
    assert login(client, member.user.username).status_code == 200  # 5 failures in all: must wait


def test_temporary_password_expires_after_24_hours(client, member):
    from accounts.services import temporary_password_issue

    password = temporary_password_issue(actor=None, user=member.user, reason="test")
    User.objects.filter(pk=member.user.pk).update(temporary_password_expires_at=timezone.now() - timedelta(minutes=1))
    assert login(client, member.user.username, password).status_code == 200


def test_username_forgotten_sends_username_only_to_the_account_address(client, member, commit):
    with commit():
        client.post(reverse("accounts:username_forgotten"), {"email": "unknown@example.fr"})
        client.post(reverse("accounts:username_forgotten"), {"email": member.user.email})
    assert [m.to for m in mail.outbox] == [[member.user.email]]
    assert member.user.username in mail.outbox[0].body


def test_password_change_ends_other_sessions(client, member, django_user_model):
    from django.test import Client

    other = Client()
    login(other, member.user.username)
    login(client, member.user.username)
    response = client.post(
        reverse("accounts:password_change"),
        {
            "old_password": f.PASSWORD,
            "new_password1": "Another-Long-Passphrase-77",
            "new_password2": "Another-Long-Passphrase-77",
        },
    )
    assert response.status_code == 302
    assert client.get(reverse("accounts:dashboard")).status_code == 200
    assert other.get(reverse("accounts:dashboard")).status_code == 302  # sent back to login


@pytest.mark.parametrize("password", ["short", "qwertyuiopasdf", "123456789012345", "password12345"])
def test_weak_passwords_are_refused_with_a_field_error(client, member, password):
    login(client, member.user.username)
    response = client.post(
        reverse("accounts:password_change"),
        {"old_password": f.PASSWORD, "new_password1": password, "new_password2": password},
    )
    assert response.status_code == 200
    assert response.context["form"].errors["new_password2"]
    member.user.refresh_from_db()
    assert member.user.check_password(f.PASSWORD)


def test_first_login_gate_password_email_terms(client, commit):
    terms = terms_publish(
        actor=None, version="2026.1", title_fr="CGU", title_en="Terms", body_fr="Texte", body_en="Text"
    )
    account = f.user(ready=False, must_change_password=True)
    f.profile(ProfileKind.MEMBER, person(), account=account)
    login(client, account.username)
    assert client.get(reverse("accounts:dashboard")).url == reverse("accounts:onboarding_password")
    new = "Un-Mot-De-Passe-Solide-2026"
    client.post(reverse("accounts:onboarding_password"), {"new_password1": new, "new_password2": new})
    assert client.get(reverse("accounts:dashboard")).url == reverse("accounts:onboarding_email")
    with commit():
        client.get(reverse("accounts:onboarding_email"))
    link = next(word for word in mail.outbox[-1].body.split() if "/email/confirm/" in word)
    client.get(link.replace("http://127.0.0.1:8000", ""))
    assert client.get(reverse("accounts:dashboard")).url == reverse("accounts:onboarding_terms")
    assert client.post(reverse("accounts:onboarding_terms"), {}).status_code == 200  # box not ticked
    client.post(reverse("accounts:onboarding_terms"), {"accept": "on"})
    assert client.get(reverse("accounts:dashboard")).status_code == 200
    assert account.terms_acceptances.get().terms == terms
    # A new version must be accepted again at the next request.
    terms_publish(actor=None, version="2026.2", title_fr="CGU", title_en="Terms", body_fr="Texte 2", body_en="Text 2")
    from django.core.cache import cache

    cache.clear()
    assert client.get(reverse("accounts:dashboard")).url == reverse("accounts:onboarding_terms")


def test_email_link_tampered_or_for_an_old_address_is_refused(client, member):
    from accounts.services import email_confirm, email_confirmation_send

    member.user.email_confirmed_at = None
    member.user.save()
    token = email_confirmation_send(user=member.user)
    assert email_confirm(token=token[:-2] + "xx") is None
    member.user.email = "new@example.fr"
    member.user.save()
    assert email_confirm(token=token) is None


def test_compromised_report_ends_sessions_and_sends_temporary_password(client, member, commit):
    login(client, member.user.username)
    with commit():
        client.post(reverse("accounts:compromised"))
    assert client.get(reverse("accounts:dashboard")).status_code == 302
    member.user.refresh_from_db()
    assert member.user.must_change_password
    assert "temporary" in mail.outbox[-1].subject.lower() or "temporaire" in mail.outbox[-1].subject.lower()


def test_site_maintenance_closes_the_site_but_staff_can_log_in(client, member):
    maintenance_open(actor=None, feature="site", message_fr="Maintenance ce soir", message_en="Maintenance tonight")
    assert client.get("/").status_code == 503
    assert "Maintenance tonight" in client.get(reverse("accounts:login")).content.decode()
    assert "Maintenance ce soir" in client.get(reverse("accounts:login"), HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    login(client, member.user.username)
    assert client.get(reverse("accounts:dashboard")).status_code == 503
    staff = f.staff(StaffRole.ADMINISTRATOR)
    staff_client = type(client)()
    login(staff_client, staff.user.username)
    # Staff need their second factor (SPEC A13) before anything else opens.
    device = TOTPDevice.objects.create(user=staff.user, name="app", confirmed=True)
    staff_client.post(reverse("twofactor:verify"), {"code": f"{totp(device.bin_key):06d}"})
    assert staff_client.get(reverse("accounts:dashboard")).status_code == 200


def test_profile_switch_for_a_login_with_two_profiles(client):
    from people.tests.factories import company

    account = f.user()
    member = f.profile(ProfileKind.MEMBER, person(), account=account)
    f.profile(ProfileKind.COMPANY, company(), account=account)
    login(client, account.username)
    assert client.get(reverse("accounts:dashboard")).url == reverse("accounts:profile_choose")
    client.post(reverse("accounts:profile_choose"), {"profile": str(member.public_id)})
    assert client.get(reverse("accounts:dashboard")).context["profile"] == member
    other = f.profile(ProfileKind.MEMBER, person())
    assert client.post(reverse("accounts:profile_choose"), {"profile": str(other.public_id)}).status_code == 404
