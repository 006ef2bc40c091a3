"""State changes of personal tokens. Every function records its audit event in the same transaction."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from uuid import UUID

from django.conf import settings
from django.contrib.auth import authenticate, user_logged_in
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from accounts.models import Profile, User
from api import selectors, tokens
from api.errors import MESSAGES, ApiError, ErrorCode
from api.models import ApiToken, validate_expiry_date
from audit.services import record

TOUCH_INTERVAL = timedelta(minutes=1)


@transaction.atomic
def token_create(
    *, actor: User, profile: Profile, name: str, expires_on: date | None = None, via: str
) -> tuple[ApiToken, str]:
    """Create a token acting in ``profile``; returns it with its secret, which is never stored nor shown again."""
    if selectors.api_profile(profile) is None or profile.user_id != actor.pk or not profile.is_active:
        raise ValidationError({"profile": MESSAGES[ErrorCode.PROFILE_NOT_ALLOWED]})
    try:
        validate_expiry_date(expires_on)
    except ValidationError as error:
        raise ValidationError({"expires_on": error.messages}) from error
    secret = tokens.secret_generate()
    token = ApiToken(
        user=actor,
        profile=profile,
        name=name.strip(),
        prefix=secret[: tokens.CLEAR_PREFIX_LENGTH],
        secret_hash=tokens.secret_digest(secret),
        password_fingerprint=tokens.password_fingerprint(actor),
        expires_at=_end_of_day(expires_on),
    )
    token.full_clean()
    token.save()
    data = {"name": token.name, "prefix": token.prefix, "expires_at": token.expires_at, "via": via}
    record(actor=actor, action="api_token.created", target=token, data=data, profile=profile.kind)
    return token, secret


@transaction.atomic
def token_revoke(*, actor: User, token: ApiToken) -> None:
    """Revoke a token at once; revoking it again changes nothing."""
    token = ApiToken.objects.select_for_update().get(pk=token.pk)
    if token.revoked_at is not None:
        return
    token.revoked_at = timezone.now()
    token.save(update_fields=["revoked_at", "updated_at"])
    record(actor=actor, action="api_token.revoked", target=token, data={"prefix": token.prefix})


def token_touch(*, token: ApiToken) -> None:
    """Note that the token was used, at most once a minute: reads must not each cost a write."""
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at >= TOUCH_INTERVAL:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now


def token_issue(
    *,
    request: HttpRequest,
    identifier: str,
    password: str,
    profile_id: UUID | None,
    name: str,
    expires_on: date | None,
) -> tuple[ApiToken, str]:
    """Exchange an identifier and password for a token.

    The password goes through ``authenticate`` like the web login, so the same throttling and
    lockout apply, and an unknown account, a wrong password and a locked account get one answer.
    """
    user = authenticate(request, username=identifier, password=password)
    if user is None:
        raise ApiError(401, ErrorCode.INVALID_CREDENTIALS)
    _announce_login(request, user)
    if selectors.onboarding_pending(user):
        raise ApiError(403, ErrorCode.ONBOARDING_REQUIRED)
    profile = _token_profile(user, profile_id)
    if selectors.second_factor_pending(user):
        raise ApiError(403, ErrorCode.TWO_FACTOR_REQUIRED)
    return token_create(actor=user, profile=profile, name=name, expires_on=expires_on, via="password")


def _token_profile(user: User, profile_id: UUID | None) -> Profile:
    """The profile named, or the only one the login may use the API with."""
    profiles = selectors.api_profile_list(actor=user)
    if profile_id is not None:
        chosen = next((profile for profile in profiles if profile.public_id == profile_id), None)
        if chosen is None:
            raise ApiError(422, ErrorCode.INVALID, field="profile", message=MESSAGES[ErrorCode.PROFILE_NOT_ALLOWED])
        return chosen
    if len(profiles) == 1:
        return profiles[0]
    if not profiles:
        raise ApiError(403, ErrorCode.PROFILE_NOT_ALLOWED, field="profile")
    choices = [{"id": str(p.public_id), "kind": p.kind, "label": selectors.profile_label(p)} for p in profiles]
    raise ApiError(400, ErrorCode.PROFILE_REQUIRED, field="profile", profiles=choices)


def _announce_login(request: HttpRequest, user: User) -> None:
    """Let the login receivers run (audit, previous connection, failure count reset) as for a web login.

    A token is not a browser session: a session the receivers start for this call is dropped, and the
    start time of a browser session that happens to come along is left as it was.
    """
    session = request.session
    started = session.get("auth_at")
    user_logged_in.send(sender=type(user), request=request, user=user)
    if settings.SESSION_COOKIE_NAME not in request.COOKIES:
        session.flush()
    elif started is None:
        session.pop("auth_at", None)
    else:
        session["auth_at"] = started


def _end_of_day(day: date | None) -> datetime | None:
    """A token expiring "on" a date lasts through that whole day, in the portal's time zone."""
    if day is None:
        return None
    return datetime.combine(day + timedelta(days=1), time.min, tzinfo=timezone.get_current_timezone())
