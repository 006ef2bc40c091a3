"""The caller's own personal tokens: list, create from a browser session, revoke."""

from uuid import UUID

from django.http import Http404, HttpRequest
from ninja import Router
from ninja.responses import Status

from api import selectors, services
from api.auth import SESSION_AUTH
from api.errors import ApiError, ErrorCode
from api.schemas import CALL_ERRORS, OBJECT_ERRORS, TokenCreatedOut, TokenCreateIn, TokenOut

router = Router(tags=["tokens"])


@router.get("", response={200: list[TokenOut], **CALL_ERRORS})
def token_list(request: HttpRequest):
    """The caller's tokens, newest first (revoked and expired ones included, marked as such)."""
    return selectors.token_list(actor=request.auth.user)


@router.post("", auth=SESSION_AUTH, response={201: TokenCreatedOut, **CALL_ERRORS})
def token_create(request: HttpRequest, payload: TokenCreateIn):
    """Create a token for the active profile. Only from a logged-in browser: a token cannot make tokens."""
    if request.auth.profile is None:
        raise ApiError(403, ErrorCode.PROFILE_NOT_ALLOWED, field="profile")
    token, secret = services.token_create(
        actor=request.auth.user,
        profile=request.auth.profile,
        name=payload.name,
        expires_on=payload.expires_on,
        via="api",
    )
    token.secret = secret
    return Status(201, token)


@router.delete("/{public_id}", response={204: None, **OBJECT_ERRORS})
def token_revoke(request: HttpRequest, public_id: UUID):
    """Revoke one of the caller's tokens."""
    token = selectors.token_get(actor=request.auth.user, public_id=public_id)
    if token is None:
        raise Http404
    services.token_revoke(actor=request.auth.user, token=token)
    return Status(204, None)
