"""Documents on S3-compatible storage (issue 12): moto in server mode, spoken to over HTTP by django-storages.

What reaches the bucket is the encrypted frame format only; uploads, downloads, key rotation, erasure and the orphan
sweeper work on the bucket as they do on a local folder.
"""

from __future__ import annotations

import secrets
from io import StringIO

import pytest
from cryptography.fernet import Fernet
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import call_command

from claims.models import CareDocument
from claims.tests.conftest import make_claim
from core import crypto
from documents.storage import MAGIC, EncryptedStorage
from documents.tests.test_sweep import killed_between_store_and_commit
from privacy.hooks import Subject
from privacy.services import erasure_execute

pytestmark = pytest.mark.django_db


def test_a_document_is_encrypted_before_it_reaches_the_bucket_and_reads_back(s3_bucket):
    storage = EncryptedStorage()
    data = b"%PDF-1.4 feuille de soins " + secrets.token_bytes(150_000)  # three frames
    name = storage.save("claims/2026/scan.pdf", ContentFile(data))

    assert s3_bucket.keys() == ["claims/2026/scan.pdf"]
    stored = s3_bucket.read(name)
    assert stored.startswith(MAGIC) and b"feuille de soins" not in stored
    with storage.open(name) as handle:
        assert handle.read() == data
    assert storage.size(name) == len(data) and storage.exists(name)
    assert list(storage.stored_names("claims")) == [name]

    again = storage.save("claims/2026/scan.pdf", ContentFile(b"another"))
    assert again != name and len(s3_bucket.keys()) == 2  # a name taken is never overwritten
    with pytest.raises(NotImplementedError):
        storage.url(name)
    with pytest.raises(NotImplementedError):
        storage.backend.url(name)  # no public or signed link to the bucket either


def test_a_claim_submitted_stores_its_bill_in_the_bucket(s3_bucket, family):
    claim = make_claim(family)
    stored_name = CareDocument.objects.get(item__claim=claim).stored_name
    assert s3_bucket.keys() == [stored_name]
    with default_storage.open(stored_name) as handle:
        assert handle.read().startswith(b"%PDF")


def test_key_rotation_rewrites_the_objects_under_the_new_key(s3_bucket, settings):
    old, new = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    settings.ENCRYPTION_KEYS = [old]
    crypto.reset_keys()
    try:
        storage = EncryptedStorage()
        data = secrets.token_bytes(70_000)
        name = storage.save("privacy/export.json", ContentFile(data))
        before = s3_bucket.read(name)
        settings.ENCRYPTION_KEYS = [new, old]
        crypto.reset_keys()
        out = StringIO()
        call_command("rotate_encryption", stdout=out)
        assert "Documents re-encrypted: 1" in out.getvalue()
        assert s3_bucket.keys() == [name]  # rewritten in place, no temporary copy left
        assert s3_bucket.read(name) != before
        settings.ENCRYPTION_KEYS = [new]  # the old key dropped: everything still reads
        crypto.reset_keys()
        with storage.open(name) as handle:
            assert handle.read() == data
    finally:
        crypto.reset_keys()


def test_erasure_deletes_the_objects_of_the_erased_documents(s3_bucket, family, django_capture_on_commit_callbacks):
    make_claim(family)
    assert len(s3_bucket.keys()) == 1
    with django_capture_on_commit_callbacks(execute=True):
        report = erasure_execute(actor=None, subject=Subject(user=family["user"], person=family["holder"]), full=True)
    assert report["erased"]["claim_documents"] == 1
    assert s3_bucket.keys() == []


def test_the_sweeper_lists_the_bucket_and_removes_only_the_orphans(s3_bucket, family, monkeypatch):
    kept = make_claim(family)
    referenced = CareDocument.objects.get(item__claim=kept).stored_name
    killed_between_store_and_commit(family, monkeypatch)
    assert len(s3_bucket.keys()) == 2

    out = StringIO()
    call_command("sweep_files", "--minutes", "60", stdout=out)
    assert "orphans: 0 removed (1 younger kept, 1 referenced)" in out.getvalue()
    call_command("sweep_files", "--minutes", "0", stdout=out)
    assert "orphans: 1 removed (0 younger kept, 1 referenced)" in out.getvalue()
    assert s3_bucket.keys() == [referenced]


def test_a_backup_copies_the_objects_of_the_bucket_as_stored(s3_bucket, tmp_path):
    from backups.archive import copy_documents

    storage = EncryptedStorage()
    names = [storage.save(f"demarches/2026/{n}.pdf", ContentFile(secrets.token_bytes(1000))) for n in range(3)]
    entries = copy_documents(tmp_path)
    assert sorted(entries) == sorted(names)
    for name in names:
        assert (tmp_path / "documents" / name).read_bytes() == s3_bucket.read(name)  # still encrypted
