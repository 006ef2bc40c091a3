"""The claims tests' family and contract fixtures, reused for the reading of bills."""

from claims.tests.conftest import (  # noqa: F401
    categories,
    claims_staff,
    family,
    member_client,
    other_family,
    product,
)
