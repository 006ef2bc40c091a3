"""A family with one call for contributions to pay, for the payments tests."""

from __future__ import annotations

from datetime import date

import pytest

from contributions import services as contribution_services
from contributions.services import Quarter
from contributions.tests.conftest import _file_mail, make_family  # noqa: F401 - fixture


@pytest.fixture
def family(db):
    return make_family()


@pytest.fixture
def call(family):
    (issued,) = contribution_services.calls_generate(
        actor=None, quarter=Quarter(2026, 1), today=date(2025, 12, 12), notify=False
    )
    return issued
