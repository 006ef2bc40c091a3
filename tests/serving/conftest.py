"""The serving tests start real processes on a database of their own: migrated once, copied for each test."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from core.tests import processes


@pytest.fixture(scope="session")
def migrated_database(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("migrated")
    path = folder / "portal.sqlite3"
    result = processes.manage("migrate", "--noinput", env={"DATABASE_URL": f"sqlite:///{path}"}, var_dir=folder / "var")
    assert result.returncode == 0, result.stdout + result.stderr
    return path


@pytest.fixture
def database_url(migrated_database, tmp_path) -> str:
    """A fresh copy of the migrated database for one test, as a ``DATABASE_URL``."""
    path = tmp_path / "portal.sqlite3"
    shutil.copyfile(migrated_database, path)
    return f"sqlite:///{path}"


from claims.tests.conftest import categories, family, product  # noqa: E402, F401 - fixtures (a family's claim)
