"""The secret of a personal token: how it is made, digested and tied to the owner's password.

A secret is ``om_`` followed by 256 random bits; with that much entropy a plain SHA-256
digest is enough to store it (no salt or slow hash needed), and lets a request find its
token with one indexed lookup.
"""

from __future__ import annotations

import hashlib
import secrets

from django.conf import settings
from django.utils.crypto import constant_time_compare, salted_hmac

from accounts.models import User

SECRET_PREFIX = "om_"
CLEAR_PREFIX_LENGTH = 10  # "om_" and 7 characters: enough to recognise a token, useless to guess it
SECRET_MAX_LENGTH = 100
_FINGERPRINT_SALT = "api.tokens.password-fingerprint"


def secret_generate() -> str:
    return SECRET_PREFIX + secrets.token_urlsafe(32)


def secret_digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def secret_looks_valid(secret: str) -> bool:
    """Cheap shape check before any database lookup."""
    return secret.startswith(SECRET_PREFIX) and len(secret) <= SECRET_MAX_LENGTH


def password_fingerprint(user: User, secret_key: str | None = None) -> str:
    """A keyed digest of the password hash: it changes whenever the password does."""
    return salted_hmac(_FINGERPRINT_SALT, user.password, secret=secret_key, algorithm="sha256").hexdigest()


def password_unchanged(user: User, fingerprint: str) -> bool:
    """True while the password is the one the token was created under (secret key rotation tolerated)."""
    keys = [settings.SECRET_KEY, *getattr(settings, "SECRET_KEY_FALLBACKS", [])]
    return any(constant_time_compare(password_fingerprint(user, key), fingerprint) for key in keys)
