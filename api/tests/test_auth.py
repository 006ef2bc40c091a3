"""Obtaining, using and losing tokens (SPEC X5, A5, A8; SECURITY: same throttling on every login path)."""

from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.utils import timezone

from accounts.choices import ProfileKind, StaffRole
from accounts.models import User
from accounts.services import password_set, temporary_password_issue
from accounts.tests import factories as f
from api.models import ApiToken
from api.tests.conftest import bearer, log_in, obtain, token_for
from audit.models import AuditEvent
from people.tests.factories import company

pytestmark = pytest.mark.django_db

WRONG = "Wrong-password-123"


def test_token_by_username_is_shown_once_and_stored_hashed(client, family):
    user = family["profile"].user
    response = obtain(client, user.username, name="Mobile app")
    assert response.status_code == 201
    body = response.json()
    secret = body["token"]
    assert secret.startswith("om_") and body["prefix"] == secret[:10]
    assert body["profile"]["id"] == str(family["profile"].public_id)
    stored = ApiToken.objects.get(public_id=body["id"])
    assert stored.name == "Mobile app" and secret not in {stored.secret_hash, stored.prefix}
    assert AuditEvent.objects.filter(action="api_token.created", target_id=body["id"]).exists()
    assert AuditEvent.objects.filter(action="account.logged_in", actor_id=user.pk).exists()
    assert client.get("/api/me", **bearer(secret)).json()["username"] == user.username
    assert "token" not in client.get("/api/tokens", **bearer(secret)).json()[0]


def test_token_by_membership_number(client, family):
    response = obtain(client, family["profile"].person.membership_number)
    assert response.status_code == 201
    assert client.get("/api/me", **bearer(response.json()["token"])).status_code == 200


def test_unknown_wrong_and_locked_get_the_same_401(client, family):
    username = family["profile"].user.username
    unknown = obtain(client, "nobody-here")
    wrong = obtain(client, username, WRONG)
    for _ in range(9):  # each try once the progressive delay (at most 16 minutes here) is over
        AccessAttempt.objects.filter(username=username).update(attempt_time=timezone.now() - timedelta(hours=1))
        obtain(client, username, WRONG)
    assert AccessAttempt.objects.get(username=username).failures_since_start == 10
    # Past the progressive delay but within the lockout: axes itself refuses the right password.
    AccessAttempt.objects.filter(username=username).update(attempt_time=timezone.now() - timedelta(hours=2))
    locked = obtain(client, username)
    assert unknown.status_code == wrong.status_code == locked.status_code == 401
    assert unknown.json() == wrong.json() == locked.json()
    assert locked.json()["code"] == "invalid_credentials"
    assert locked["Content-Type"] == "application/json"
    assert not ApiToken.objects.exists()


def test_failures_through_the_api_delay_the_web_login_too(client, family):
    username = family["profile"].user.username
    for _ in range(5):
        obtain(client, username, WRONG)
    assert obtain(client, username).status_code == 401  # must wait, even with the right password
    response = client.post("/login/", {"username": username, "password": f.PASSWORD})
    assert response.status_code == 200  # the web login refuses it as well


def test_inactive_login_cannot_obtain_a_token(client, family):
    User.objects.filter(pk=family["profile"].user.pk).update(is_active=False)
    response = obtain(client, family["profile"].user.username)
    assert response.status_code == 401 and response.json()["code"] == "invalid_credentials"


def test_login_with_several_profiles_must_name_one(client, family):
    account = family["profile"].user
    firm_profile = f.profile(ProfileKind.COMPANY, company(), account=account)
    response = obtain(client, account.username)
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "profile_required" and body["field"] == "profile"
    assert {p["id"] for p in body["profiles"]} == {str(family["profile"].public_id), str(firm_profile.public_id)}
    response = obtain(client, account.username, profile=str(firm_profile.public_id))
    assert response.status_code == 201
    assert response.json()["profile"]["kind"] == "company"
    other = f.profile(ProfileKind.MEMBER, family["child"].person)
    refused = obtain(client, account.username, profile=str(other.public_id))
    assert refused.status_code == 422 and refused.json()["field"] == "profile"


def test_staff_profiles_get_no_token(client):
    staff = f.staff(StaffRole.ADMINISTRATOR)
    response = obtain(client, staff.user.username)
    assert response.status_code == 403 and response.json()["code"] == "profile_not_allowed"


def test_pending_first_login_steps_refuse_tokens(client, family):
    user = family["profile"].user
    secret = token_for(family["profile"])
    temporary = temporary_password_issue(actor=None, user=user, reason="test")
    response = obtain(client, user.username, temporary)
    assert response.status_code == 403 and response.json()["code"] == "onboarding_required"
    User.objects.filter(pk=user.pk).update(must_change_password=False, email_confirmed_at=None)
    response = obtain(client, user.username, temporary)
    assert response.status_code == 403 and response.json()["code"] == "onboarding_required"
    assert client.get("/api/me", **bearer(secret)).status_code in {401, 403}


def test_email_unconfirmed_refuses_an_existing_token(client, family):
    secret = token_for(family["profile"])
    User.objects.filter(pk=family["profile"].user.pk).update(email_confirmed_at=None)
    response = client.get("/api/me", **bearer(secret))
    assert response.status_code == 403 and response.json()["code"] == "onboarding_required"


def test_revoked_token_is_refused(client, family):
    secret = token_for(family["profile"])
    assert client.delete("/api/auth/token", **bearer(secret)).status_code == 204
    response = client.get("/api/me", **bearer(secret))
    assert response.status_code == 401 and response.json()["code"] == "invalid_token"
    assert response["WWW-Authenticate"].startswith("Bearer")
    assert AuditEvent.objects.filter(action="api_token.revoked").count() == 1


def test_expired_token_is_refused(client, family):
    secret = token_for(family["profile"])
    ApiToken.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    assert client.get("/api/me", **bearer(secret)).status_code == 401


def test_token_expiring_tomorrow_works_today(client, family):
    tomorrow = (timezone.localdate() + timedelta(days=1)).isoformat()
    response = obtain(client, family["profile"].user.username, expires_on=tomorrow)
    assert response.status_code == 201
    assert response.json()["expires_at"] is not None
    assert client.get("/api/me", **bearer(response.json()["token"])).status_code == 200


def test_token_of_a_deactivated_login_is_refused(client, family):
    secret = token_for(family["profile"])
    User.objects.filter(pk=family["profile"].user.pk).update(is_active=False)
    assert client.get("/api/me", **bearer(secret)).status_code == 401


def test_token_of_a_deactivated_profile_is_refused(client, family):
    secret = token_for(family["profile"])
    family["profile"].is_active = False
    family["profile"].save()
    assert client.get("/api/me", **bearer(secret)).status_code == 401


def test_a_password_change_ends_tokens_like_sessions(client, family):
    user = family["profile"].user
    secret = token_for(family["profile"])
    password_set(actor=user, user=user, password="Another-Long-Passphrase-77")
    assert client.get("/api/me", **bearer(secret)).status_code == 401


@pytest.mark.parametrize("header", ["Bearer om_made-up", "Bearer " + "x" * 5000, "Bearer ", "Bearer om_"])
def test_unknown_or_malformed_tokens_get_401(client, family, header):
    response = client.get("/api/me", HTTP_AUTHORIZATION=header)
    assert response.status_code == 401
    assert set(response.json()) == {"code", "message", "field"}


def test_a_wrong_token_does_not_fall_back_to_the_session(client, family):
    log_in(client, family["profile"].user)
    assert client.get("/api/me").status_code == 200
    assert client.get("/api/me", HTTP_AUTHORIZATION="Bearer om_made-up").status_code == 401


def test_use_is_noted_at_most_once_a_minute(client, family):
    secret = token_for(family["profile"])
    client.get("/api/me", **bearer(secret))
    first = ApiToken.objects.get().last_used_at
    assert first is not None
    client.get("/api/me", **bearer(secret))
    assert ApiToken.objects.get().last_used_at == first


def test_tokens_list_and_revoke_over_the_api(client, family, other_family):
    secret = token_for(family["profile"], name="first")
    token_for(family["profile"], name="second")
    second = ApiToken.objects.get(name="second")
    others = token_for(other_family["profile"])
    listed = client.get("/api/tokens", **bearer(secret)).json()
    assert [t["name"] for t in listed] == ["second", "first"]
    assert client.delete(f"/api/tokens/{second.public_id}", **bearer(secret)).status_code == 204
    second.refresh_from_db()
    assert second.revoked_at is not None
    other_token = ApiToken.objects.get(user=other_family["profile"].user)
    assert client.delete(f"/api/tokens/{other_token.public_id}", **bearer(secret)).status_code == 404
    assert client.get("/api/me", **bearer(others)).status_code == 200


def test_a_token_cannot_make_tokens(client, family):
    secret = token_for(family["profile"])
    response = client.post("/api/tokens", {"name": "x"}, content_type="application/json", **bearer(secret))
    assert response.status_code == 401


def test_a_login_with_a_second_factor_makes_tokens_on_the_website_only(client, family):
    from django_otp.plugins.otp_totp.models import TOTPDevice

    user = family["profile"].user
    TOTPDevice.objects.create(user=user, name="authenticator-app", confirmed=True)
    response = obtain(client, user.username)
    assert response.status_code == 403 and response.json()["code"] == "two_factor_required"
    assert not ApiToken.objects.exists()
    secret = token_for(family["profile"])  # as the token page does, from a verified session
    assert client.get("/api/me", **bearer(secret)).status_code == 200


def test_obtaining_a_token_leaves_no_browser_session(client, family):
    response = obtain(client, family["profile"].user.username)
    assert response.status_code == 201
    assert "om_session" not in response.cookies
