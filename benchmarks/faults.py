"""Fault suite, long form: claim submissions with documents on real gunicorn workers killed at random points.

Run: ``.venv/bin/python benchmarks/faults.py [--runs 100] [--workers 2] [--database-url postgres://…]``.
Sets up a private folder (database file unless ``--database-url``, documents, temporary folder, ``TMPDIR``), a
member with an API token, and a mail server that accepts connections and never answers (every acknowledgement
hangs); starts ``gunicorn`` and, for each run, sends one claim (a PDF and a 12-megapixel photo) through the API
while a random worker gets SIGKILL after a random delay. The client retries with the same idempotency key until it
gets an answer, like a real one. Then it checks the invariants of issue 10 and prints the counts:

- every run made exactly one claim (no duplicate, none lost) and every committed claim has all its documents readable;
- no plaintext copy left in the temporary folder;
- orphans (stored files no row names, left by a kill between storing and committing) are found and removed by the
  sweeper (``sweep_files``), after which none is left.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def hanging_mail_server(port: int) -> socket.socket:
    server = socket.create_server(("127.0.0.1", port), reuse_port=True)
    held = []

    def accept() -> None:
        while True:
            try:
                held.append(server.accept()[0])
            except OSError:
                return

    threading.Thread(target=accept, daemon=True).start()
    return server


def environment(tmp: Path, args) -> dict[str, str]:
    (tmp / "tmp").mkdir()
    env = {
        "DATABASE_URL": args.database_url or f"sqlite:///{tmp / 'faults.sqlite3'}",
        "FILES_ROOT": str(tmp / "files"),
        "VAR_DIR": str(tmp / "var"),
        "TMPDIR": str(tmp / "tmp"),
        "EMAIL_URL": f"smtp://127.0.0.1:{args.port + 1}",
        "EMAIL_TIMEOUT": "3",
        "DJANGO_SETTINGS_MODULE": "openmutuelle.settings",
        "DB_CONN_MAX_AGE": "0",
    }
    os.environ.update(env)
    tempfile.tempdir = env["TMPDIR"]
    return {**os.environ, **env}


def prepare() -> tuple[str, str]:
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)
    from api import services
    from benchmarks.claim_upload import member

    profile, category = member()
    secret = services.token_create(actor=profile.user, profile=profile, name="faults", via="test")[1]
    beneficiary = str(profile.person.affiliations.get().public_id)
    return secret, json.dumps({"beneficiary": beneficiary, "category": category.code})


def claim_body(target: dict, photo: bytes, pdf: bytes) -> tuple[bytes, str]:
    from django.test.client import BOUNDARY, MULTIPART_CONTENT, encode_multipart
    from django.utils import timezone

    item = {"care_date": str(timezone.localdate() - timedelta(days=3)), "category": target["category"]}
    item |= {"practitioner": "Dr Faults", "country": "FR", "amount": "40.00", "currency": "EUR"}

    class Upload:
        def __init__(self, name: str, content: bytes, content_type: str):
            self.name, self.content, self.content_type = name, content, content_type

        def read(self) -> bytes:
            return self.content

    fields = {"beneficiary": target["beneficiary"], "items": json.dumps([item]), "accept_terms": "true"}
    fields |= {"item1_doc1": Upload("bill.pdf", pdf, "application/pdf")}
    fields |= {"item1_doc2": Upload("photo.jpg", photo, "image/jpeg")}
    return encode_multipart(BOUNDARY, fields), MULTIPART_CONTENT


def post(port: int, secret: str, key: str, body: bytes, content_type: str) -> int | str:
    request = urllib.request.Request(  # noqa: S310 - our own server on localhost
        f"http://127.0.0.1:{port}/api/claims",
        data=body,
        headers={"Authorization": f"Bearer {secret}", "Idempotency-Key": key, "Content-Type": content_type},
    )
    try:
        with urllib.request.urlopen(request, timeout=60) as response:  # noqa: S310
            return response.status
    except urllib.error.HTTPError as error:
        return error.code
    except (urllib.error.URLError, ConnectionError, TimeoutError) as error:
        return type(error).__name__


def workers_of(master: int) -> list[int]:
    command = ["pgrep", "-P", str(master)]  # the workers of our own gunicorn, by its process id
    found = subprocess.run(command, capture_output=True, text=True, check=False)  # noqa: S603, S607
    return [int(pid) for pid in found.stdout.split()]


def run(args) -> None:
    with tempfile.TemporaryDirectory(prefix="om-faults-") as folder:
        tmp = Path(folder)
        env = environment(tmp, args)
        secret, target = prepare()
        from benchmarks.claim_upload import photo
        from claims.tests.conftest import pdf_bytes

        body, content_type = claim_body(json.loads(target), photo(1, 1_500_000), pdf_bytes(2))
        mail = hanging_mail_server(args.port + 1)
        gunicorn = ROOT / ".venv" / "bin" / "gunicorn"
        command = [str(gunicorn), "openmutuelle.wsgi", "-b", f"127.0.0.1:{args.port}", "-w", str(args.workers)]
        command += ["--timeout", "60", "--graceful-timeout", "1", "--log-level", "warning"]
        server = subprocess.Popen(command, cwd=ROOT, env=env)  # noqa: S603
        try:
            counts = submit_all(args, server.pid, secret, body, content_type)
        finally:
            server.send_signal(signal.SIGTERM)
            server.wait(timeout=30)
            mail.close()
        check(args, tmp, counts)


def submit_all(args, master: int, secret: str, body: bytes, content_type: str) -> dict:
    deadline = time.monotonic() + 30
    while post(args.port, secret, "warm-up", body, content_type) not in (200, 201):
        if time.monotonic() > deadline:
            raise SystemExit("gunicorn did not answer")
        time.sleep(0.5)
    rng = random.Random(args.seed)  # noqa: S311 - random fault points, not secrets
    counts = {"runs": args.runs, "kills": 0, "first_attempt_failed": 0, "attempts": 0, "answers": {}}
    for n in range(args.runs):
        delay = rng.uniform(0, args.max_delay)

        def kill(delay: float = delay) -> None:
            time.sleep(delay)
            pids = workers_of(master)
            if pids:
                os.kill(rng.choice(pids), signal.SIGKILL)
                counts["kills"] += 1

        killer = threading.Thread(target=kill)
        killer.start()
        answer, attempts = None, 0
        while answer not in (200, 201):
            attempts += 1
            answer = post(args.port, secret, f"run-{n}", body, content_type)
            counts["answers"][str(answer)] = counts["answers"].get(str(answer), 0) + 1
            if answer not in (200, 201):
                time.sleep(0.3)
        killer.join()
        counts["attempts"] += attempts
        counts["first_attempt_failed"] += attempts > 1
    return counts


def check(args, tmp: Path, counts: dict) -> None:
    from django.core.files.storage import default_storage
    from django.db import connections

    from claims.models import CareDocument, Claim
    from documents.sweep import sweep

    connections.close_all()
    claims = Claim.objects.exclude(idempotency_key="warm-up")
    keys = list(claims.values_list("idempotency_key", flat=True))
    assert sorted(keys) == sorted(f"run-{n}" for n in range(args.runs)), "a run made no claim or two"
    unreadable = 0
    documents = CareDocument.objects.filter(item__claim__in=claims)
    for name, size in documents.values_list("stored_name", "size"):
        try:
            with default_storage.open(name) as stored:
                unreadable += len(stored.read()) != size
        except (OSError, ValueError):
            unreadable += 1
    incomplete = sum(claim.items.filter(documents__isnull=True).exists() for claim in claims)
    plaintext = sorted(p.name for p in (tmp / "tmp").rglob("*") if p.is_file())
    found = sweep(min_age=timedelta(0))
    left = sweep(min_age=timedelta(0), dry_run=True)
    print(json.dumps(counts))
    print(f"claims: {len(keys)} for {args.runs} runs; documents: {documents.count()}, unreadable: {unreadable}")
    print(f"claims missing a document: {incomplete}; plaintext files left in the temporary folder: {len(plaintext)}")
    print(f"orphans found and swept: {len(found.orphans)}; orphans left after the sweep: {len(left.orphans)}")
    if unreadable or incomplete or plaintext or left.orphans:
        raise SystemExit("an invariant does not hold")
    print("invariants hold")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=100)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--port", type=int, default=18750)
    parser.add_argument("--max-delay", type=float, default=1.5, help="Kill within this many seconds of the send.")
    parser.add_argument("--seed", type=int, default=10)
    parser.add_argument("--database-url", default="")
    run(parser.parse_args())


if __name__ == "__main__":
    main()
