"""Rate limits of the API (SPEC X9 anti-scraping): per login when authenticated, per address otherwise.

Rates come from ``API_THROTTLE_USER`` and ``API_THROTTLE_ANON`` and are read at each request,
so a deployment (or a test) can change them without a restart of the module.
"""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest
from ninja.throttling import SimpleRateThrottle

from core.middleware import client_ip


class SettingRateThrottle(SimpleRateThrottle):
    setting = ""

    def __init__(self) -> None:  # the rate is read per request, not once at import
        self.rate, self.num_requests, self.duration = None, None, None

    def allow_request(self, request: HttpRequest) -> bool:
        self.rate = getattr(settings, self.setting)
        self.num_requests, self.duration = self.parse_rate(self.rate)
        return super().allow_request(request)

    def get_ident(self, request: HttpRequest) -> str:
        """The client address as the rest of the portal sees it (forwarded headers only behind a trusted proxy)."""
        return client_ip(request) or "unknown"


class UserThrottle(SettingRateThrottle):
    """One budget per login, shared by its session and all its tokens."""

    scope = "api-user"
    setting = "API_THROTTLE_USER"

    def get_cache_key(self, request: HttpRequest) -> str | None:
        actor = getattr(request, "auth", None)
        if actor is None:
            return None
        return self.cache_format % {"scope": self.scope, "ident": str(actor)}


class AddressThrottle(SettingRateThrottle):
    """Unauthenticated calls (obtaining a token) counted per client address."""

    scope = "api-address"
    setting = "API_THROTTLE_ANON"

    def get_cache_key(self, request: HttpRequest) -> str | None:
        if getattr(request, "auth", None) is not None:
            return None
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}
