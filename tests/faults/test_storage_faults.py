"""The document storage read-only or full (issue 10): a clean 503, nothing committed, nothing partial, no orphan."""

from __future__ import annotations

import errno
import os
from pathlib import Path

import pytest
from django.core.files.storage import FileSystemStorage

from claims.models import CareDocument, Claim
from tests.faults.conftest import assert_invariants, post_claim

N = int(os.environ.get("FAULT_RUNS", "20"))  # 20 in make test; FAULT_RUNS=100 for the long form
pytestmark = pytest.mark.django_db(transaction=True)


def read_only(self, name, content):
    raise OSError(errno.EROFS, "Read-only file system")


def full_after_first_bytes(self, name, content):
    """A full disk: the file is created and cut short (what FileSystemStorage leaves with mode 0644)."""
    path = Path(self.path(name))
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("wb") as handle:
        handle.write(next(iter(content.chunks()))[:100])
    raise OSError(errno.ENOSPC, "No space left on device")


@pytest.mark.parametrize("fault", [read_only, full_after_first_bytes], ids=["read-only", "full"])
def test_a_failing_storage_is_an_outage_that_leaves_nothing(api, family, monkeypatch, settings, temp_folder, fault):
    monkeypatch.setattr(FileSystemStorage, "_save", fault)
    for n in range(N):
        response = post_claim(api, family, f"storage-{n}", photo=n % 2 == 0)
        assert response.status_code == 503 and response["Retry-After"] == "30"
        assert response.json()["code"] == "service_unavailable"
    assert not Claim.objects.exists() and not CareDocument.objects.exists()
    stored = [p for p in settings.MEDIA_ROOT.rglob("*") if p.is_file()] if settings.MEDIA_ROOT.exists() else []
    assert stored == []
    assert assert_invariants(temp_folder) == {"claims": 0, "documents": 0}
