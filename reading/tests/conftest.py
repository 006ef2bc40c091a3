"""The claims tests' family and contract fixtures, reused for the reading of bills."""

from claims.tests.conftest import categories, family, member_client, other_family, product  # noqa: F401
