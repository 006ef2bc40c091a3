"""The fault suite's fixtures: a family that claims, fake mail servers, and the invariants checked after faults.

Invariants (issue 10): every committed claim has all its documents readable; no plaintext copy left in the
temporary folder; no orphan stored file.
"""

from __future__ import annotations

import socket
import tempfile
import threading
from datetime import timedelta
from pathlib import Path

import pytest
from django.core.files.storage import default_storage
from django.db import connections
from django.test import Client

from api.tests.conftest import bearer, token_for
from claims.models import CareDocument, Claim
from claims.tests import conftest as claims_fixtures
from claims.tests.conftest import item, items_json, pdf_upload, sharp_jpeg, upload
from documents.sweep import sweep

categories, product, family = claims_fixtures.categories, claims_fixtures.product, claims_fixtures.family

HANGING_PORT, REFUSING_PORT = 18701, 18702  # helper h7's port range
DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


@pytest.fixture
def temp_folder(tmp_path, monkeypatch, settings):
    """The temporary folder of this test: every plaintext copy an upload could leave would be here."""
    folder = tmp_path / "tmp"
    folder.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(folder))
    settings.FILE_UPLOAD_TEMP_DIR = str(folder)
    return folder


@pytest.fixture
def smtp(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_USE_TLS, settings.EMAIL_USE_SSL = "127.0.0.1", False, False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_TIMEOUT = 1
    return settings


@pytest.fixture
def hanging_smtp(smtp):
    """A mail server that accepts the connection and then says nothing, forever."""
    server = socket.create_server(("127.0.0.1", HANGING_PORT), reuse_port=True)
    held: list[socket.socket] = []
    stop = threading.Event()

    def accept() -> None:
        server.settimeout(0.2)
        while not stop.is_set():
            try:
                held.append(server.accept()[0])
            except TimeoutError:
                continue

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    smtp.EMAIL_PORT = HANGING_PORT
    yield held
    stop.set()
    thread.join()
    for connection in held:
        connection.close()
    server.close()


@pytest.fixture
def refusing_smtp(smtp):
    """A mail server that is not there: the connection is refused."""
    with pytest.raises(OSError), socket.create_connection(("127.0.0.1", REFUSING_PORT), timeout=1):
        pass
    smtp.EMAIL_PORT = REFUSING_PORT
    return smtp


@pytest.fixture
def api(family):
    return bearer(token_for(family["profile"]))


def post_claim(headers: dict, fam, key: str, client: Client | None = None, *, photo: bool = True, pdf: bytes = b""):
    """One API submission with two documents (a PDF and a photo, or two PDFs) on one care item; ``pdf``: the same
    bytes for both (identical submissions)."""
    if pdf:
        first, second = upload(pdf, "bill.pdf"), upload(pdf, "copy.pdf")
    else:
        first = pdf_upload()
        second = upload(sharp_jpeg(), "photo.jpg", "image/jpeg") if photo else pdf_upload()
    data = {
        "beneficiary": str(fam["principal"].public_id),
        "items": items_json(item()),
        "accept_terms": "true",
        "item1_doc1": first,
        "item1_doc2": second,
    }
    return (client or Client()).post("/api/claims", data, **headers, HTTP_IDEMPOTENCY_KEY=key)


def assert_invariants(temp: Path) -> dict[str, int]:
    """Every committed claim's documents readable, no plaintext copy in ``temp``, no orphan; returns the counts."""
    documents = CareDocument.objects.filter(item__isnull=False).values_list("stored_name", "size")
    for name, size in documents:
        with default_storage.open(name) as stored:
            assert len(stored.read()) == size, name
    for claim in Claim.objects.all():
        assert CareDocument.objects.filter(item__claim=claim).exists(), claim.reference
    left = sorted(p.name for p in temp.iterdir())
    assert left == [], f"plaintext copies left: {left}"
    report = sweep(min_age=timedelta(0), dry_run=True)
    assert report.orphans == [], f"orphans: {report.orphans}"
    return {"claims": Claim.objects.count(), "documents": len(documents)}


def concurrently(count: int, action) -> list:
    """Run ``action(i)`` in ``count`` threads released together; their answers, or the exceptions they raised."""
    barrier = threading.Barrier(count)
    results: list = [None] * count

    def run(index: int) -> None:
        try:
            barrier.wait()
            results[index] = action(index)
        except Exception as error:  # noqa: BLE001 - the test looks at every answer
            results[index] = error
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


# The task fault tests' real workers (tests/faults/test_tasks.py).
from jobs.tests.fixtures import queue_down  # noqa: E402, F401 - fixture
from tests.faults.task_workers import box, engine, workers  # noqa: E402, F401 - fixtures
