"""The claims fixtures (a family with a contract, categories) for the sweeper's tests."""

from claims.tests.conftest import categories, family, product  # noqa: F401 - fixtures
