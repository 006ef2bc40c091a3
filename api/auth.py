"""Who is calling: a personal bearer token, or the browser session of the web login (with CSRF).

Either way the caller is an ``ApiActor``: a login and the profile it acts in, which the
domain selectors use exactly as they do for the web pages.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.http import HttpRequest
from ninja.security import APIKeyCookie, HttpBearer
from ninja.utils import check_csrf

from accounts.models import Profile, User
from accounts.selectors import request_profile
from api import selectors, services
from api.errors import ApiError, ErrorCode
from api.models import ApiToken


@dataclass(frozen=True)
class ApiActor:
    """The caller: a login, the profile it acts in (None: it sees nothing), and the token used, if any."""

    user: User
    profile: Profile | None
    token: ApiToken | None = None

    def __str__(self) -> str:  # the throttles' key: one budget per login, whatever the credential
        return f"user:{self.user.pk}"


class BearerTokenAuth(HttpBearer):
    """``Authorization: Bearer om_…``: a personal token acting in the profile it was created for."""

    def authenticate(self, request: HttpRequest, token: str) -> ApiActor:
        api_token = selectors.token_by_secret(token)
        if api_token is None:
            raise ApiError(401, ErrorCode.INVALID_TOKEN)  # a wrong token never falls back to the session
        if selectors.onboarding_pending(api_token.user):
            raise ApiError(403, ErrorCode.ONBOARDING_REQUIRED)
        services.token_touch(token=api_token)
        return ApiActor(user=api_token.user, profile=api_token.profile, token=api_token)


class SessionAuth(APIKeyCookie):
    """The web login's session; unsafe methods need the CSRF token, as any form of the site does.

    The onboarding gate middleware has already refused sessions with first-login steps pending.
    """

    param_name = settings.SESSION_COOKIE_NAME

    def __call__(self, request: HttpRequest) -> ApiActor | None:
        if not request.user.is_authenticated:
            return None  # no CSRF complaint for a caller that is not logged in: it gets a plain 401
        if not getattr(request, "_ninja_csrf_exempt", False) and check_csrf(request) is not None:
            raise ApiError(403, ErrorCode.CSRF_FAILED)
        return self.authenticate(request, request.COOKIES.get(self.param_name))

    def authenticate(self, request: HttpRequest, key: str | None) -> ApiActor:
        return ApiActor(user=request.user, profile=selectors.api_profile(request_profile(request)))


bearer_auth = BearerTokenAuth()
session_auth = SessionAuth()

# The bearer token is tried first: a request that carries one is judged by it alone.
ANY_AUTH = [bearer_auth, session_auth]
TOKEN_AUTH = [bearer_auth]
SESSION_AUTH = [session_auth]
