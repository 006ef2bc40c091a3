"""Counters in the cache that bound how often a door may be knocked on.

Registration answers the same whatever happens, so the counters are not there to hide
anything: they stop someone from guessing a date of birth for a known membership number
until an account opens at their address, and from flooding the staff queue.
"""

from __future__ import annotations

from django.conf import settings

from core import throttling as counters

# scope: (attempts allowed, window in seconds); a setting may override any of them.
DEFAULT_LIMITS = {
    "registration_ip": (5, 3600),
    "registration_number": (5, 24 * 3600),
    "closure_password": (5, 3600),
}


def _limit(scope: str) -> tuple[int, int]:
    return {**DEFAULT_LIMITS, **getattr(settings, "REGISTRATION_LIMITS", {})}[scope]


def hit(scope: str, value: str) -> bool:
    """Count one attempt; True while the attempts in the current window stay within the limit."""
    limit, window = _limit(scope)
    return counters.hit(scope, value, limit=limit, window=window)


def exhausted(scope: str, value: str) -> bool:
    """Whether the limit is already reached, without counting an attempt."""
    return counters.exhausted(scope, value, limit=_limit(scope)[0])


def registration_allowed(*, ip: str | None, number: str) -> bool:
    """Both counters always move, so switching number from one address (or address for one number) is no way round."""
    ip_ok = hit("registration_ip", ip or "unknown")
    number_ok = hit("registration_number", number.upper())
    return ip_ok and number_ok
