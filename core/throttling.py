"""Counters in the cache that bound how often something may be tried (SPEC A8, X9): registration, the rights check,
the directory search. Keys hold a hash, so no address, number or login shows in clear in the cache (Redis in
production); each app names its scopes and limits."""

from __future__ import annotations

import hashlib

from django.core.cache import cache


def _key(scope: str, value: str) -> str:
    return f"throttle:{scope}:{hashlib.sha256(value.encode()).hexdigest()[:32]}"


def hit(scope: str, value: str, *, limit: int, window: int) -> bool:
    """Count one attempt; True while the attempts in the current window stay within ``limit``."""
    key = _key(scope, value)
    cache.add(key, 0, window)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, window)
        count = 1
    return count <= limit


def count(scope: str, value: str) -> int:
    """The attempts counted in the current window, without counting one."""
    return cache.get(_key(scope, value)) or 0


def exhausted(scope: str, value: str, *, limit: int) -> bool:
    """Whether ``limit`` is already reached, without counting an attempt."""
    return count(scope, value) >= limit


def reset(scope: str, value: str) -> None:
    """Forget the attempts counted (after a success)."""
    cache.delete(_key(scope, value))
