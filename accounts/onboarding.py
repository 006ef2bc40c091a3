"""What a logged-in user must still do before using the portal (SPEC A3, A4)."""

from __future__ import annotations

from django_otp.plugins.otp_totp.models import TOTPDevice

from content.selectors import terms_accepted, terms_current, terms_current_id


def pending_step(request, session=None) -> str | None:
    """The URL name of the first step left for the request's user, or None when the account is ready.

    The older form ``pending_step(user, session)`` (an API bearer token, no browser session) checks the
    first-login steps only: a second factor verifies a browser session, not a token.
    """
    if session is not None:
        return first_login_step(request, session)
    return first_login_step(request.user, request.session) or second_factor_step(request.user)


def first_login_step(user, session) -> str | None:
    """Temporary password, email confirmation, terms of use (SPEC A3, A4)."""
    if user.must_change_password:
        return "accounts:onboarding_password"
    if user.email_confirmed_at is None:
        return "accounts:onboarding_email"
    terms_id = terms_current_id()
    if terms_id and session.get("terms_accepted_id") != terms_id:
        if not terms_accepted(user=user, terms=terms_current()):
            return "accounts:onboarding_terms"
        session["terms_accepted_id"] = terms_id
    return None


def second_factor_step(user) -> str | None:
    """SPEC A13: a confirmed authenticator app asks for a code once per session; staff must have one."""
    if not getattr(user, "is_verified", lambda: False)():
        if TOTPDevice.objects.filter(user=user, confirmed=True).exists():
            return "twofactor:verify"
        if user.is_staff:
            return "twofactor:setup"
    return None
