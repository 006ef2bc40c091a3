"""The caller: login, active profile, the other profiles, previous connection."""

from django.http import HttpRequest
from ninja import Router

from api import selectors
from api.schemas import CALL_ERRORS, MeOut

router = Router(tags=["me"])


@router.get("/me", response={200: MeOut, **CALL_ERRORS})
def me(request: HttpRequest):
    """Who the API sees: the login, the profile this call acts in and the login's other profiles."""
    user = request.auth.user
    return {
        "username": user.username,
        "language": user.language,
        "previous_login": user.previous_login,
        "active_profile": request.auth.profile,
        "profiles": selectors.api_profile_list(actor=user),
    }
