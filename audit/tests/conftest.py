"""Fixtures for the audit tests: a small sealed trail."""

from __future__ import annotations

import pytest
from django.utils import translation

from audit.chain import seal
from audit.models import AuditEvent
from audit.services import record


@pytest.fixture(autouse=True)
def _english():
    """Verdicts are asserted in English whatever translations the catalogues gain."""
    with translation.override("en"):
        yield


@pytest.fixture
def trail() -> list[AuditEvent]:
    """Five events, sealed; their ids are consecutive (not necessarily from 1 on PostgreSQL)."""
    events = [record(actor=None, action="contract.created", data={"n": n}) for n in range(1, 6)]
    seal(wait=30)  # on PostgreSQL the ids rolled back by earlier tests must first be proven lost
    return events
