"""Fixtures shared by every app's tests."""

import pytest


@pytest.fixture(autouse=True)
def _isolated_files(settings, tmp_path):
    """Each test writes documents, mail and the audit head into its own folder."""
    settings.MEDIA_ROOT = tmp_path / "files"
    settings.EMAIL_FILE_PATH = str(tmp_path / "mail")
    settings.AUDIT_HEAD_FILE = tmp_path / "audit-head.log"
