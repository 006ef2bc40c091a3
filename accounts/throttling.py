"""Login throttling (SPEC A8, SECURITY.md, CNIL 2022-100).

django-axes counts failures and locks an identifier at ``AXES_FAILURE_LIMIT`` (10) until
staff unlock it or a day passes. Before that, from the 5th consecutive failure each new
try must wait a delay that starts at one minute and doubles. A locked or waiting account
gets exactly the answer of a wrong password; the owner is told by email.

Addresses are throttled separately and more loosely (``LOGIN_FAILURES_PER_ADDRESS_HOUR``):
locking an address at 10 failures, as axes would, would lock out a whole company behind
one NAT address; so axes locks per identifier only (check axes.W006 is silenced for that).
"""

from __future__ import annotations

from datetime import timedelta

from axes.models import AccessAttempt
from django.conf import settings
from django.core.cache import cache
from django.db.models import Max, Sum
from django.http import HttpRequest, HttpResponse
from django.utils import timezone

from accounts.identifiers import canonical_identifier
from core import throttling as counters

# 'Password forgotten': (requests allowed, window in seconds) per typed identifier and per client address.
RESET_LIMITS = {"password_reset_identifier": (3, 3600), "password_reset_ip": (10, 3600)}


def axes_username(request: HttpRequest, credentials: dict | None = None) -> str:
    """AXES_USERNAME_CALLABLE: failures count against the account, whichever identifier was typed."""
    raw = (credentials or {}).get("username") or (request.POST.get("username") if request else "") or ""
    return canonical_identifier(raw)


def failures(username: str) -> tuple[int, timezone.datetime | None]:
    """Failures recorded for this identifier since the last success, and when the last one happened."""
    stats = AccessAttempt.objects.filter(username=username).aggregate(
        count=Sum("failures_since_start"), last=Max("attempt_time")
    )
    return stats["count"] or 0, stats["last"]


def wait_delay(failure_count: int) -> timedelta:
    """No delay before the threshold; then 1 minute, doubling at each further failure."""
    threshold = settings.LOGIN_DELAY_AFTER_FAILURES
    if failure_count < threshold:
        return timedelta(0)
    return timedelta(minutes=2 ** (failure_count - threshold))


def address_failure_recorded(ip: str | None) -> None:
    """Count a failed login from an address (all identifiers together), over a sliding hour."""
    if ip:
        key = f"login-failures:{ip}"
        cache.add(key, 0, timeout=3600)
        cache.incr(key)


def address_blocked(ip: str | None) -> bool:
    """An address that failed too often in the hour is refused, whatever identifier it tries."""
    return bool(ip) and (cache.get(f"login-failures:{ip}") or 0) >= settings.LOGIN_FAILURES_PER_ADDRESS_HOUR


def must_wait(identifier: str) -> bool:
    count, last = failures(canonical_identifier(identifier))
    return last is not None and timezone.now() < last + wait_delay(count)


def lockout_response(request: HttpRequest, original_response: HttpResponse | None, credentials: dict | None):
    """AXES_LOCKOUT_CALLABLE: the locked account gets the page a wrong password gets."""
    if original_response is not None:
        return original_response
    from accounts.views import LoginView

    return LoginView.as_view()(request)


def password_reset_allowed(*, identifier: str, ip: str | None) -> bool:
    """Both counters always move (per identifier typed, per address), whatever the account: no lookup here."""
    identifier_ok = _counted("password_reset_identifier", (identifier or "").strip().lower())
    ip_ok = _counted("password_reset_ip", ip or "unknown")
    return identifier_ok and ip_ok


def _counted(scope: str, value: str) -> bool:
    limit, window = {**RESET_LIMITS, **getattr(settings, "PASSWORD_RESET_LIMITS", {})}[scope]
    return counters.hit(scope, value, limit=limit, window=window)
