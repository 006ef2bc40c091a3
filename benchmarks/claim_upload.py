"""Benchmark: one online claim with 10 care items × 5 photographed receipts of about 3 MB each (150 MB of JPEG).

Run: ``.venv/bin/python benchmarks/claim_upload.py [--mode server|api|service] [--items 10] [--documents 5]``.

- ``server`` (default, issue 11's memory bar): the production server (gunicorn, ``gunicorn.conf.py``, one worker,
  ``DJANGO_ENV=production``, as ``benchmarks/load.py`` serves it, on a small PostgreSQL database it builds or reuses,
  ``--database``) receives the claim over HTTP. The figure is the **worker's** memory: its resident set once warmed up
  by a small claim (idle), then its peak while receiving, checking, re-encoding, encrypting and storing the big one
  (``VmHWM`` of ``/proc/<worker>/status``, reset through ``clear_refs`` before the request, and ``VmRSS`` sampled
  every 5 ms as a cross-check). Target: peak ≤ idle + 64 MB. The photos (10 distinct ones, each sent 5 times with a
  different JPEG comment, so 50 distinct files) are cached in ``<var dir>/photos``.
- ``api`` / ``service``: in this process on a temporary SQLite database, through the test client or straight through
  the claims service; prints the wall time and the peak Python allocations (tracemalloc). The process's maximum
  resident set size printed there includes the generated photos and the harness, not a server's worker.
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


def photos_cached(folder: Path, count: int, documents: int) -> list[bytes]:
    """``count`` × ``documents`` distinct JPEGs: 10 generated photos (cached), each made distinct by a JPEG comment."""
    folder.mkdir(parents=True, exist_ok=True)
    base = []
    for n in range(min(10, count * documents)):
        path = folder / f"photo-{n}.jpg"
        if not path.exists():
            path.write_bytes(photo(n))
        base.append(path.read_bytes())
    made = []
    for n in range(count * documents):
        comment = f"receipt {n}".encode()
        segment = b"\xff\xfe" + (len(comment) + 2).to_bytes(2, "big") + comment  # COM, right after SOI
        made.append(base[n % len(base)][:2] + segment + base[n % len(base)][2:])
    return made


def _status(pid: int) -> dict[str, int]:
    found = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        name, _, value = line.partition(":")
        if name in ("VmRSS", "VmHWM"):
            found[name] = int(value.split()[0]) // 1024  # MB
    return found


def server_mode(args) -> None:
    """The claim sent to a production worker; its idle and peak resident memory."""
    import json
    import subprocess
    import threading
    import uuid

    from benchmarks import load

    options = argparse.Namespace(
        database_url=f"postgres://postgres@127.0.0.1:5432/{args.database}", redis_db=args.redis_db, port=args.port,
        workers=1, target=None, secrets_from_env=False, rebuild=False, reuse=False, members=50, claims=100,
    )  # fmt: skip
    var_dir = Path(f"/tmp/{args.database}_var")  # noqa: S108
    var_dir.mkdir(parents=True, exist_ok=True)
    env = load.server_environment(options, var_dir)
    env["GUNICORN_TIMEOUT"] = "600"  # a loaded machine may take minutes over 50 photos: measure, do not kill
    load.ensure_database(options, env)
    load.django_setup(env)
    member = load.prepare(1)["members"][0]
    started = time.perf_counter()
    photos = photos_cached(var_dir / "photos", args.items, args.documents)
    ready = time.perf_counter() - started
    print(f"{len(photos)} photos, {sum(map(len, photos)) / 1e6:.1f} MB in all, ready in {ready:.1f} s")
    server = load.start_server(env, var_dir, args.port)
    client = load.Client(f"http://127.0.0.1:{args.port}", load.HOST)
    client.token, client.timeout = member["token"], 900.0
    try:
        workers = subprocess.run(["pgrep", "-P", str(server.pid)], capture_output=True, text=True, check=False)  # noqa: S603, S607
        (worker,) = [int(pid) for pid in workers.stdout.split()]

        def send(documents: list[list[bytes]]) -> tuple[int, float]:
            care = (timezone.localdate() - timedelta(days=3)).isoformat()
            items = [
                {"care_date": care, "category": member["category"], "practitioner": f"Dr Upload {n}", "country": "FR",
                 "amount": f"{30 + n}.{uuid.uuid4().int % 100:02d}", "currency": "EUR"}
                for n in range(1, len(documents) + 1)
            ]  # fmt: skip
            files = {
                f"item{n}_doc{m}": (f"bill-{n}-{m}.jpg", content, "image/jpeg")
                for n, docs in enumerate(documents, start=1)
                for m, content in enumerate(docs, start=1)
            }
            fields = {"beneficiary": member["beneficiary"], "items": json.dumps(items), "accept_terms": "true"}
            body, content_type = load.multipart(fields, files)
            began = time.perf_counter()
            answer = client.request(
                "POST", "/api/claims", body, {"Content-Type": content_type, "Idempotency-Key": str(uuid.uuid4())}
            )
            if answer.status != 201:
                raise SystemExit(f"refused: {answer.status} {answer.body[:500]!r}")
            return answer.status, time.perf_counter() - began

        from django.utils import timezone

        send([[load.small_jpeg(n)] for n in range(args.items)])  # warm-up: every code path loaded once
        time.sleep(1)
        idle = _status(worker)["VmRSS"]
        Path(f"/proc/{worker}/clear_refs").write_text("5")  # the peak (VmHWM) starts again from now
        samples, done = [], threading.Event()

        def sample() -> None:
            while not done.is_set():
                samples.append(_status(worker).get("VmRSS", 0))
                time.sleep(0.005)

        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        grouped = [photos[n * args.documents : (n + 1) * args.documents] for n in range(args.items)]
        _status_code, elapsed = send(grouped)
        done.set()
        sampler.join()
        peak = _status(worker)["VmHWM"]
        print(f"server mode: claim of {args.items} items × {args.documents} photos accepted in {elapsed:.1f} s")
        print(f"worker {worker}: idle {idle} MB, peak {peak} MB (sampled {max(samples)} MB): +{peak - idle} MB")
        print(f"target: peak ≤ idle + 64 MB — {'met' if peak - idle <= 64 else 'NOT met'}")
    finally:
        server.terminate()
        server.wait(timeout=60)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mode", choices=("server", "api", "service"), default="server")
    parser.add_argument("--database", default="om_upload", help="server mode: PostgreSQL database (built if missing).")
    parser.add_argument("--port", type=int, default=18390)
    parser.add_argument("--redis-db", type=int, default=3)
    parser.add_argument("--items", type=int, default=10)
    parser.add_argument("--documents", type=int, default=5)
    args = parser.parse_args()
    if args.mode == "server":
        server_mode(args)
        return
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
