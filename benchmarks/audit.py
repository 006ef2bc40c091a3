"""Benchmark: the audit trail on PostgreSQL — verifying a million events, 8 concurrent writers, a long transaction.

Run: ``.venv/bin/python benchmarks/audit.py [--database-url postgres://…/om_bench] [--events 1000000]
[--writers 1,8] [--seconds 10] [--synchronous-commit on|off|both] [--only verify|throughput|latency]``.
The database is migrated and its audit tables emptied: give it a database of its own (default ``om_audit_bench``
on the local server).

- verify: INSERTs ``--events`` events in one statement (generate_series), seals them (``audit.chain.seal``), then
  times ``verify_chain`` (a full walk, which leaves a checkpoint) and ``--from-checkpoint`` after 10 000 more.
- throughput: ``--writers`` processes each call ``audit.record()`` in its own transaction for ``--seconds``; events/s.
  With ``synchronous_commit=on`` every one of those transactions waits for its WAL flush: the disk's fdatasync rate
  (``pg_test_fsync``) times what group commit gathers bounds it; ``off`` shows what the code path itself allows.
- latency: one process holds a transaction with an ``audit.record()`` in it for 8 s while this one records and
  commits every 0.5 s; the worst and median latency (it would be the 8 s under a chain-head lock).
The machine's load (``uptime``) is printed before and after each part.
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/om_audit_bench"


def setup(url: str) -> None:
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("AUDIT_ANCHOR_DIR", str(Path(tempfile.mkdtemp()) / "audit-anchors"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "openmutuelle.settings")
    import django

    django.setup()
    from django.utils import translation

    translation.activate("en")


def load() -> str:
    return subprocess.run(["/usr/bin/uptime"], capture_output=True, text=True, check=False).stdout.strip()


def empty_trail() -> None:
    from django.db import connection

    from audit import triggers

    triggers.drop(connection)
    triggers.drop_truncate(connection, function=False)
    with connection.cursor() as cursor:
        cursor.execute("TRUNCATE audit_auditevent, audit_auditseal, audit_auditcheckpoint RESTART IDENTITY")
    triggers.install_truncate(connection, function=False)
    triggers.install(connection)


def bench_verify(events: int) -> None:
    from django.db import connection

    from audit.chain import seal, verify_chain

    empty_trail()
    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO audit_auditevent (occurred_at, actor_id, actor_label, profile, action, target_type, "
            "target_id, data, ip, user_agent) SELECT now() - (%s - g) * interval '1 ms', g %% 5000, "
            "'member' || (g %% 5000), 'member', 'claim.submitted', 'claims.claim', md5(g::text)::uuid::text, "
            "jsonb_build_object('reference', 'CLM-2026-' || g, 'amount', '123.45', 'items', 3), "
            "('192.168.1.' || (g %% 250))::inet, 'Mozilla/5.0 (X11; Linux x86_64) Firefox/140' "
            "FROM generate_series(1, %s) g",
            [events, events],
        )
        cursor.execute("ANALYZE audit_auditevent")
    inserted = time.perf_counter()
    sealed = seal(batch=50_000, wait=30)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE audit_auditseal")
    sealing = time.perf_counter() - inserted
    print(f"  inserted {events} events in {inserted - started:.1f} s; sealed {sealed} in {sealing:.1f} s")
    for label, kwargs in (("full", {}), ("full (again, warm cache)", {})):
        cpu, started = time.process_time(), time.perf_counter()
        result = verify_chain(seal_first=False, **kwargs)
        wall = time.perf_counter() - started
        print(
            f"  verify_audit {label}: {result.message} — {wall:.2f} s wall, {time.process_time() - cpu:.2f} s "
            f"Python CPU, {result.checked / wall:,.0f} events/s"
        )
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO audit_auditevent (occurred_at, actor_label, profile, action, target_type, target_id, data, "
            "user_agent) SELECT now(), 'system', '', 'claim.paid', '', '', '{}', '' FROM generate_series(1, 10000)"
        )
    seal(wait=30)
    started = time.perf_counter()
    result = verify_chain(seal_first=False, from_checkpoint=True)
    print(f"  verify_audit --from-checkpoint: {result.message} — {time.perf_counter() - started:.2f} s")


def _writer(url: str, seconds: float, synchronous_commit: str, ready, go, counts) -> None:
    setup(url)
    from django.db import connection, transaction

    from audit.services import record

    with connection.cursor() as cursor:
        cursor.execute(f"SET synchronous_commit = {'off' if synchronous_commit == 'off' else 'on'}")
    ready.release()
    go.wait()
    done, deadline = 0, time.monotonic() + seconds
    while time.monotonic() < deadline:
        with transaction.atomic():
            record(actor=None, action="account.logged_in", data={"n": done})
        done += 1
    counts.put(done)


def bench_throughput(url: str, writers: int, seconds: float, synchronous_commit: str = "on") -> None:
    from audit.chain import seal, verify_chain

    empty_trail()
    context = multiprocessing.get_context("spawn")
    counts, ready, go = context.Queue(), context.Semaphore(0), context.Event()
    processes = [
        context.Process(target=_writer, args=(url, seconds, synchronous_commit, ready, go, counts))
        for _ in range(writers)
    ]
    for process in processes:
        process.start()
    for _process in processes:  # every process imported Django and connected
        ready.acquire()
    go.set()
    total = sum(counts.get() for _ in processes)
    for process in processes:
        process.join()
    print(
        f"  {writers} writers × {seconds:.0f} s, synchronous_commit={synchronous_commit}: {total} events, "
        f"{total / seconds:,.0f} events/s"
    )
    started = time.perf_counter()
    sealed = seal(wait=30)
    print(f"  sealed afterwards: {sealed} in {time.perf_counter() - started:.2f} s; {verify_chain().message}")


def _holder(url: str, hold: float, recorded) -> None:
    setup(url)
    from django.db import transaction

    from audit.services import record

    with transaction.atomic():
        record(actor=None, action="contract.updated", data={"slow": True})
        recorded.set()
        time.sleep(hold)


def bench_latency(url: str, hold: float = 8.0) -> None:
    from django.db import transaction

    from audit.chain import seal, verify_chain
    from audit.services import record

    context = multiprocessing.get_context("spawn")
    recorded = context.Event()
    holder = context.Process(target=_holder, args=(url, hold, recorded))
    holder.start()
    recorded.wait(60)
    opened = time.perf_counter()
    latencies = []
    while time.perf_counter() - opened < hold - 1:
        started = time.perf_counter()
        with transaction.atomic():
            record(actor=None, action="account.logged_in")
        latencies.append(time.perf_counter() - started)
        time.sleep(0.5)
    holder.join()
    print(
        f"  while a transaction holding an audit event stayed open {hold:.0f} s: {len(latencies)} logins recorded, "
        f"latency median {statistics.median(latencies) * 1000:.1f} ms, worst {max(latencies) * 1000:.1f} ms"
    )
    seal(wait=30)
    print(f"  {verify_chain().message}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default=DEFAULT_URL)
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--writers", default="1,8", help="Comma-separated numbers of writer processes to run.")
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--only", choices=["verify", "throughput", "latency"])
    parser.add_argument(
        "--synchronous-commit",
        default="on",
        help="Writers' synchronous_commit: on (each commit waits for the WAL on disk), off, or both.",
    )
    options = parser.parse_args()
    setup(options.database_url)
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    parts = {
        "verify": lambda: bench_verify(options.events),
        "throughput": lambda: [
            bench_throughput(options.database_url, int(count), options.seconds, commit)
            for commit in (["on", "off"] if options.synchronous_commit == "both" else [options.synchronous_commit])
            for count in options.writers.split(",")
        ],
        "latency": lambda: bench_latency(options.database_url),
    }
    for name, run in parts.items():
        if options.only in (None, name):
            print(f"{name} — {load()}")
            run()
            print(f"  after: {load()}")


if __name__ == "__main__":
    main()
