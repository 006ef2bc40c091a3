"""What a logged-in user must still do before using the portal (SPEC A3, A4)."""

from __future__ import annotations

from django_otp.plugins.otp_totp.models import TOTPDevice

from content.selectors import terms_accepted, terms_current, terms_current_id


def pending_step(request) -> str | None:
    """The URL name of the first step left for the request's user, or None when the account is ready."""
    return first_login_step(request.user, request.session) or second_factor_step(request.user, request.session)


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


# Set in a session once it is known its login has no authenticator app: the check then costs no query
# on each later request of that session (setting one up in the session verifies the session anyway).
NO_SECOND_FACTOR = "second_factor_none"


def second_factor_step(user, session=None) -> str | None:
    """SPEC A13: a confirmed authenticator app asks for a code once per session; staff must have one, set up
    from the invitation link mailed to their address (issue 16), never with the password alone.

    Without a session (an API token), the device is looked up each time.
    """
    if getattr(user, "is_verified", lambda: False)() or (session is not None and session.get(NO_SECOND_FACTOR)):
        return None
    if TOTPDevice.objects.filter(user=user, confirmed=True).exists():
        return "twofactor:verify"
    if user.is_staff:
        return "twofactor:invitation_needed"
    if session is not None:
        session[NO_SECOND_FACTOR] = True
    return None
