"""Counters in the cache that bound how often a door may be knocked on.

Registration answers the same whatever happens, so the counters are not there to hide
anything: they bound the work one address or one typed email can cause (stored requests,
letters, notices) and stop the staff queue from being flooded. No counter can be spent by
someone else to keep the real person out: attempts count per address and per typed email,
the per-number counter only bounds details that do *not* match the records, and the one
submission whose facts match and whose email is the one on file is never refused
(``services.registration_submit``).
"""

from __future__ import annotations

from django.conf import settings

from core import throttling as counters

# scope: (attempts allowed, window in seconds); a setting may override any of them.
DEFAULT_LIMITS = {
    "registration_ip": (5, 3600),
    "registration_email": (5, 24 * 3600),
    "registration_number": (5, 24 * 3600),  # near misses only
    "registration_notice": (3, 24 * 3600),  # emails to the address on file, per record
    "activation_ip": (10, 3600),
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


def registration_allowed(*, ip: str | None, email: str) -> bool:
    """Both counters always move, so switching email from one address (or address for one email) is no way round."""
    ip_ok = hit("registration_ip", ip or "unknown")
    email_ok = hit("registration_email", email.strip().lower())
    return ip_ok and email_ok


def near_miss_allowed(*, number: str) -> bool:
    """Details that do not match a record: a few a day per number (guessing a birth date, flooding the queue)."""
    return hit("registration_number", number.upper())


def notice_allowed(*, kind: str, number: str) -> bool:
    return hit("registration_notice", f"{kind}:{number.upper()}")


def activation_allowed(*, ip: str | None) -> bool:
    return hit("activation_ip", ip or "unknown")
