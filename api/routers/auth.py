"""Obtaining and giving back a token with a login and password (SPEC A5 over the API)."""

from django.http import HttpRequest
from ninja import Router
from ninja.responses import Status

from api import services
from api.auth import TOKEN_AUTH
from api.schemas import CALL_ERRORS, ErrorOut, ProfileRequiredOut, TokenCreatedOut, TokenObtainIn

router = Router(tags=["auth"])


@router.post(
    "/token",
    auth=None,
    # 400: `profile_required` with the profiles to choose from, or `bad_request` for a body that cannot be read.
    response={201: TokenCreatedOut, 400: ProfileRequiredOut | ErrorOut, **CALL_ERRORS},
)
def token_obtain(request: HttpRequest, payload: TokenObtainIn):
    """Exchange a username (or membership number) and password for a personal token.

    Unknown account, wrong password and locked account all get the same 401 `invalid_credentials`;
    failures count towards the same delays and lockout as the website's login.
    """
    token, secret = services.token_issue(
        request=request,
        identifier=payload.username,
        password=payload.password,
        profile_id=payload.profile,
        name=payload.name,
        expires_on=payload.expires_on,
    )
    token.secret = secret
    return Status(201, token)


@router.delete("/token", auth=TOKEN_AUTH, response={204: None, **CALL_ERRORS})
def token_give_back(request: HttpRequest):
    """Revoke the token this request is made with."""
    services.token_revoke(actor=request.auth.user, token=request.auth.token)
    return Status(204, None)
