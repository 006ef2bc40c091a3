"""Benchmark: one online claim with 10 care items × 5 photographed receipts of about 3 MB each (150 MB of JPEG).

Run: ``.venv/bin/python benchmarks/claim_upload.py [--mode api|service] [--items 10] [--documents 5]``.
Sets Django up on a temporary SQLite database and file folder (nothing of ``var/`` is touched), builds a member with
a guarantee table, generates the photos (not measured), then submits the claim — through the REST API with the test
client (multipart parsing, upload checks, re-encoding, encryption, storage) or straight through the claims service —
and prints the wall time and the peak memory: Python allocations (tracemalloc) and the process's maximum resident
set size (``resource.getrusage``, which includes the interpreter, Django and the generated photos).
"""

from __future__ import annotations

import argparse
import io
import os
import random
import resource
import sys
import tempfile
import time
import tracemalloc
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def setup(tmp: Path) -> None:
    os.environ["DATABASE_URL"] = f"sqlite:///{tmp / 'bench.sqlite3'}"
    os.environ["FILES_ROOT"] = str(tmp / "files")
    os.environ["VAR_DIR"] = str(tmp / "var")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "openmutuelle.settings")
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)


def photo(seed: int, target_bytes: int = 3_000_000) -> bytes:
    """A photographed bill: text on paper with sensor noise, 12 MP, JPEG quality raised until about 3 MB."""
    from PIL import Image, ImageDraw, ImageFont

    rng = random.Random(seed)  # noqa: S311 - test pictures, not secrets
    width, height = 3000, 4000
    image = Image.effect_noise((width, height), 28).convert("RGB")
    paper = Image.new("RGB", (width, height), (236, 232, 220))
    image = Image.blend(paper, image, 0.25)
    draw = ImageDraw.Draw(image)
    font = ImageFont.load_default(size=48)
    for y in range(200, height - 200, 80):
        line = "".join(rng.choice("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 .,€") for _ in range(50))
        draw.text((150, y), line, fill=(25, 25, 25), font=font)
    for quality in (80, 85, 90, 94):
        buffer = io.BytesIO()
        image.save(buffer, "JPEG", quality=quality)
        if buffer.tell() >= target_bytes:
            break
    return buffer.getvalue()


def member():
    from accounts.choices import ProfileKind
    from accounts.tests import factories as f
    from contracts.choices import GuaranteeBasis
    from contracts.models import CareCategory, GuaranteeLine
    from contracts.tests import factories as cf
    from people.tests.factories import person

    category = CareCategory.objects.update_or_create(
        code="BENCH_GP", defaults={"name_fr": "Généraliste", "name_en": "GP", "claimable_online": True}
    )[0]
    product = cf.product()
    GuaranteeLine.objects.create(product=product, category=category, basis=GuaranteeBasis.PERCENT_OF_BASE, rate=200)
    holder = person()
    cf.individual_contract(holder, product=product)
    return f.profile(ProfileKind.MEMBER, holder), category


def submit_api(profile, items, photos) -> int:
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.test import Client

    from api import services

    secret = services.token_create(actor=profile.user, profile=profile, name="bench", via="test")[1]
    data = {"beneficiary": str(profile.person.affiliations.get().public_id), "items": items, "accept_terms": "true"}
    for (n, m), content in photos.items():
        data[f"item{n}_doc{m}"] = SimpleUploadedFile(f"bill-{n}-{m}.jpg", content, content_type="image/jpeg")
    response = Client().post("/api/claims", data, HTTP_AUTHORIZATION=f"Bearer {secret}", HTTP_IDEMPOTENCY_KEY="bench-1")
    if response.status_code != 201:
        raise SystemExit(f"refused: {response.status_code} {response.content[:500]!r}")
    return len(response.json()["items"])


def submit_service(profile, item_inputs, photos) -> int:
    from django.core.files.uploadedfile import SimpleUploadedFile

    from claims import services
    from claims.uploads import check_upload

    documents = [
        [
            services.NewDocument(checked=check_upload(SimpleUploadedFile(f"b{n}{m}.jpg", content, "image/jpeg")))
            for (i, m), content in photos.items()
            if i == n
        ]
        for n in range(1, len(item_inputs) + 1)
    ]
    result = services.claim_submit(
        actor=profile.user,
        profile=profile,
        beneficiary_id=profile.person.affiliations.get().public_id,
        items=item_inputs,
        documents=documents,
        idempotency_key="bench-1",
        accept_terms=True,
    )
    return result.claim.items.count()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mode", choices=("api", "service"), default="api")
    parser.add_argument("--items", type=int, default=10)
    parser.add_argument("--documents", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="om-bench-") as folder:
        tmp = Path(folder)
        setup(tmp)
        import json

        from django.utils import timezone

        from claims.eligibility import ItemInput

        profile, category = member()
        care_date = timezone.localdate() - timedelta(days=3)
        amount = Decimal("40.00")
        raw_items = [
            {"care_date": str(care_date), "category": category.code, "practitioner": f"Dr Bench {n}",
             "country": "FR", "amount": str(amount), "currency": "EUR"}
            for n in range(1, args.items + 1)
        ]  # fmt: skip
        started = time.perf_counter()
        photos = {(n, m): photo(n * 100 + m) for n in range(1, args.items + 1) for m in range(1, args.documents + 1)}
        total_mb = sum(len(p) for p in photos.values()) / 1e6
        print(
            f"generated {len(photos)} JPEG photos, {total_mb:.1f} MB in all, in {time.perf_counter() - started:.1f} s"
        )
        rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        tracemalloc.start()
        started = time.perf_counter()
        if args.mode == "api":
            count = submit_api(profile, json.dumps(raw_items), photos)
        else:
            inputs = [
                ItemInput(care_date, category.code, f"Dr Bench {n}", "FR", amount, "EUR", documents=args.documents)
                for n in range(1, args.items + 1)
            ]
            count = submit_service(profile, inputs, photos)
        elapsed = time.perf_counter() - started
        _current, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        stored = sum(p.stat().st_size for p in (tmp / "files").rglob("*") if p.is_file()) / 1e6
        print(f"mode={args.mode}: claim with {count} items × {args.documents} documents submitted in {elapsed:.1f} s")
        print(f"peak Python allocations during the submission (tracemalloc): {peak / 1e6:.1f} MB")
        print(f"max RSS of the process: {rss:.0f} MB (before the submission: {rss_before:.0f} MB)")
        print(f"stored (re-encoded, encrypted): {stored:.1f} MB")


if __name__ == "__main__":
    main()
