"""Every API error is JSON ``{"code", "message", "field"}`` (DESIGN: errors as code, message, field).

Codes are stable strings programs can branch on; messages are for people and translated.
Missing and forbidden objects share one 404; no answer ever carries a stack trace.
"""

from __future__ import annotations

import logging
from enum import StrEnum
from functools import wraps
from typing import TYPE_CHECKING, Any

from django.core.exceptions import BadRequest, SuspiciousOperation
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse, UnreadablePostError
from django.http.multipartparser import MultiPartParserError
from django.utils.translation import gettext_lazy as _
from ninja.errors import AuthenticationError, HttpError, Throttled, ValidationError

from accounts.forms import GENERIC_LOGIN_ERROR
from core.middleware import OUTAGE_ERRORS, service_unavailable

if TYPE_CHECKING:
    from ninja import NinjaAPI

logger = logging.getLogger(__name__)


class ErrorCode(StrEnum):
    INVALID = "invalid"
    BAD_REQUEST = "bad_request"
    INVALID_CREDENTIALS = "invalid_credentials"
    NOT_AUTHENTICATED = "not_authenticated"
    INVALID_TOKEN = "invalid_token"
    CSRF_FAILED = "csrf_failed"
    ONBOARDING_REQUIRED = "onboarding_required"
    TWO_FACTOR_REQUIRED = "two_factor_required"
    PROFILE_REQUIRED = "profile_required"
    PROFILE_NOT_ALLOWED = "profile_not_allowed"
    FORBIDDEN = "forbidden"
    NOT_FOUND = "not_found"
    METHOD_NOT_ALLOWED = "method_not_allowed"
    THROTTLED = "throttled"
    SERVER_ERROR = "server_error"


MESSAGES = {
    ErrorCode.INVALID: _("Some of the data sent is not valid."),
    ErrorCode.BAD_REQUEST: _("The request could not be read."),
    ErrorCode.INVALID_CREDENTIALS: GENERIC_LOGIN_ERROR,
    ErrorCode.NOT_AUTHENTICATED: _("Authentication required: send a bearer token or log in."),
    ErrorCode.INVALID_TOKEN: _("This token is not valid: it may have been revoked or have expired."),
    ErrorCode.CSRF_FAILED: _("The CSRF check failed: send the X-CSRFToken header with session authentication."),
    ErrorCode.ONBOARDING_REQUIRED: _("Finish your first login on the website before using the API."),
    ErrorCode.TWO_FACTOR_REQUIRED: _(
        "Your account uses two-factor authentication: create the token on the website, under API access tokens."
    ),
    ErrorCode.PROFILE_REQUIRED: _("This login holds several profiles: say which one the token acts for."),
    ErrorCode.PROFILE_NOT_ALLOWED: _("This profile cannot use the API."),
    ErrorCode.FORBIDDEN: _("You may not do this."),
    ErrorCode.NOT_FOUND: _("Not found."),
    ErrorCode.METHOD_NOT_ALLOWED: _("This method is not allowed here."),
    ErrorCode.THROTTLED: _("Too many requests: wait a moment and try again."),
    ErrorCode.SERVER_ERROR: _("An unexpected error happened. It has been recorded; please try again later."),
}

_STATUS_CODES = {
    400: ErrorCode.BAD_REQUEST,
    401: ErrorCode.NOT_AUTHENTICATED,
    403: ErrorCode.FORBIDDEN,
    404: ErrorCode.NOT_FOUND,
    405: ErrorCode.METHOD_NOT_ALLOWED,
    429: ErrorCode.THROTTLED,
}

# Messages for pydantic's error types, so that validation errors read like the web forms' (and get translated).
_FIELD_MESSAGES = {
    "missing": _("This field is required."),
    "string_too_short": _("This field cannot be blank."),
    "string_too_long": _("Ensure this value has at most %(max_length)s characters."),
    "uuid_parsing": _("Enter a valid identifier."),
    "uuid_type": _("Enter a valid identifier."),
    "int_parsing": _("Enter a whole number."),
    "int_type": _("Enter a whole number."),
    "greater_than_equal": _("Ensure this value is greater than or equal to %(ge)s."),
    "less_than_equal": _("Ensure this value is less than or equal to %(le)s."),
    "date_parsing": _("Enter a valid date (YYYY-MM-DD)."),
    "date_from_datetime_parsing": _("Enter a valid date (YYYY-MM-DD)."),
    "date_type": _("Enter a valid date (YYYY-MM-DD)."),
    "string_type": _("Enter a text value."),
    "extra_forbidden": _("This field is not accepted."),
}


class ApiError(HttpError):
    """An error with a stable code, raised by the API's own code (auth, services, routers)."""

    def __init__(self, status: int, code: ErrorCode, *, field: str | None = None, message: Any = None, **extra: Any):
        self.code, self.field, self.extra = code, field, extra
        self.text = message if message is not None else MESSAGES[code]
        super().__init__(status, str(code))


def error_response(
    status: int, code: ErrorCode, *, message: Any = None, field: str | None = None, **extra: Any
) -> JsonResponse:
    """The one shape every API error takes."""
    body = {"code": str(code), "message": str(message if message is not None else MESSAGES[code]), "field": field}
    if status == 422 and "errors" not in extra:  # every 422 lists its field errors (ValidationErrorOut)
        extra["errors"] = [{"field": field, "code": str(code), "message": body["message"]}]
    response = JsonResponse({**body, **extra}, status=status)
    if status == 401:
        response["WWW-Authenticate"] = 'Bearer realm="api"'
    return response


def _field_error(error: dict[str, Any]) -> dict[str, str | None]:
    """One pydantic error as {field, code, message}; the field is the name the client sent."""
    source, *names = [str(part) for part in error.get("loc", ())] or [""]
    if source == "body":
        names = names[1:]  # drop the view's argument name, keep the field inside the JSON body
    kind = error.get("type", "")
    if kind == "value_error":
        message = str(error.get("ctx", {}).get("error", "")) or MESSAGES[ErrorCode.INVALID]
    else:
        template = _FIELD_MESSAGES.get(kind, _("Enter a valid value."))
        message = str(template) % (error.get("ctx") or {}) if "%(" in str(template) else str(template)
    return {"field": ".".join(names) or None, "code": kind or str(ErrorCode.INVALID), "message": message}


def _on_validation(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    errors = [_field_error(error) for error in exc.errors]
    first = errors[0] if errors else {"field": None, "message": str(MESSAGES[ErrorCode.INVALID])}
    return error_response(422, ErrorCode.INVALID, message=first["message"], field=first["field"], errors=errors)


def _on_django_validation(request: HttpRequest, exc: DjangoValidationError) -> HttpResponse:
    errors = [
        {"field": None if field == "__all__" else field, "code": str(ErrorCode.INVALID), "message": str(message)}
        for field, messages in (exc.message_dict if hasattr(exc, "error_dict") else {"__all__": exc.messages}).items()
        for message in messages
    ]
    return error_response(422, ErrorCode.INVALID, message=errors[0]["message"], field=errors[0]["field"], errors=errors)


def _on_api_error(request: HttpRequest, exc: ApiError) -> HttpResponse:
    return error_response(exc.status_code, exc.code, message=exc.text, field=exc.field, **exc.extra)


def _on_throttled(request: HttpRequest, exc: Throttled) -> HttpResponse:
    return error_response(429, ErrorCode.THROTTLED)


def _on_http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    return error_response(exc.status_code, _STATUS_CODES.get(exc.status_code, ErrorCode.BAD_REQUEST))


def _on_not_found(request: HttpRequest, exc: Exception) -> HttpResponse:
    return error_response(404, ErrorCode.NOT_FOUND)


def _on_bad_request(request: HttpRequest, exc: Exception) -> HttpResponse:
    """A body that cannot be read (multipart without boundary, too many fields, a broken upload): the client's."""
    return error_response(400, ErrorCode.BAD_REQUEST)


def _on_unexpected(request: HttpRequest, exc: Exception) -> HttpResponse:
    logger.exception("Unexpected error in API %s %s", request.method, request.path, exc_info=exc)
    return error_response(500, ErrorCode.SERVER_ERROR)


def _on_database_down(request: HttpRequest, exc: Exception) -> HttpResponse:
    logger.warning("Service unavailable in API %s %s: %s", request.method, request.path, type(exc).__name__)
    return service_unavailable(request)


def install_handlers(api: NinjaAPI) -> None:
    """Replace ninja's default handlers (which answer ``{"detail": ...}`` or re-raise) with ours."""
    api.add_exception_handler(ValidationError, _on_validation)
    api.add_exception_handler(DjangoValidationError, _on_django_validation)
    api.add_exception_handler(ApiError, _on_api_error)
    api.add_exception_handler(Throttled, _on_throttled)
    api.add_exception_handler(AuthenticationError, _on_http_error)
    api.add_exception_handler(HttpError, _on_http_error)
    api.add_exception_handler(Http404, _on_not_found)
    for unreadable in (MultiPartParserError, SuspiciousOperation, BadRequest, UnreadablePostError):
        api.add_exception_handler(unreadable, _on_bad_request)
    for error in OUTAGE_ERRORS:
        api.add_exception_handler(error, _on_database_down)
    api.add_exception_handler(Exception, _on_unexpected)


def json_errors(view):
    """Wrap a URL-level view of the API so that Django's own 404 and 405 answers are JSON too."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            response = view(request, *args, **kwargs)
        except Http404:
            return error_response(404, ErrorCode.NOT_FOUND)
        if response.status_code == 405 and not response.get("Content-Type", "").startswith("application/json"):
            allowed = response.get("Allow", "")
            response = error_response(405, ErrorCode.METHOD_NOT_ALLOWED)
            response["Allow"] = allowed
        return response

    return wrapped


def unknown_path(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
    """Any /api/ address no endpoint answers."""
    return error_response(404, ErrorCode.NOT_FOUND)
