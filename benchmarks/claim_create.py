"""Benchmark: create N claims of 10 care items with one small PDF per item, one after the other, and count queries.

Run: ``.venv/bin/python benchmarks/claim_create.py [--database-url postgres://…/om_bench_claims] [--claims 50]
[--items 10] [--mode api|service]``.
Builds (or reuses) the database named by ``--database-url`` (created and migrated when missing; SQLite by default,
in a temporary folder), stores the files in a temporary folder, builds a member with a guarantee table, then
submits the claims — through ``POST /api/claims`` with the test client (multipart parsing, file checks, encryption,
storage) or straight through the claims service — and prints the time per claim, the claims per second and the
queries per claim (the first claim apart: it creates the year's reference sequence).
Each claim's items differ (dates, amounts), so no duplicate is flagged.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
import uuid
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def setup(database_url: str, tmp: Path) -> None:
    os.environ["DATABASE_URL"] = database_url
    os.environ["FILES_ROOT"] = str(tmp / "files")
    os.environ["VAR_DIR"] = str(tmp / "var")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "openmutuelle.settings")
    if database_url.startswith("postgres"):
        _create_database(database_url)
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)


def _create_database(url: str) -> None:
    import psycopg
    from psycopg import sql

    base, name = url.rsplit("/", 1)
    with psycopg.connect(f"{base}/postgres", autocommit=True) as connection:
        if connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone() is None:
            connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def member():
    """claim_upload's subscriber and guarantee table; the factories' numbers start at random, so a reused database
    takes another one."""
    import itertools
    import random

    from accounts.tests import factories as f
    from benchmarks.claim_upload import member as built
    from contracts.tests import factories as cf
    from people.tests import factories as pf

    for module in (f, cf, pf):
        module._seq = itertools.count(random.randrange(1_000_000, 90_000_000))  # noqa: S311 (test data)
    return built()


def _today():
    from django.utils import timezone

    return timezone.localdate()


def pdf(label: str) -> bytes:
    import io

    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    writer.add_metadata({"/Title": label})
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def items_of(claim: int, count: int, category: str) -> list[dict]:
    """Distinct items: no claim repeats another's care (no duplicate flagged), each under the online ceiling."""
    return [
        {
            "care_date": str(_today() - timedelta(days=1 + (claim * count + n) % 300)),
            "category": category,
            "practitioner": f"Dr Bench {n}",
            "country": "FR",
            "amount": str(Decimal("20.00") + Decimal(claim * count + n) / 100),
            "currency": "EUR",
        }
        for n in range(count)
    ]


def submitter(mode: str, profile):
    """A function submitting one claim (its items, its files) and answering its number of items."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    beneficiary = profile.person.affiliations.get().public_id
    if mode == "api":
        from django.test import Client

        from api import services

        secret = services.token_create(actor=profile.user, profile=profile, name="bench", via="test")[1]
        client = Client()

        def submit_api(items: list[dict], files: list[bytes]) -> int:
            data = {"beneficiary": str(beneficiary), "items": json.dumps(items), "accept_terms": "true"}
            for n, content in enumerate(files, start=1):
                data[f"item{n}_doc1"] = SimpleUploadedFile(f"bill{n}.pdf", content, "application/pdf")
            headers = {"HTTP_AUTHORIZATION": f"Bearer {secret}", "HTTP_IDEMPOTENCY_KEY": str(uuid.uuid4())}
            response = client.post("/api/claims", data, **headers)
            if response.status_code != 201:
                raise SystemExit(f"refused: {response.status_code} {response.content[:500]!r}")
            return len(response.json()["items"])

        return submit_api

    from datetime import date

    from claims import services
    from claims.eligibility import ItemInput
    from claims.uploads import check_upload

    def submit_service(items: list[dict], files: list[bytes]) -> int:
        inputs = [
            ItemInput(
                date.fromisoformat(i["care_date"]), i["category"], i["practitioner"], "FR", Decimal(i["amount"]), "EUR"
            )
            for i in items
        ]
        documents = [
            [services.NewDocument(checked=check_upload(SimpleUploadedFile(f"b{n}.pdf", content, "application/pdf")))]
            for n, content in enumerate(files)
        ]
        result = services.claim_submit(
            actor=profile.user,
            profile=profile,
            beneficiary_id=beneficiary,
            items=inputs,
            documents=documents,
            idempotency_key=str(uuid.uuid4()),
            accept_terms=True,
        )
        return len(inputs) if result.created else 0

    return submit_service


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default="")
    parser.add_argument("--claims", type=int, default=50)
    parser.add_argument("--items", type=int, default=10)
    parser.add_argument("--mode", choices=("api", "service"), default="api")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="om-bench-") as folder:
        tmp = Path(folder)
        setup(args.database_url or f"sqlite:///{tmp / 'bench.sqlite3'}", tmp)
        from django.db import connection, reset_queries
        from django.test.utils import CaptureQueriesContext

        profile, category = member()
        submit = submitter(args.mode, profile)
        batches = [
            (items_of(k, args.items, category.code), [pdf(f"bench {k}-{n}") for n in range(args.items)])
            for k in range(args.claims + 1)
        ]
        submit(*batches[0])  # the first claim of the year creates its reference sequence: not measured
        queries = []
        started = time.perf_counter()
        for items, files in batches[1:]:
            reset_queries()  # the log keeps 9,000 queries at most: a full one would count none
            with CaptureQueriesContext(connection) as captured:
                count = submit(items, files)
            queries.append(len(captured))
            assert count == args.items
        elapsed = time.perf_counter() - started
        print(
            f"{connection.vendor}, mode={args.mode}: {args.claims} claims of {args.items} items × 1 PDF in "
            f"{elapsed:.2f} s: {elapsed / args.claims * 1000:.0f} ms a claim, {args.claims / elapsed:.1f} claims/s, "
            f"{min(queries)}–{max(queries)} queries a claim"
        )


if __name__ == "__main__":
    main()
