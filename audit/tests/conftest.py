"""Fixtures for the audit tests: a small trail, and the powers of a database superuser."""

from __future__ import annotations

import pytest
from django.db import connection
from django.utils import translation

from audit import triggers
from audit.models import AuditEvent
from audit.services import record


@pytest.fixture(autouse=True)
def _english():
    """Verdicts are asserted in English whatever translations the catalogues gain."""
    with translation.override("en"):
        yield


@pytest.fixture
def trail() -> list[AuditEvent]:
    """Five events, ids 1 to 5."""
    return [record(actor=None, action="contract.created", data={"n": n}) for n in range(1, 6)]


@pytest.fixture
def superuser() -> None:
    """Drop the append-only triggers as a database superuser could; the test's rollback restores them."""
    triggers.drop(connection)
