"""The encrypted document storage: round trips, nothing readable at rest, bounded memory."""

import hashlib
import os
import secrets
import tracemalloc
from pathlib import Path

import pytest
from django.core.files.base import ContentFile, File
from django.core.files.storage import default_storage
from django.core.files.storage import storages as storage_handler

from core import crypto
from documents.storage import (
    CHUNK_SIZE,
    FULL_FRAME_SIZE,
    MAGIC,
    CorruptedFileError,
    EncryptedStorage,
    fernet_token_size,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def storage():
    return EncryptedStorage()


def raw_bytes(settings, name: str) -> bytes:
    return (Path(settings.MEDIA_ROOT) / name).read_bytes()


def test_the_default_storage_encrypts():
    assert isinstance(storage_handler["default"], EncryptedStorage)
    assert isinstance(default_storage, EncryptedStorage)


def test_a_megabyte_of_random_bytes_round_trips(storage, settings):
    data = secrets.token_bytes(1024 * 1024)

    name = storage.save("claims/scan.pdf", ContentFile(data))

    with storage.open(name) as stored:
        assert stored.read() == data
        assert stored.size == len(data)
    assert storage.size(name) == len(data)
    assert raw_bytes(settings, name).startswith(MAGIC)


def test_the_bytes_at_rest_do_not_contain_the_plaintext(storage, settings):
    secret = b"Diagnosis: confidential medical detail for Jeanne Dupont. "
    data = secret * 5000 + secrets.token_bytes(4096)

    name = storage.save("claims/report.txt", ContentFile(data))

    at_rest = raw_bytes(settings, name)
    assert secret not in at_rest
    assert data[-64:] not in at_rest
    assert b"Jeanne" not in at_rest


@pytest.mark.parametrize("size", [0, 1, 15, 16, CHUNK_SIZE - 1, CHUNK_SIZE, CHUNK_SIZE + 1, 3 * CHUNK_SIZE])
def test_sizes_around_the_frame_boundaries(storage, size):
    data = secrets.token_bytes(size)

    name = storage.save(f"sizes/{size}.bin", ContentFile(data))

    assert storage.size(name) == size
    assert storage.open(name).read() == data


def test_small_reads_are_served_across_frames(storage):
    data = secrets.token_bytes(CHUNK_SIZE + 100)
    name = storage.save("reads.bin", ContentFile(data))

    with storage.open(name) as stored:
        pieces = [stored.read(1000) for _ in range(66)]
        pieces.append(stored.read())

    assert b"".join(pieces) == data


@pytest.mark.parametrize("size", [0, 1, 100, CHUNK_SIZE])
def test_the_token_size_formula_matches_fernet(size):
    assert fernet_token_size(size) == len(crypto.encrypt(b"x" * size))


def test_saving_under_a_taken_name_keeps_both_files(storage):
    first = storage.save("same.txt", ContentFile(b"first"))
    second = storage.save("same.txt", ContentFile(b"second"))

    assert first == "same.txt"
    assert second != first
    assert storage.open(first).read() == b"first"
    assert storage.open(second).read() == b"second"


def test_exists_listdir_and_delete_reach_the_backend(storage):
    name = storage.save("folder/doc.txt", ContentFile(b"text"))

    assert storage.exists(name)
    assert storage.listdir("folder") == ([], ["doc.txt"])
    assert list(storage.stored_names()) == ["folder/doc.txt"]
    storage.delete(name)
    assert not storage.exists(name)


def test_documents_have_no_url(storage):
    name = storage.save("doc.txt", ContentFile(b"text"))

    with pytest.raises(NotImplementedError):
        storage.url(name)


def test_documents_open_for_reading_only(storage):
    name = storage.save("doc.txt", ContentFile(b"text"))

    with pytest.raises(ValueError, match="rb"):
        storage.open(name, "wb")


def test_a_missing_document_fails_at_open(storage):
    with pytest.raises(FileNotFoundError):
        storage.open("missing.pdf")


def test_a_file_not_written_by_the_storage_is_refused(storage):
    storage.backend.save("plain.txt", ContentFile(b"plain text, not encrypted"))

    with pytest.raises(CorruptedFileError):
        storage.open("plain.txt")


def test_a_truncated_document_is_refused(storage, settings):
    name = storage.save("doc.bin", ContentFile(secrets.token_bytes(2 * CHUNK_SIZE)))
    path = Path(settings.MEDIA_ROOT) / name
    path.write_bytes(path.read_bytes()[:-10])

    with storage.open(name) as stored, pytest.raises(CorruptedFileError):
        stored.read()


def test_a_document_cut_between_two_frames_is_refused(storage, settings):
    name = storage.save("doc.bin", ContentFile(secrets.token_bytes(2 * CHUNK_SIZE)))
    path = Path(settings.MEDIA_ROOT) / name
    path.write_bytes(path.read_bytes()[: len(MAGIC) + FULL_FRAME_SIZE])

    with storage.open(name) as stored, pytest.raises(CorruptedFileError, match="cut short"):
        stored.read()


def test_another_backend_storage_is_used_when_configured(storage, settings):
    settings.DOCUMENTS_BACKEND_STORAGE = "django.core.files.storage.InMemoryStorage"
    data = secrets.token_bytes(CHUNK_SIZE * 2 + 5)

    name = storage.save("memory/doc.bin", ContentFile(data))

    assert storage.open(name).read() == data
    assert not (Path(settings.MEDIA_ROOT) / name).exists()


def _write_random_file(path: Path, size: int) -> str:
    digest = hashlib.sha256()
    with path.open("wb") as out:
        for _ in range(size // CHUNK_SIZE):
            chunk = os.urandom(CHUNK_SIZE)
            digest.update(chunk)
            out.write(chunk)
    return digest.hexdigest()


@pytest.mark.slow
def test_a_large_file_is_streamed_not_loaded(storage, tmp_path):
    size = 20 * 1024 * 1024
    source = tmp_path / "large.bin"
    expected = _write_random_file(source, size)

    tracemalloc.start()
    try:
        with source.open("rb") as upload:
            name = storage.save("large.bin", File(upload))
        digest = hashlib.sha256()
        with storage.open(name) as stored:
            for chunk in stored.chunks():
                digest.update(chunk)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()

    assert digest.hexdigest() == expected
    assert storage.size(name) == size
    assert peak < 4 * 1024 * 1024, f"peak {peak} bytes for a {size}-byte file"
