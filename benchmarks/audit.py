"""Benchmark: the audit trail on PostgreSQL — verifying a million events, 8 concurrent writers, a long transaction.

Run: ``.venv/bin/python benchmarks/audit.py [--database-url postgres://…/om_bench] [--events 1000000]
[--writers 1,8] [--seconds 10] [--synchronous-commit on|off|both] [--only verify|throughput|latency]``.
The database is migrated and its audit tables emptied: give it a database of its own (default ``om_audit_bench``
on the local server).

- verify: ``benchmarks/verify_audit.py`` on a rebuilt trail: ``--events`` events INSERTed in one statement, sealed
  by the sealer, then ``verify_chain`` and ``manage.py verify_audit`` timed, ``--from-checkpoint`` after 10 000 more.
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
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/om_audit_bench"

from verify_audit import setup  # noqa: E402 - this folder is on the path when run as a script; same set-up


def load() -> str:
    return subprocess.run(["/usr/bin/uptime"], capture_output=True, text=True, check=False).stdout.strip()


def empty_trail() -> None:
    from verify_audit import empty_trail as empty

    empty()


def bench_verify(url: str, events: int) -> None:
    """``benchmarks/verify_audit.py`` on a rebuilt trail of ``events`` events."""
    import verify_audit

    verify_audit.run(url, events, rebuild=True)


def _writer(url: str, seconds: float, synchronous_commit: str, per_transaction: int, ready, go, counts) -> None:  # noqa: PLR0913
    setup(url)
    from django.db import connection, transaction

    from audit.services import record

    with connection.cursor() as cursor:
        cursor.execute(f"SET synchronous_commit = {'off' if synchronous_commit == 'off' else 'on'}")
    ready.release()
    go.wait()
    done, deadline = 0, time.monotonic() + seconds
    cpu = time.process_time()
    while time.monotonic() < deadline:
        with transaction.atomic():
            for _ in range(per_transaction):
                record(actor=None, action="account.logged_in", data={"n": done})
                done += 1
    counts.put((done, time.process_time() - cpu))


def commit_floor(url: str, clients: int, seconds: float, synchronous_commit: str) -> float | None:
    """pgbench, the same number of clients, one single-row INSERT per transaction into a table like the trail's:
    the commits per second the database and its disk allow, without Python. None without pgbench."""
    import psycopg

    pgbench = shutil.which("pgbench")
    if pgbench is None:
        return None
    with psycopg.connect(url, autocommit=True) as admin:  # logged, like the trail: each commit waits for its WAL
        admin.execute("CREATE TABLE IF NOT EXISTS bench_commit_floor (id bigserial PRIMARY KEY, n int)")
        admin.execute("TRUNCATE bench_commit_floor")
    with tempfile.NamedTemporaryFile("w", suffix=".sql", delete=False) as script:
        script.write("INSERT INTO bench_commit_floor (n) VALUES (1);\n")
    done = subprocess.run(  # noqa: S603 (pgbench from PATH, fixed arguments)
        [
            pgbench,
            "-n",
            "-c",
            str(clients),
            "-j",
            str(min(clients, os.cpu_count() or 1)),
            "-T",
            str(int(seconds)),
            "-f",
            script.name,
            url,
        ],
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, "PGOPTIONS": f"-c synchronous_commit={synchronous_commit}"},
    )
    Path(script.name).unlink()
    found = re.search(r"tps = ([0-9.]+)", done.stdout)
    return float(found.group(1)) if found else None


def bench_throughput(  # noqa: PLR0913
    url: str,
    writers: int,
    seconds: float,
    synchronous_commit: str = "on",
    per_transaction: int = 1,
    floor: float | None = None,
) -> None:
    from audit.chain import seal, verify_chain

    empty_trail()
    context = multiprocessing.get_context("spawn")
    counts, ready, go = context.Queue(), context.Semaphore(0), context.Event()
    processes = [
        context.Process(target=_writer, args=(url, seconds, synchronous_commit, per_transaction, ready, go, counts))
        for _ in range(writers)
    ]
    for process in processes:
        process.start()
    for _process in processes:  # every process imported Django and connected
        ready.acquire()
    before = load()
    go.set()
    results = [counts.get() for _ in processes]
    for process in processes:
        process.join()
    total, cpu = sum(count for count, _cpu in results), sum(cpu for _count, cpu in results)
    rate = total / seconds
    versus = f", {rate / floor:.2f}× the commit floor ({floor:,.0f}/s)" if floor else ""
    print(
        f"  {writers} writers × {seconds:.0f} s, {per_transaction} event(s) a transaction, "
        f"synchronous_commit={synchronous_commit}: {total} events, {rate:,.0f} events/s, "
        f"{rate / per_transaction:,.0f} transactions/s{versus}; writers' CPU {cpu / max(total, 1) * 1e6:,.0f} µs "
        f"an event (load before: {before.split('load average:')[-1].strip()}, after: "
        f"{load().split('load average:')[-1].strip()})",
        flush=True,
    )
    started = time.perf_counter()
    sealed = seal(wait=30)
    print(f"    sealed afterwards: {sealed} in {time.perf_counter() - started:.2f} s; {verify_chain().message}")


def run_throughput(url: str, writers: list[int], seconds: float, commits: list[str], batches: list[int]) -> None:
    """For each commit mode and number of writers: the pgbench commit floor, then the writers at each batch size."""
    for commit in commits:
        for count in writers:
            floor = commit_floor(url, count, seconds, commit)
            print(
                f"  pgbench, {count} client(s), one INSERT a transaction, synchronous_commit={commit}: "
                + (f"{floor:,.0f} commits/s ({load().split('load average:')[-1].strip()})" if floor else "absent"),
                flush=True,
            )
            for per_transaction in batches:
                bench_throughput(url, count, seconds, commit, per_transaction, floor)


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
    parser.add_argument("--writers", default="1,2,4,8", help="Comma-separated numbers of writer processes to run.")
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument(
        "--per-transaction",
        default="1,5",
        help="Comma-separated numbers of events a writer transaction records (a business transaction records several).",
    )
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
        "verify": lambda: bench_verify(options.database_url, options.events),
        "throughput": lambda: run_throughput(
            options.database_url,
            [int(count) for count in options.writers.split(",")],
            options.seconds,
            ["on", "off"] if options.synchronous_commit == "both" else [options.synchronous_commit],
            [int(count) for count in options.per_transaction.split(",")],
        ),
        "latency": lambda: bench_latency(options.database_url),
    }
    for name, run in parts.items():
        if options.only in (None, name):
            print(f"{name} — {load()}")
            run()
            print(f"  after: {load()}")


if __name__ == "__main__":
    main()
