"""``benchmarks/load.py`` keeps working: a tiny seeded database, one client, a second per operation (issue 11).

The figures are not judged here (they belong to the long run on a large database, README "Benchmarks"); what is
checked is that every operation answers 2xx through the production server and that the table is printed with the
server's query counts.
"""

from __future__ import annotations

import io
import os
import re
import subprocess
import sys

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import connection

from core.tests.processes import ROOT, free_port
from demo.tests.test_seed_scale_claims import ensure_claims_terms

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]

OPERATIONS = (
    "floor",
    "member_home",
    "member_claims",
    "claim_detail",
    "claim_create",
    "assess_decide",
    "backoffice_queue",
    "company_employees",
)


def database_url() -> str:
    s = connection.settings_dict
    return f"postgres://{s['USER']}:{s['PASSWORD']}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"


def redis_db() -> str:
    url = os.environ.get("TASKS_REDIS_URL", "") or settings.RQ_QUEUES["default"]["URL"]
    return url.rstrip("/").rsplit("/", 1)[-1] if re.search(r"/\d+$", url) else "0"


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the load benchmark runs on PostgreSQL")
def test_every_operation_answers_and_the_table_is_printed(tmp_path):
    ensure_claims_terms()
    call_command("seed_scale", members=12, batch=50, claims_per_member=2, stdout=io.StringIO())
    env = {
        **os.environ,
        "ENCRYPTION_KEYS": ",".join(settings.ENCRYPTION_KEYS),  # the server decrypts what this test seeded
    }
    env.pop("DJANGO_SETTINGS_MODULE", None)
    command = [sys.executable, "benchmarks/load.py", "--database-url", database_url(), "--reuse"]
    command += ["--secrets-from-env", "--clients", "1", "--duration", "1", "--decide-pool", "2"]
    command += ["--port", str(free_port(18300, 18399)), "--redis-db", redis_db(), "--var-dir", str(tmp_path)]
    done = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=170, check=False)
    output = done.stdout + done.stderr
    assert done.returncode == 0, output
    assert re.search(r"operation +clients +req/s +p50 ms +p95 ms +queries +÷ floor +errors", output), output
    for operation in OPERATIONS:
        row = re.search(rf"^{operation} +1 +([\d.]+) +[\d.]+ +[\d.]+ +(\d+) +[\d.]+ +(\d+)(?: +\(.*\))?$", output, re.M)
        assert row, f"{operation} missing from the table:\n{output}"
        rate, queries, errors = float(row[1]), int(row[2]), int(row[3])
        assert rate > 0 and queries > 0 and errors == 0, f"{operation}: {row[0]}\n{output}"
    assert re.search(r"^api_home +(1 |absent)", output, re.M), output  # measured when the server has it
    assert "load average" in output


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the load benchmark runs on PostgreSQL")
def test_one_and_two_instances_behind_the_proxy_share_the_sessions_and_the_bucket(tmp_path):
    """``--instances 1,2`` (issue 12, ``make bench-two-instances``): the instances behind make prod-like's proxy,
    documents on moto's S3. The same logged-in clients go through one instance, then two, without an error; both
    instances answered, and the claims' documents are in the bucket."""
    ensure_claims_terms()
    call_command("seed_scale", members=6, batch=50, claims_per_member=2, stdout=io.StringIO())
    env = {**os.environ, "ENCRYPTION_KEYS": ",".join(settings.ENCRYPTION_KEYS)}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    command = [sys.executable, "benchmarks/load.py", "--database-url", database_url(), "--reuse", "--secrets-from-env"]
    command += ["--instances", "1,2", "--workers", "1", "--clients", "1", "--duration", "1"]
    command += ["--only", "floor,member_home,claim_create", "--redis-db", redis_db(), "--var-dir", str(tmp_path)]
    # The proxies on PORT and PORT + 10, the instances on PORT + 1 and + 2: a block of this test's own.
    command += ["--port", str(free_port(18400, 18439)), "--s3-port", str(free_port(18450, 18499))]
    done = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=170, check=False)
    output = done.stdout + done.stderr
    assert done.returncode == 0, output
    for instances in (1, 2):
        for operation in ("floor", "member_home", "claim_create"):
            row = re.search(rf"^ +{instances} {operation} +1 +([\d.]+) .* (\d+)$", output, re.M)
            assert row and float(row[1]) > 0 and row[2] == "0", f"{instances} × {operation}:\n{output}"
    answered = re.search(r"requests answered: instance 1: ([\d,]+), instance 2: ([\d,]+)", output)
    assert answered and all(int(n.replace(",", "")) > 0 for n in answered.groups()), output
    stored = re.search(r"objects in the S3 bucket \(documents, encrypted\): ([\d,]+)", output)
    assert stored and int(stored[1].replace(",", "")) >= 10, output  # at least one claim of 10 bills
