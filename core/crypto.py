"""Encryption at rest for sensitive fields and documents (SPEC X2).

Keys come from ``settings.ENCRYPTION_KEYS`` (Fernet keys, newest first). The first key
encrypts; every key decrypts, so a key can be rotated by putting a new one in front and
re-encrypting (``manage.py rotate_encryption``) before the old one is dropped.
"""

from __future__ import annotations

import hashlib
import hmac
from functools import lru_cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings

__all__ = ["InvalidToken", "blind_index", "decrypt", "encrypt", "fernet", "reset_keys"]


@lru_cache(maxsize=1)
def _fernet(keys: tuple[str, ...]) -> MultiFernet:
    return MultiFernet([Fernet(key) for key in keys])


def fernet() -> MultiFernet:
    return _fernet(tuple(settings.ENCRYPTION_KEYS))


def reset_keys() -> None:
    """Forget cached keys (tests that change ``ENCRYPTION_KEYS``)."""
    _fernet.cache_clear()


def encrypt(data: bytes) -> bytes:
    return fernet().encrypt(data)


def decrypt(token: bytes) -> bytes:
    return fernet().decrypt(token)


def rotate(token: bytes) -> bytes:
    """Re-encrypt a token under the newest key."""
    return fernet().rotate(token)


def blind_index(value: str) -> str:
    """A keyed hash that lets an encrypted value be looked up by equality without decrypting."""
    key = hashlib.sha256(("blind-index:" + settings.SECRET_KEY).encode()).digest()
    return hmac.new(key, value.encode(), hashlib.sha256).hexdigest()
