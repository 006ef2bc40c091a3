"""Backups restored and verified (issue 12): ``backup``, then ``restore_drill`` on the demo data, as operators run them.

``seed_demo`` fills the test database (committed) and a claim stores its bill; ``manage.py backup`` runs in a child
process as in production; ``manage.py restore_drill`` restores into a fresh database (PostgreSQL: a new database on
the same server; SQLite: a new file) and a fresh folder and checks it all. A backup that lost a document fails the
drill, naming it.
"""

from __future__ import annotations

import json
import time
from io import StringIO

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import connection

from audit.chain import seal
from claims.models import CareDocument
from claims.tests.conftest import make_claim
from core.tests.processes import manage
from tests.serving.test_two_instances import database_url

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]


def test_the_demo_backs_up_and_restores_into_a_fresh_database_that_checks_out(family, tmp_path):
    if connection.vendor == "postgresql":  # number the events from 1 as in a new database: no id of an earlier
        with connection.cursor() as cursor:  # test's rolled-back transactions for the sealer to wait on
            cursor.execute(
                "SELECT setval(pg_get_serial_sequence('audit_auditevent', 'id'), coalesce(max(id), 0) + 1, false) "
                "FROM audit_auditevent"
            )
    started = time.monotonic()
    call_command("seed_demo", stdout=StringIO())
    print(f"seed_demo: {time.monotonic() - started:.1f} s")  # noqa: T201
    make_claim(family)
    stored = CareDocument.objects.get().stored_name
    env = {
        "DATABASE_URL": database_url(),
        "FILES_ROOT": str(settings.MEDIA_ROOT),
        "ENCRYPTION_KEYS": ",".join(settings.ENCRYPTION_KEYS),
        "AUDIT_ANCHOR_DIR": str(settings.AUDIT_ANCHOR_DIR),
        "AUDIT_ANCHOR_KEY_FILE": str(settings.AUDIT_ANCHOR_KEY_FILE),
    }
    seal(wait=30)  # as the sealer does
    call_command("audit_anchor", stdout=StringIO())  # an anchor file, copied into the backup and checked
    target = tmp_path / "backup"

    started = time.monotonic()
    made = manage("backup", "--to", str(target), env=env, var_dir=tmp_path / "var")
    assert made.returncode == 0, made.stderr
    manifest = json.loads((target / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["engine"] == connection.vendor and stored in manifest["documents"]
    documents = len(manifest["documents"])  # the demo's attachments and the claim's bill
    assert manifest["rows"]["people_person"] > 100 and manifest["audit_head"]["event_id"] > 0
    assert manifest["anchors"]["bytes"] > 0

    drill = manage("restore_drill", "--from", str(target), env=env, var_dir=tmp_path / "var")
    assert drill.returncode == 0, drill.stdout + drill.stderr
    assert f"documents named by the database: {documents} (0 missing, 0 not decrypting)" in drill.stdout
    assert "(0 differing)" in drill.stdout and "restore drill: the backup restores and checks out" in drill.stdout
    print(drill.stdout, f"backup and drill: {time.monotonic() - started:.1f} s")  # noqa: T201 - the counts

    (target / "documents" / stored).unlink()  # a backup that lost a document
    broken = manage("restore_drill", "--from", str(target), env=env, var_dir=tmp_path / "var")
    assert broken.returncode == 1
    assert f"documents/{stored}: missing from the backup" in broken.stderr
    assert f"{stored} is missing" in broken.stderr
    if connection.vendor == "postgresql":  # the fresh databases were dropped
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT count(*) FROM pg_database WHERE datname LIKE %s",
                [f"{connection.settings_dict['NAME']}_drill_%"],
            )
            assert cursor.fetchone()[0] == 0
