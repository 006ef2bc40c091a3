"""Cross-cutting HTTP behaviour: security headers, the request context the audit trail reads, honest outages."""

from __future__ import annotations

import contextvars
import functools
import ipaddress
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.utils.cache import patch_cache_control
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


@functools.lru_cache(maxsize=8)
def _networks(proxies: tuple[str, ...]) -> tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...]:
    return tuple(ipaddress.ip_network(proxy, strict=False) for proxy in proxies)


def _address(value: str | None) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        return ipaddress.ip_address((value or "").strip())
    except ValueError:
        return None


def _trusted(address, networks) -> bool:
    return any(address in network for network in networks)


def client_ip(request: HttpRequest) -> str | None:
    """The client's address, as every limit, django-axes and the audit trail see it (SECURITY.md).

    ``REMOTE_ADDR`` as is, unless it is one of ``TRUSTED_PROXIES``: then X-Forwarded-For is read from the right
    (each proxy appends the address that connected to it) and the first entry that is not a trusted proxy is the
    client. Entries further left were written by the client and are never believed. A malformed entry where a
    proxy should have written an address stops the walk at the last trusted hop.
    """
    remote = _address(request.META.get("REMOTE_ADDR"))
    networks = _networks(tuple(getattr(settings, "TRUSTED_PROXIES", ())))
    if remote is None or not networks or not _trusted(remote, networks):
        return str(remote) if remote is not None else None
    client = remote
    for hop in reversed(request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")):
        address = _address(hop)
        if address is None:
            break
        client = address
        if not _trusted(address, networks):
            break
    return str(client)


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


class PrivateAnswersMiddleware:
    """Every answer to a logged-in person or an API token holder is kept by no cache, shared or the browser's
    (``Cache-Control: private, no-store`` and ``Pragma: no-cache`` for HTTP/1.0 proxies): a personal page must
    not come back from the back button of a shared computer or an intermediary. Public pages keep their headers."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if (
            (user is not None and user.is_authenticated)
            or getattr(request, "auth", None) is not None
            or "HTTP_AUTHORIZATION" in request.META
        ):
            patch_cache_control(response, private=True, no_store=True)  # keeps never_cache's stricter directives
            response.headers["Pragma"] = "no-cache"
        return response


# The most of a request's body an outage answer reads before answering: more than any request the portal accepts (a
# claim's photos), so that a client still sending gets the 503, not a closed connection (seen once in 568 claims of
# benchmarks/faults_db.py: "Broken pipe" where the 503 was due).
DRAIN_LIMIT = 128 * 1024 * 1024


def _drain(request: HttpRequest) -> None:
    """Read and drop what is left of the request's body (gunicorn's sync workers close the connection after an
    answer: a client still writing its upload would get a broken pipe instead of reading the answer)."""
    try:
        if int(request.META.get("CONTENT_LENGTH") or 0) > DRAIN_LIMIT:
            return
        while request.read(64 * 1024):
            pass
    except Exception:  # noqa: BLE001 - a body that cannot be read is left to the connection's end
        return


def service_unavailable(request: HttpRequest) -> HttpResponse:
    """503 with ``Retry-After``: JSON under /api/, else a page rendered without the database (no context processor).
    The request's body is read first (``_drain``), so that the client reads this answer."""
    _drain(request)
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
