"""Reads the API needs, each scoped to the caller; domain rules stay in the domain selectors."""

from __future__ import annotations

from uuid import UUID

from django.db.models import QuerySet

from accounts.choices import ProfileKind
from accounts.models import Profile, User
from accounts.onboarding import first_login_step, second_factor_step
from accounts.selectors import profile_list
from api import tokens
from api.models import ApiToken

# Staff are not served by the API: each of their reads of personal data must be logged, which only the
# back office does. A staff profile therefore acts in the API as no one (it sees nothing, gets no token).
API_PROFILE_KINDS = frozenset({ProfileKind.MEMBER, ProfileKind.COMPANY, ProfileKind.AGENT, ProfileKind.PROFESSIONAL})
_PROFILE_TARGETS = ("person", "company", "agent", "professional")


def api_profile(profile: Profile | None) -> Profile | None:
    """The profile the API acts in for this web profile; None when the API serves it nothing."""
    return profile if profile is not None and profile.kind in API_PROFILE_KINDS else None


def api_profile_list(*, actor: User) -> list[Profile]:
    """The caller's own active profiles that may use the API."""
    return [profile for profile in profile_list(actor=actor) if profile.kind in API_PROFILE_KINDS]


def profile_label(profile: Profile) -> str:
    """The name of the record a profile acts for (a person, a company, an agent, a professional)."""
    target = profile.person or profile.company or profile.agent or profile.professional
    return str(target) if target is not None else profile.get_kind_display()


def onboarding_pending(user: User) -> bool:
    """A temporary password, an unconfirmed email or unaccepted terms: no token is made or served until done.

    An API call has no browser session: an empty one stands in for it, so no real session is written.
    """
    return first_login_step(user, {}) is not None


def second_factor_pending(user: User) -> bool:
    """The login has a second factor (or, as staff, must have one): a password alone cannot make it a token.

    A token is not asked for the second factor at each use: it was granted under the factors its creation
    required (a verified browser session, or a password where no second factor was set).
    """
    return second_factor_step(user) is not None


def token_list(*, actor: User) -> QuerySet[ApiToken]:
    """The caller's own tokens, newest first, with the profile each acts in."""
    related = [f"profile__{target}" for target in _PROFILE_TARGETS]
    return ApiToken.objects.filter(user=actor).select_related("profile", *related).order_by("-created_at", "-pk")


def token_get(*, actor: User, public_id: UUID) -> ApiToken | None:
    """One of the caller's tokens; None for another login's token or an unknown id (callers answer 404)."""
    return token_list(actor=actor).filter(public_id=public_id).first()


def token_by_secret(secret: str) -> ApiToken | None:
    """The usable token a bearer secret names, if its login and profile may still use it; else None."""
    if not tokens.secret_looks_valid(secret):
        return None
    related = [f"profile__{target}" for target in _PROFILE_TARGETS]
    token = (
        ApiToken.objects.usable()
        .filter(
            secret_hash=tokens.secret_digest(secret),
            user__is_active=True,
            profile__is_active=True,
            profile__kind__in=API_PROFILE_KINDS,
        )
        .select_related("user", "profile", *related)
        .first()
    )
    if token is None or not tokens.password_unchanged(token.user, token.password_fingerprint):
        return None
    token.profile.user = token.user  # the same login, already read: services reading profile.user query nothing
    return token
