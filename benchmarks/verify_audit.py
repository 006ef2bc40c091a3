"""Benchmark: ``verify_audit`` over a trail of a million sealed events, on PostgreSQL.

Run: ``.venv/bin/python benchmarks/verify_audit.py [--database-url postgres://…/om_audit_verify] [--events 1000000]
[--rebuild]``. The database (default ``om_audit_verify`` on the local server, created if missing) is migrated;
its trail is reused when it already holds at least ``--events`` sealed events, else emptied and rebuilt: the events
INSERTed in one statement (generate_series; realistic rows: actor, target, JSON data, address, browser), then sealed
by the real sealer (``audit.chain.seal``), as the worker would have.

Then, the machine's load average beside each figure:
- ``verify_chain`` in this process, as the command runs it (seal first, full walk, checkpoint), twice; the second
  time with the walk cut in one range per core forced off, for comparison;
- ``manage.py verify_audit`` as a fresh process (Django start included), wall time;
- ``manage.py verify_audit --from-checkpoint`` after 10 000 more events.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/om_audit_verify"


def setup(url: str) -> None:
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("AUDIT_ANCHOR_DIR", str(Path(tempfile.mkdtemp()) / "audit-anchors"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "openmutuelle.settings")
    import django

    django.setup()
    from django.utils import translation

    translation.activate("en")


def load() -> str:
    """The machine's load averages (1, 5, 15 min)."""
    return "load average " + ", ".join(f"{value:.2f}" for value in os.getloadavg())


def create_database(url: str) -> None:
    import psycopg

    name = url.rsplit("/", 1)[1]
    with psycopg.connect(url.rsplit("/", 1)[0] + "/postgres", autocommit=True) as admin:
        if not admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            admin.execute(f'CREATE DATABASE "{name}"')


def empty_trail() -> None:
    from django.db import connection

    from audit import triggers

    triggers.drop(connection)
    triggers.drop_truncate(connection, function=False)
    with connection.cursor() as cursor:
        cursor.execute("TRUNCATE audit_auditevent, audit_auditseal, audit_auditcheckpoint RESTART IDENTITY")
    triggers.install_truncate(connection, function=False)
    triggers.install(connection)


def build_trail(events: int) -> None:
    """``events`` realistic events in one INSERT, sealed by the sealer in batches of 50 000."""
    from django.db import connection

    from audit.chain import seal

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
        cursor.execute("VACUUM ANALYZE audit_auditseal")
        cursor.execute("VACUUM ANALYZE audit_auditevent")
    print(
        f"  built: {events} events inserted in {inserted - started:.1f} s, {sealed} sealed by the sealer in "
        f"{time.perf_counter() - inserted:.1f} s ({load()})",
        flush=True,
    )


def sealed_events() -> int:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM audit_auditseal")
        return cursor.fetchone()[0]


def time_in_process(label: str, **kwargs) -> None:
    from audit.chain import verify_chain

    before = load()
    cpu, started = time.process_time(), time.perf_counter()
    result = verify_chain(**kwargs)
    wall = time.perf_counter() - started
    print(
        f"  verify_chain {label}: {result.message} — {wall:.2f} s wall, {time.process_time() - cpu:.2f} s CPU in "
        f"this process, {result.checked / wall:,.0f} events/s (before: {before}; after: {load()})",
        flush=True,
    )


def time_command(url: str, *args: str) -> None:
    before = load()
    started = time.perf_counter()
    done = subprocess.run(  # noqa: S603 (this interpreter, fixed arguments)
        [sys.executable, "manage.py", "verify_audit", *args],
        cwd=ROOT,
        env={**os.environ, "DATABASE_URL": url},
        capture_output=True,
        text=True,
        check=False,
    )
    wall = time.perf_counter() - started
    print(
        f"  manage.py verify_audit {' '.join(args)}: exit {done.returncode}, {(done.stdout or done.stderr).strip()} — "
        f"{wall:.2f} s wall, Django start included (before: {before}; after: {load()})",
        flush=True,
    )


def run(url: str, events: int, rebuild: bool = False) -> None:
    from django.db import connection

    from audit import chain

    if rebuild or sealed_events() < events:
        build_trail(events)
    else:
        print(f"  reusing the {sealed_events()} sealed events of {url}", flush=True)
    time_in_process("(ranges walked at once, one per core)")
    minimum = chain.PARALLEL_MIN
    chain.PARALLEL_MIN = 10**12
    time_in_process("(one walk, for comparison)")
    chain.PARALLEL_MIN = minimum
    connection.close()
    time_command(url)
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO audit_auditevent (occurred_at, actor_label, profile, action, target_type, target_id, data, "
            "user_agent) SELECT now(), 'system', '', 'claim.paid', '', '', '{}', '' FROM generate_series(1, 10000)"
        )
    chain.seal(wait=30)
    connection.close()
    time_command(url, "--from-checkpoint")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default=DEFAULT_URL)
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--rebuild", action="store_true", help="Empty and rebuild the trail even if it is there.")
    options = parser.parse_args()
    create_database(options.database_url)
    setup(options.database_url)
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    print(f"verify_audit, {options.events} events — {load()}", flush=True)
    run(options.database_url, options.events, options.rebuild)


if __name__ == "__main__":
    main()
