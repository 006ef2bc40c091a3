"""Benchmark: the upload never waits on the OCR (issue 15) — a claim submission with documents, reading on and off.

Run: ``.venv/bin/python benchmarks/upload_reading.py [--runs 20]``.

In this process, on a temporary SQLite database, through the API (``POST /api/claims``, the test client): one care
item with two documents, a phone photo of a feuille de soins (JPEG) and the same bill as a PDF with its text layer.
The submissions alternate, pair by pair (so a drift of the machine's speed hits both), between:

- ``off``: ``READING_SUPPORTING_DOCUMENTS`` off;
- ``on``: reading on, tasks queued on the embedded default (``django_tasks_db``, a row; no worker runs here): the
  request writes the readings and one task handoff, and nothing is read before the answer;

and once more, as the yardstick of what waiting would cost, ``inline``: reading on with the immediate backend (the
OCR of both documents runs in the request, as if the upload waited for it). Prints the median, min and max of each,
the pairwise on/off ratio (median) and the load average before and after.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

QUEUED = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
INLINE = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


def bill_files(care_date) -> tuple[bytes, bytes]:
    from random import Random

    from reading import corpus
    from reading.tests.test_parser import FEUILLE

    text = FEUILLE.replace("14/03/2026", f"{care_date:%d/%m/%Y}").splitlines()
    bill = corpus.Bill("feuille_de_soins", text)
    photographed = corpus.degrade(corpus.render_image(bill), "mild", Random(15))  # noqa: S311 - a test picture
    photo = corpus.encode(photographed, "jpeg")
    return photo, corpus.render_pdf(bill)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=20, help="pairs of submissions (reading off, then on)")
    parser.add_argument("--inline", type=int, default=3, help="submissions with the OCR in the request (yardstick)")
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="upload_reading_"))
    from benchmarks.claim_upload import member, setup

    setup(tmp)
    import json

    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.test import Client, override_settings
    from django.utils import timezone

    from api import services
    from reading.models import Reading

    profile, category = member()
    secret = services.token_create(actor=profile.user, profile=profile, name="bench", via="test")[1]
    care_date = timezone.localdate() - timedelta(days=3)
    photo, pdf = bill_files(care_date)
    item = {"care_date": care_date.isoformat(), "category": category.code, "practitioner": "Dr Claire Martin",
            "country": "FR", "amount": "30.00", "currency": "EUR"}  # fmt: skip
    beneficiary = str(profile.person.affiliations.get().public_id)
    client, sent = Client(), iter(range(10**6))

    def submit(reading: bool, tasks: dict) -> float:
        number = next(sent)
        data = {
            "beneficiary": beneficiary,
            "items": json.dumps([{**item, "amount": f"{30 + number % 50}.{number % 100:02d}"}]),
            "accept_terms": "true",
            "item1_doc1": SimpleUploadedFile("feuille.jpg", photo, content_type="image/jpeg"),
            "item1_doc2": SimpleUploadedFile("feuille.pdf", pdf, content_type="application/pdf"),
        }
        with override_settings(READING_SUPPORTING_DOCUMENTS=reading, TASKS=tasks, API_THROTTLE_USER="100000/m"):
            started = time.perf_counter()
            response = client.post(
                "/api/claims", data, HTTP_AUTHORIZATION=f"Bearer {secret}", HTTP_IDEMPOTENCY_KEY=f"bench-{number}"
            )
            elapsed = time.perf_counter() - started
        if response.status_code != 201:
            raise SystemExit(f"refused: {response.status_code} {response.content[:300]!r}")
        return elapsed

    load_before = os.getloadavg()
    submit(False, QUEUED), submit(True, QUEUED)  # warm-up: URLs, templates, first queries
    pairs = [(submit(False, QUEUED), submit(True, QUEUED)) for _ in range(args.runs)]
    pending = Reading.objects.filter(status="pending").count()
    inline = [submit(True, INLINE) for _ in range(args.inline)]
    load_after = os.getloadavg()

    def row(name: str, values: list[float]) -> str:
        ms = [v * 1000 for v in values]
        return f"{name:7} median {statistics.median(ms):8.1f} ms  (min {min(ms):.1f}, max {max(ms):.1f}, n={len(ms)})"

    print(row("off", [off for off, _ in pairs]))
    print(row("on", [on for _, on in pairs]))
    print(row("inline", inline))
    ratios = [on / off for off, on in pairs]
    median_off = statistics.median([off for off, _ in pairs])
    print(
        f"on/off ratio, pair by pair: median {statistics.median(ratios):.2f} (min {min(ratios):.2f}, "
        f"max {max(ratios):.2f}); inline/off {statistics.median(inline) / median_off:.1f}"
    )
    print(f"readings pending after the 'on' submissions (the worker reads them): {pending} of {2 * (args.runs + 1)}")
    print(f"load average before {load_before[0]:.2f}, after {load_after[0]:.2f} ({os.cpu_count()} cores)")


if __name__ == "__main__":
    main()
