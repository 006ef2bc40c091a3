import pytest
from django.core.cache import cache


@pytest.fixture(autouse=True)
def _fresh_counters_and_fast_hashes(settings):
    """Rate-limit counters live in the cache: each test starts from zero. Hashing need not be slow here."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    cache.clear()
    yield
    cache.clear()
