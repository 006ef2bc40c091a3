"""Turning the second factor on and off and checking its codes (SPEC A13, SECURITY.md "Authentication").

Codes are checked by django-otp's devices, which throttle themselves: after each wrong code
the device refuses any code for a delay that doubles (1, 2, 4… seconds). On top of it this
module applies SECURITY.md's floor: from the 5th consecutive failure, at least one minute,
doubling at each further failure. A success resets the count.

Every change records its audit event, and the owner is told by email when the factor is
turned on or off or the recovery codes are replaced.
"""

from __future__ import annotations

import re
import secrets
import time
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

import django_otp
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from django_otp.models import MAX_THROTTLE_DELAY_SECONDS, Device
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import StaffInvitation, User
from accounts.services import password_set, single_use_link_issue, single_use_links
from accounts.throttling import password_recheck
from audit.services import record
from core.mail import send_templated_email

TOTP_DEVICE_NAME = "authenticator-app"
RECOVERY_DEVICE_NAME = "recovery-codes"
RECOVERY_CODE_COUNT = 10
RECOVERY_CODE_LENGTH = 10
# No 0/o, 1/i/l: codes are copied by hand from paper.
RECOVERY_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"
TOTP_PATTERN = re.compile(r"[0-9]{6}")
RECOVERY_PATTERN = re.compile(f"[{RECOVERY_ALPHABET}]{{{RECOVERY_CODE_LENGTH}}}")
# SECURITY.md: from the 5th consecutive failure, a delay of at least one minute that doubles.
FLOOR_FAILURES = 5
FLOOR_SECONDS = 60
# New recovery codes stay in the session, for display and download, until the user is done.
HELD_CODES_KEY = "twofactor_new_recovery_codes"
HELD_CODES_SECONDS = 15 * 60
# Staff set up their app from an invitation link mailed to their address (issue 16), valid three days.
INVITATION_LIFETIME = timedelta(days=3)


class Method(StrEnum):
    TOTP = "totp"
    RECOVERY = "recovery"


class Failure(StrEnum):
    WRONG_CODE = "wrong_code"
    WRONG_PASSWORD = "wrong_password"
    THROTTLED = "throttled"
    NOT_ENABLED = "not_enabled"
    NOT_PENDING = "not_pending"


@dataclass(frozen=True)
class Outcome:
    """What an attempt gave: the device that accepted the code, or why it failed."""

    device: Device | None = None
    failure: Failure | None = None
    wait_until: datetime | None = None
    method: Method | None = None
    recovery_codes: tuple[str, ...] = ()

    @property
    def ok(self) -> bool:
        return self.failure is None


# --- Codes ----------------------------------------------------------------------------------


def normalise_code(value: str) -> str:
    """What the user typed, without spaces and dashes, in lower case ("abcde-fghij" → "abcdefghij")."""
    return "".join(value.split()).replace("-", "").lower()


def code_method(code: str) -> Method | None:
    """Which kind of code a normalised value looks like, or None if it is neither."""
    if TOTP_PATTERN.fullmatch(code):
        return Method.TOTP
    if RECOVERY_PATTERN.fullmatch(code):
        return Method.RECOVERY
    return None


def recovery_code_format(code: str) -> str:
    """A stored recovery code as shown to the user: two groups of five."""
    half = len(code) // 2
    return f"{code[:half]}-{code[half:]}"


def _recovery_code_new() -> str:
    return "".join(secrets.choice(RECOVERY_ALPHABET) for _ in range(RECOVERY_CODE_LENGTH))


# --- Throttling -----------------------------------------------------------------------------


def wait_until(device: Device) -> datetime | None:
    """When ``device`` accepts a code again, or None if it does now.

    django-otp's own exponential delay (``verify_is_allowed``), raised to SECURITY.md's floor.
    """
    allowed, info = device.verify_is_allowed()
    until = None if allowed else (info or {}).get("locked_until", timezone.now() + timedelta(seconds=FLOOR_SECONDS))
    count, last = device.throttling_failure_count, device.throttling_failure_timestamp
    if count >= FLOOR_FAILURES and last is not None:
        seconds = min(FLOOR_SECONDS * 2 ** min(count - FLOOR_FAILURES, 40), MAX_THROTTLE_DELAY_SECONDS)
        floor = last + timedelta(seconds=seconds)
        if floor > timezone.now() and (until is None or floor > until):
            until = floor
    return until


def verification_wait(*, user: User) -> datetime | None:
    """When the login's authenticator app accepts a code again, shown before the user types one."""
    device = TOTPDevice.objects.filter(user=user, confirmed=True).order_by("pk").first()
    return wait_until(device) if device else None


def _check(device: Device, code: str, method: Method) -> Outcome:
    """Ask ``device`` (locked by the caller) to accept ``code``, unless it must wait."""
    wait = wait_until(device)
    if wait is not None:
        return Outcome(failure=Failure.THROTTLED, wait_until=wait, method=method)
    if device.verify_token(code):  # resets the device's throttle on success, increments it on failure
        return Outcome(device=device, method=method)
    # Past the floor, say at once how long to wait rather than after the next try.
    late = device.throttling_failure_count >= FLOOR_FAILURES
    return Outcome(failure=Failure.WRONG_CODE, wait_until=wait_until(device) if late else None, method=method)


def _failed(user: User, outcome: Outcome, purpose: str) -> Outcome:
    record(
        actor=user,
        action="twofactor.verify_failed",
        target=user,
        data={"purpose": purpose, "method": outcome.method, "reason": outcome.failure},
    )
    return outcome


def _locked_totp(user: User, *, confirmed: bool = True) -> TOTPDevice | None:
    return TOTPDevice.objects.select_for_update().filter(user=user, confirmed=confirmed).order_by("pk").first()


def _locked_recovery(user: User) -> StaticDevice | None:
    return StaticDevice.objects.select_for_update().filter(user=user, confirmed=True).order_by("pk").first()


# --- Setting up -----------------------------------------------------------------------------


def setup_device(*, user: User) -> TOTPDevice:
    """The device being set up, not yet confirmed: the same one at each visit, so the QR code stays valid."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
    if device is None:
        with transaction.atomic():
            device = TOTPDevice.objects.create(user=user, name=TOTP_DEVICE_NAME, confirmed=False)
            record(actor=user, action="twofactor.setup_started", target=user)
    return device


@transaction.atomic
def enable(*, user: User, device: TOTPDevice, code: str) -> Outcome:
    """Confirm the app with a current code: two-factor authentication is on and ten recovery codes are made."""
    device = _locked_totp(user, confirmed=False) if device.user_id == user.pk else None
    if device is None or TOTPDevice.objects.filter(user=user, confirmed=True).exists():
        return Outcome(failure=Failure.NOT_PENDING)
    outcome = _check(device, normalise_code(code), Method.TOTP)
    if not outcome.ok:
        return _failed(user, outcome, "setup")
    device.confirmed = True
    device.created_at = timezone.now()  # "turned on" date, not the first visit of the set-up page
    device.save(update_fields=["confirmed", "created_at"])
    TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
    codes = _recovery_codes_replace(user)
    record(actor=user, action="twofactor.enabled", target=user)
    _notify(user, "enabled")
    return Outcome(device=device, method=Method.TOTP, recovery_codes=codes)


def _recovery_codes_replace(user: User) -> tuple[str, ...]:
    """Ten new random single-use codes; the old ones stop working. The device itself is kept, so a
    session verified with a recovery code stays verified."""
    device = StaticDevice.objects.select_for_update().filter(user=user).order_by("pk").first()
    if device is None:
        device = StaticDevice.objects.create(user=user, name=RECOVERY_DEVICE_NAME)
    StaticDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
    device.token_set.all().delete()
    codes: list[str] = []
    while len(codes) < RECOVERY_CODE_COUNT:
        code = _recovery_code_new()
        if code not in codes:
            codes.append(code)
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    if device.throttling_failure_count or not device.confirmed:
        device.confirmed = True
        device.throttle_reset(commit=False)
        device.save()
    return tuple(codes)


# --- Logging in -----------------------------------------------------------------------------


@transaction.atomic
def verify(*, user: User, code: str) -> Outcome:
    """Check a code from the app or a recovery code (used up by this check) after the password."""
    totp = _locked_totp(user)
    if totp is None:
        return Outcome(failure=Failure.NOT_ENABLED)
    code = normalise_code(code)
    method = code_method(code) or Method.TOTP
    recovery = _locked_recovery(user)
    device = recovery if method == Method.RECOVERY and recovery is not None else totp
    outcome = _check(device, code, method)
    if not outcome.ok:
        return _failed(user, outcome, "login")
    for other in (totp, recovery):
        if other is not None and other is not device and other.throttling_failure_count:
            other.throttle_reset()
    record(actor=user, action="twofactor.verified", target=user, data={"method": method})
    return outcome


def session_verify(request: HttpRequest, device: Device) -> None:
    """Mark the session as verified by ``device``, under a new session key (the privilege changed)."""
    request.session.cycle_key()
    django_otp.login(request, device)


# --- Managing -------------------------------------------------------------------------------


@transaction.atomic
def recovery_codes_regenerate(*, user: User, code: str) -> Outcome:
    """Replace the recovery codes, on a current code from the app."""
    totp = _locked_totp(user)
    if totp is None:
        return Outcome(failure=Failure.NOT_ENABLED)
    outcome = _check(totp, normalise_code(code), Method.TOTP)
    if not outcome.ok:
        return _failed(user, outcome, "recovery_codes")
    codes = _recovery_codes_replace(user)
    record(actor=user, action="twofactor.recovery_codes_regenerated", target=user)
    _notify(user, "recovery_codes_regenerated")
    return Outcome(device=totp, method=Method.TOTP, recovery_codes=codes)


@transaction.atomic
def disable(*, user: User, password: str, code: str) -> Outcome:
    """Turn the second factor off, on the password and a code (app or recovery). Never for staff."""
    if user.is_staff:
        raise PermissionDenied("Two-factor authentication is required for staff accounts.")
    totp = _locked_totp(user)
    if totp is None:
        return Outcome(failure=Failure.NOT_ENABLED)
    code = normalise_code(code)
    method = code_method(code) or Method.TOTP
    wait = wait_until(totp)
    if wait is not None:
        return _failed(user, Outcome(failure=Failure.THROTTLED, wait_until=wait, method=method), "disable")
    if not password_recheck(user=user, password=password):
        totp.throttle_increment()  # the form must not become an unthrottled password oracle
        late = totp.throttling_failure_count >= FLOOR_FAILURES
        outcome = Outcome(failure=Failure.WRONG_PASSWORD, wait_until=wait_until(totp) if late else None, method=method)
        return _failed(user, outcome, "disable")
    recovery = _locked_recovery(user) if method == Method.RECOVERY else None
    outcome = _check(recovery or totp, code, method)
    if not outcome.ok:
        return _failed(user, outcome, "disable")
    _devices_delete(user)
    record(actor=user, action="twofactor.disabled", target=user, data={"method": method})
    _notify(user, "disabled")
    return outcome


@transaction.atomic
def reset(*, actor: User, user: User) -> str | None:
    """Back office: remove the second factor of a login whose owner lost both phone and recovery codes,
    once their identity is checked. Staff set it up again from a new invitation mailed to their address,
    whose link is returned."""
    _devices_delete(user)
    record(actor=actor, action="twofactor.reset", target=user)
    _notify(user, "disabled")
    return invitation_send(actor=actor, user=user) if user.is_staff else None


# --- Staff: the second factor is set up from an invitation link (issue 16) ---------------------------


def _invitation_query(secret: str):
    return single_use_links(StaffInvitation, secret)


@transaction.atomic
def invitation_send(*, actor: User | None, user: User) -> str:
    """Mail a staff login the single-use link that sets up its authenticator app; return the link.

    A newer invitation ends the older ones. A login whose app is on gets none (reset it first).
    """
    if not user.is_staff or not user.email:
        raise PermissionDenied("Invitations are for staff logins with an email address.")
    if TOTPDevice.objects.filter(user=user, confirmed=True).exists():
        raise PermissionDenied("This login's second factor is on: reset it first.")
    secret = single_use_link_issue(StaffInvitation, user=user, lifetime=INVITATION_LIFETIME, created_by=actor)
    record(actor=actor, action="twofactor.invitation_sent", target=user)
    link = settings.PORTAL_URL + reverse("twofactor:invitation", args=[secret])
    send_templated_email(
        to=[user.email],
        template="twofactor/emails/invitation",
        context={"user": user, "link": link, "days": INVITATION_LIFETIME.days},
        language=user.language,
    )
    return link


def invitation_user(*, secret: str) -> User | None:
    """The staff login a genuine, unused, unexpired invitation is for; None otherwise."""
    invitation = _invitation_query(secret).first()
    return invitation.user if invitation and invitation.user.is_staff else None


@transaction.atomic
def invitation_accept(*, secret: str, password: str, new_password: bool, code: str) -> Outcome:
    """Use an invitation: the password (the current one, checked on the login counters, or a first one chosen
    now) and a code from the app being set up. On success the app is on, the recovery codes made, the address
    confirmed (the link reached it) and the link used up; on any failure nothing but the counters changes."""
    invitation = _invitation_query(secret).select_for_update(of=("self",)).first()
    if invitation is None or not invitation.user.is_staff:
        return Outcome(failure=Failure.NOT_PENDING)
    user = invitation.user
    if not new_password and not password_recheck(user=user, password=password):
        return _failed(user, Outcome(failure=Failure.WRONG_PASSWORD), "invitation")
    outcome = enable(user=user, device=setup_device(user=user), code=code)
    if not outcome.ok:
        return outcome
    if new_password:
        password_set(actor=user, user=user, password=password)
    invitation.used_at = timezone.now()
    invitation.save(update_fields=["used_at"])
    if user.email_confirmed_at is None:
        user.email_confirmed_at = invitation.used_at
        user.save(update_fields=["email_confirmed_at"])
    record(actor=user, action="twofactor.invitation_used", target=user)
    return outcome


def _devices_delete(user: User) -> None:
    TOTPDevice.objects.filter(user=user).delete()
    StaticDevice.objects.filter(user=user).delete()


def _notify(user: User, template: str) -> None:
    if user.email:
        send_templated_email(
            to=[user.email], template=f"twofactor/emails/{template}", context={"user": user}, language=user.language
        )


# --- New recovery codes, held in the session until saved ------------------------------------------


def codes_hold(session, codes: tuple[str, ...]) -> None:
    session[HELD_CODES_KEY] = {"codes": list(codes), "until": time.time() + HELD_CODES_SECONDS}


def codes_held(session) -> list[str]:
    """The new recovery codes, formatted for display, while they may still be shown."""
    held = session.get(HELD_CODES_KEY)
    if not isinstance(held, dict) or held.get("until", 0) < time.time():
        session.pop(HELD_CODES_KEY, None)
        return []
    return [recovery_code_format(code) for code in held.get("codes", [])]


def codes_release(session) -> None:
    session.pop(HELD_CODES_KEY, None)
