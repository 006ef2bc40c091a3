"""Benchmark: importing the compulsory scheme's flow (issue 13) on PostgreSQL — 100,000 statement lines.

Run: ``.venv/bin/python benchmarks/scheme_flow.py [--database-url postgres://…/om_flow_bench] [--lines 100000]
[--people 5000]``. The database is migrated, a population of ``--people`` holders on a health contract is made
(bulk, once), the ledger's tables are emptied, a CSV of ``--lines`` lines is written (1 % unknown beneficiaries,
some duplicates), then ``manage.py import_scheme_flow`` is run twice in a subprocess: the first import and the
second (idempotent: nothing changes). Wall times and the machine's load (``uptime``) are printed.
"""

from __future__ import annotations

import argparse
import os
import random
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/om_flow_bench"
CATEGORIES = (  # (code, expense, base, compulsory paid)
    ("GP_CONSULTATION", "30.00", "30.00", "19.00"),
    ("SPECIALIST_CONSULTATION", "55.00", "30.00", "19.00"),
    ("PHARMACY", "23.40", "23.40", "15.21"),
    ("OPTICS_GLASSES", "320.00", "0.10", "0.06"),
    ("LABORATORY", "41.20", "41.20", "22.72"),
)


def create_database(url: str) -> None:
    """The benchmark's database, created on its server when missing (one command on a fresh machine)."""
    from urllib.parse import urlsplit

    import psycopg
    from psycopg import sql

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    admin = parts._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True) as connection:
        if not connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def setup(url: str) -> None:
    create_database(url)
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "openmutuelle.settings")
    import django

    django.setup()


def load() -> str:
    return subprocess.run(["/usr/bin/uptime"], capture_output=True, text=True, check=False).stdout.strip()


def population(people: int) -> list[tuple[str, date]]:
    from django.core.management import call_command

    from contracts.models import Affiliation, Contract, Product
    from contracts.services import catalogue_load_file
    from people.models import Person

    call_command("migrate", verbosity=0)
    catalogue_load_file(actor=None)
    existing = Person.objects.filter(membership_number__startswith="BF").count()
    if existing < people:
        product = Product.objects.get(code="SANTE_EQUILIBRE")
        persons = [
            Person(
                membership_number=f"BF{n:08d}",
                last_name=f"Bench{n}",
                first_name="Flow",
                birth_date=date(1950, 1, 1) + timedelta(days=n % 15000),
            )
            for n in range(existing, people)
        ]
        Person.objects.bulk_create(persons, batch_size=2000)
        persons = list(Person.objects.filter(membership_number__in=[p.membership_number for p in persons]))
        contracts = [
            Contract(
                number=f"BFL-{p.membership_number}",
                kind="individual",
                product=product,
                holder_person=p,
                effective_date=date(2020, 1, 1),
                payment_method="direct_debit",
                payment_frequency="quarterly",
            )
            for p in persons
        ]
        Contract.objects.bulk_create(contracts, batch_size=2000)
        by_number = {c.number: c for c in Contract.objects.filter(number__startswith="BFL-")}
        Affiliation.objects.bulk_create(
            [
                Affiliation(
                    contract=by_number[f"BFL-{p.membership_number}"],
                    person=p,
                    role="subscriber",
                    start_date=date(2020, 1, 1),
                )
                for p in persons
            ],
            batch_size=2000,
        )
    return list(
        Person.objects.filter(membership_number__startswith="BF")
        .order_by("pk")
        .values_list("membership_number", "birth_date")[:people]
    )


def flow_file(people: list[tuple[str, date]], lines: int) -> Path:
    from ledger import flow

    rng = random.Random(13)  # noqa: S311 - a reproducible file, not a secret
    from django.utils import timezone

    today = timezone.localdate()
    rows = []
    for n in range(lines):
        number, birth = rng.choice(people)
        if n % 100 == 99:
            number = "XX00000000"  # unknown beneficiary: to the staff queue
        code, expense, base, paid = rng.choice(CATEGORIES)
        rows.append(
            {
                "statement_ref": f"BENCH-{n:07d}",
                "scheme": "CPAM",
                "membership_number": number,
                "birth_date": str(birth),
                "category": code,
                "care_date": str(today - timedelta(days=rng.randint(1, 300))),
                "expense": expense,
                "base": base,
                "compulsory_paid": paid,
            }
        )
    path = Path(tempfile.mkdtemp()) / f"noemie-{lines}.csv"
    path.write_text(flow.to_csv(rows))
    return path


def empty_ledger() -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("TRUNCATE ledger_flowrejection, ledger_flowimport, ledger_benefitline RESTART IDENTITY CASCADE")


def run_import(url: str, path: Path) -> float:
    """Wall time of the command; prints its CPU time too (user + system: what the machine's load does not
    inflate, PostgreSQL's own work excluded)."""
    import resource

    env = {**os.environ, "DATABASE_URL": url}
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    command = [sys.executable, str(ROOT / "manage.py"), "import_scheme_flow", str(path)]
    subprocess.run(command, env=env, check=True)  # noqa: S603 - our own command
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    print(f"  the import process used {cpu:.1f} s of CPU (user + system) in {wall:.1f} s of wall time")
    return wall


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--database-url", default=DEFAULT_URL)
    parser.add_argument("--lines", type=int, default=100_000)
    parser.add_argument("--people", type=int, default=5000)
    args = parser.parse_args()
    setup(args.database_url)
    people = population(args.people)
    empty_ledger()
    path = flow_file(people, args.lines)
    from ledger.models import BenefitLine

    print(f"load before: {load()}")
    first = run_import(args.database_url, path)
    count = BenefitLine.objects.count()
    print(f"first import of {args.lines} lines: {first:.1f} s (process wall time); {count} ledger lines")
    print(f"load: {load()}")
    second = run_import(args.database_url, path)
    assert BenefitLine.objects.count() == count, "the second import changed the ledger"
    print(f"second import (idempotent, nothing changes): {second:.1f} s")
    print(f"load after: {load()}")


if __name__ == "__main__":
    main()
