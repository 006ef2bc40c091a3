"""Backups restored and verified (issue 12): ``backup``, then ``restore_drill`` on the demo data, as operators run them.

``seed_demo`` fills the test database (committed) and a claim stores its bill; ``manage.py backup`` runs in a child
process as in production; ``manage.py restore_drill`` restores into a fresh database (PostgreSQL: a new database on
the same server; SQLite: a new file) and a fresh folder and checks it all. A backup that lost a document fails the
drill, naming it.
"""

from __future__ import annotations

import json
import os
import subprocess
import time
from io import StringIO

import psycopg
import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import connection

from audit.chain import seal
from audit.services import record
from backups.archive import postgres_env
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


@pytest.mark.skipif(connection.vendor != "postgresql", reason="database roles are a PostgreSQL feature")
@pytest.mark.skipif(bool(os.environ.get("TEST_AS_APP_ROLE")), reason="creating roles needs the superuser")
def test_a_backup_restored_for_real_gives_the_app_role_its_rights_and_no_more(family, tmp_path):
    """README "Restoring for real": the dump has no owners, grants nor roles; ``db_roles --before-restore``, then
    ``pg_restore --role=<owner>``, then ``db_roles`` again make the restored database the least-privileged one."""
    make_claim(family)
    record(actor=None, action="contract.created")
    env = {"DATABASE_URL": database_url(), "FILES_ROOT": str(settings.MEDIA_ROOT)}
    made = manage("backup", "--to", str(tmp_path / "backup"), env=env, var_dir=tmp_path)
    assert made.returncode == 0, made.stderr
    config = connection.settings_dict
    restored = f"{config['NAME']}_restored"[:63]
    names = {kind: f"{config['NAME']}_{kind}"[:63] for kind in ("owner", "app")}
    url = database_url().rsplit("/", 1)[0]
    with connection.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{restored}" WITH (FORCE)')
        cursor.execute(f'CREATE DATABASE "{restored}"')
    roles = ["db_roles", "--owner", names["owner"], "--app", names["app"], "--apply"]
    try:
        first = manage(*roles, "--before-restore", env={"DATABASE_URL": f"{url}/{restored}"}, var_dir=tmp_path)
        assert first.returncode == 0, first.stderr
        dump = str(tmp_path / "backup" / "database.dump")
        restore = ["pg_restore", "-d", restored, "--no-owner", "--no-privileges", f"--role={names['owner']}"]
        done = subprocess.run([*restore, "--exit-on-error", dump], env=postgres_env(config), capture_output=True)
        assert done.returncode == 0, done.stderr
        second = manage(*roles, env={"DATABASE_URL": f"{url}/{restored}"}, var_dir=tmp_path)
        assert second.returncode == 0, second.stderr

        login = {"host": config["HOST"] or "127.0.0.1", "port": config["PORT"] or 5432, "dbname": restored}
        with psycopg.connect(**login, user=names["app"], password=config["PASSWORD"] or None, autocommit=True) as app:
            owners = app.execute("SELECT DISTINCT tableowner FROM pg_tables WHERE schemaname = 'public'").fetchall()
            assert owners == [(names["owner"],)]
            assert app.execute("SELECT count(*) FROM claims_claim").fetchone()[0] == 1
            app.execute("UPDATE claims_claim SET status = status")
            app.execute("SELECT create_yearly_sequence('restored_check_2026', 1)")
            for statement in ("TRUNCATE audit_auditevent", "DELETE FROM audit_auditevent", "ALTER TABLE claims_claim"
                              " DISABLE TRIGGER ALL", "UPDATE audit_auditevent SET action = action"):  # fmt: skip
                with pytest.raises(psycopg.errors.InsufficientPrivilege):
                    app.execute(statement)
        app_url = database_url().replace(f"//{config['USER']}", f"//{names['app']}", 1).rsplit("/", 1)[0]
        verified = manage("verify_audit", env={"DATABASE_URL": f"{app_url}/{restored}"}, var_dir=tmp_path)
        assert verified.returncode == 0, verified.stdout + verified.stderr
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{restored}" WITH (FORCE)')
            for name in names.values():
                cursor.execute(f'DROP ROLE IF EXISTS "{name}"')
