"""sweep_files (issue 10 item 4): orphans and leftovers older than an hour go, referenced and young files stay."""

import os
import time
from io import StringIO

import pytest
from django.core.management import call_command

from claims import services
from claims.models import CareDocument, Claim
from claims.tests.conftest import documents, item, pdf_upload, stored_files
from documents.transactional import StoredFiles

pytestmark = pytest.mark.django_db
HOUR = 3600


def age(settings, name: str, seconds: int) -> None:
    path = settings.MEDIA_ROOT / name
    past = time.time() - seconds
    os.utime(path, (past, past))


def submit(fam, key: str):
    return services.claim_submit(
        actor=fam["user"],
        profile=fam["profile"],
        beneficiary_id=fam["principal"].public_id,
        items=[item()],
        documents=documents([pdf_upload()]),
        idempotency_key=key,
        accept_terms=True,
    )


def killed_between_store_and_commit(fam, monkeypatch) -> None:
    """The worker dies after storing the documents and before the commit: no cleanup of any kind runs."""

    def killed(**kwargs):
        raise SystemExit(-9)

    monkeypatch.setattr("claims.services.submission._create", killed)
    monkeypatch.setattr(StoredFiles, "__exit__", lambda self, *exc: False)
    with pytest.raises(SystemExit):
        submit(fam, "killed")
    monkeypatch.undo()


def sweep(*args) -> str:
    out = StringIO()
    call_command("sweep_files", *args, stdout=out)
    return out.getvalue()


def test_an_orphan_left_by_a_kill_is_swept_a_referenced_file_never(family, settings, monkeypatch):
    kept = submit(family, "kept").claim
    referenced = CareDocument.objects.get(item__claim=kept).stored_name
    killed_between_store_and_commit(family, monkeypatch)
    assert Claim.objects.count() == 1 and len(stored_files(settings)) == 2
    orphan = next(name for name in uploads_names(settings) if name != referenced)
    for name in (orphan, referenced):
        age(settings, name, 2 * HOUR)
    assert "orphans: 1 would remove" in sweep("--dry-run") and len(stored_files(settings)) == 2
    assert "orphans: 1 removed (0 younger kept, 1 referenced)" in sweep()
    assert uploads_names(settings) == [referenced]
    assert "orphans: 0 removed" in sweep()


def test_a_young_orphan_is_kept(family, settings, monkeypatch):
    killed_between_store_and_commit(family, monkeypatch)
    assert "orphans: 0 removed (1 younger kept" in sweep()
    assert len(stored_files(settings)) == 1


def test_leftover_temporary_copies_older_than_an_hour_go(tmp_path, settings):
    settings.FILE_UPLOAD_TEMP_DIR = str(tmp_path)
    old, young, other = tmp_path / "omclaim-abc", tmp_path / "tmpx1.upload", tmp_path / "not-ours"
    for path in (old, young, other):
        path.write_bytes(b"%PDF-1.4 plaintext receipt")
    os.utime(old, (time.time() - 2 * HOUR,) * 2)
    os.utime(other, (time.time() - 2 * HOUR,) * 2)
    assert "leftovers: 1 would remove" in sweep("--dry-run") and old.exists()
    assert "leftovers: 1 removed" in sweep()
    assert not old.exists() and young.exists() and other.exists()


def uploads_names(settings) -> list[str]:
    root = settings.MEDIA_ROOT
    return sorted(str(path.relative_to(root)) for path in root.rglob("*") if path.is_file())
