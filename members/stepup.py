"""Step-up authentication (SECURITY.md): the password asked again before an IBAN or email change.

Wrong answers are counted per login, so a stolen session cannot be used to guess the password, and as failed logins
of the account (``accounts.throttling.password_recheck``): the delays and the lock of the login form apply.
"""

from __future__ import annotations

import hashlib

from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from accounts.throttling import password_recheck

MAX_FAILURES = 5
WINDOW_SECONDS = 3600


def _key(user: User) -> str:
    return "members:stepup:" + hashlib.sha256(str(user.public_id).encode()).hexdigest()[:32]


def password_confirm(user: User, password: str) -> None:
    """Raise a ``password`` field error unless ``password`` is the user's, within the allowed tries."""
    key = _key(user)
    if (cache.get(key) or 0) >= MAX_FAILURES:
        raise ValidationError(
            {"password": ValidationError(_("Too many wrong passwords. Try again in an hour."), code="throttled")}
        )
    if not password_recheck(user=user, password=password):
        cache.add(key, 0, WINDOW_SECONDS)
        try:
            cache.incr(key)
        except ValueError:
            cache.set(key, 1, WINDOW_SECONDS)
        raise ValidationError({"password": ValidationError(_("This password is not correct."), code="wrong")})
