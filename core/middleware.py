"""Cross-cutting HTTP behaviour: security headers, the request context the audit trail reads, honest outages."""

from __future__ import annotations

import contextvars
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.utils.translation import gettext

from documents.storage import StorageUnavailable

# The database or the document storage down: the service is unavailable for a while, which is not a bug.
OUTAGE_ERRORS = (OperationalError, InterfaceError, StorageUnavailable)
RETRY_AFTER_SECONDS = 30


@dataclass(frozen=True)
class RequestContext:
    """Where an operation came from: kept for the audit trail (SPEC X1)."""

    ip: str | None = None
    user_agent: str = ""


_current: contextvars.ContextVar[RequestContext | None] = contextvars.ContextVar("openmutuelle_request", default=None)


def current_request_context() -> RequestContext:
    """The context of the request being served; empty for commands and tasks."""
    return _current.get() or RequestContext()


def client_ip(request: HttpRequest) -> str | None:
    """The client's address; behind a trusted proxy, the first X-Forwarded-For hop."""
    if getattr(settings, "USE_X_FORWARDED_FOR", False):
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        if forwarded:
            return forwarded.split(",")[0].strip()[:45]
    return request.META.get("REMOTE_ADDR")


class RequestContextMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        token = _current.set(
            RequestContext(ip=client_ip(request), user_agent=request.META.get("HTTP_USER_AGENT", "")[:300])
        )
        try:
            return self.get_response(request)
        finally:
            _current.reset(token)


class SecurityHeadersMiddleware:
    """Content Security Policy and permissions policy on every response (SPEC X2)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.headers.setdefault("Content-Security-Policy", settings.CONTENT_SECURITY_POLICY)
        response.headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=(self)")
        return response


def service_unavailable(request: HttpRequest) -> HttpResponse:
    """503 with ``Retry-After``: JSON under /api/, else a page rendered without the database (no context processor)."""
    if request.path.startswith("/api/"):
        message = gettext("The service is temporarily unavailable: try again in a few moments.")
        response: HttpResponse = JsonResponse(
            {"code": "service_unavailable", "message": message, "field": None}, status=503
        )
    else:
        response = HttpResponse(render_to_string("503.html"), status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


class ServiceUnavailableMiddleware:
    """A database (or document storage) down is an outage (503, try again later), not a server error (500).

    Errors raised by a view come here; those raised by a middleware reach ``core.views.server_error``, which answers
    the same."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if isinstance(exception, OUTAGE_ERRORS):
            return service_unavailable(request)
        return None
