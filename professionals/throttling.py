"""Rate limits of the rights check and of the network search (SPEC X9), per login and per client address.

Counters live in the cache (Redis in production), keyed by a hash so that no address or login shows in clear.
Both counters always move: changing address for one login, or login for one address, is no way round. The web
pages and the API share the counters. A wrong answer of the rights check also moves a stricter counter, so that
trying numbers or birth dates stops long before the general budget is spent. ``PROFESSIONALS_LIMITS`` (a setting)
may override any limit: ``{"rights_user": (60, 3600)}``.
"""

from __future__ import annotations

from django.conf import settings

from core import throttling as counters

# scope: (attempts allowed, window in seconds)
DEFAULT_LIMITS = {
    "rights_user": (60, 3600),
    "rights_address": (120, 3600),
    "rights_miss_user": (15, 3600),
    "network_user": (60, 600),
    "network_address": (120, 600),
}


def _limit(scope: str) -> tuple[int, int]:
    return {**DEFAULT_LIMITS, **getattr(settings, "PROFESSIONALS_LIMITS", {})}[scope]


def _hit(scope: str, value: str) -> bool:
    limit, window = _limit(scope)
    return counters.hit(f"pro:{scope}", value, limit=limit, window=window)


def _exhausted(scope: str, value: str) -> bool:
    return counters.exhausted(f"pro:{scope}", value, limit=_limit(scope)[0])


def _allowed(prefix: str, *, user_id: int | None, ip: str | None) -> bool:
    user_ok = _hit(f"{prefix}_user", f"user:{user_id}") if user_id is not None else True
    address_ok = _hit(f"{prefix}_address", ip or "unknown")
    return user_ok and address_ok


def rights_check_allowed(*, user_id: int, ip: str | None) -> bool:
    """Count one rights check; False once the login, its address or its wrong answers are over their limit."""
    if _exhausted("rights_miss_user", f"user:{user_id}"):
        return False
    return _allowed("rights", user_id=user_id, ip=ip)


def rights_check_missed(*, user_id: int) -> None:
    """A check that found no rights: counted apart, with a lower limit."""
    _hit("rights_miss_user", f"user:{user_id}")


def network_search_allowed(*, user_id: int | None, ip: str | None) -> bool:
    """Count one directory search (anonymous visitors by address only)."""
    return _allowed("network", user_id=user_id, ip=ip)
