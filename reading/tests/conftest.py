"""The claims tests' family and contract fixtures, reused for the reading of bills."""

import pytest

from claims.tests.conftest import (  # noqa: F401
    categories,
    claims_staff,
    family,
    member_client,
    other_family,
    product,
)
from jobs.tests.fixtures import queue_down  # noqa: F401 - fixture


@pytest.fixture(autouse=True)
def _read_supporting_documents(settings):
    """The reading of every stored supporting document is off in the rest of the suite (tasks run at once there)."""
    settings.READING_SUPPORTING_DOCUMENTS = True
