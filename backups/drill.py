"""``manage.py restore_drill --from DIR``: a backup restored into a fresh database and a fresh storage, then checked.

1. Every file of the backup matches the manifest (SHA-256, size).
2. The database is restored into a new database (PostgreSQL: ``<name>_drill_<time>`` on the same server, by
   ``pg_restore``; SQLite: a new file), the documents into a new folder.
3. A child process of the portal, configured on what was restored (``--check-restored``), counts the rows of every
   table against the manifest, finds the end of the sealed audit chain of the manifest, runs ``verify_audit``
   (with the backup's signed anchor and its public key) and opens and decrypts every document a row names
   (``DOCUMENT_COLUMNS``).
4. The fresh database and folder are removed (``--keep`` keeps them), and the command exits 1 on any problem.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
import uuid
from dataclasses import dataclass, field
from io import StringIO
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.db.models import FileField

from backups.archive import ANCHORS, DOCUMENTS, MANIFEST, facts, file_entry, postgres_env, run
from documents.sweep import SWEPT_FOLDERS

# Columns naming stored documents besides those the sweeper declares (and every FileField, found by itself).
EXTRA_DOCUMENT_COLUMNS = ("benefits.PaymentBatch.stored_name",)


def document_columns() -> list[str]:
    columns = [column for folder in SWEPT_FOLDERS.values() for column in folder]
    columns += [
        f"{model._meta.label}.{model_field.name}"
        for model in apps.get_models()
        for model_field in model._meta.concrete_fields
        if isinstance(model_field, FileField)
    ]
    return sorted({*columns, *EXTRA_DOCUMENT_COLUMNS})


@dataclass
class Findings:
    problems: list[str] = field(default_factory=list)
    lines: list[str] = field(default_factory=list)

    def say(self, line: str) -> None:
        self.lines.append(line)


def read_manifest(source: Path) -> dict:
    try:
        return json.loads((source / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise CommandError(f"No readable {MANIFEST} in {source}: {error}") from error


def check_files(source: Path, manifest: dict, findings: Findings) -> None:
    expected = {manifest["database"]["file"]: manifest["database"]}
    expected.update({f"{DOCUMENTS}/{name}": entry for name, entry in manifest["documents"].items()})
    if manifest.get("anchors"):
        expected[manifest["anchors"]["file"]] = manifest["anchors"]
    for name, entry in expected.items():
        path = source / name
        if not path.is_file():
            findings.problems.append(f"{name}: missing from the backup")
        elif file_entry(path) != {"sha256": entry["sha256"], "bytes": entry["bytes"]}:
            findings.problems.append(f"{name}: checksum differs from the manifest")
    findings.say(f"backup files checked: {len(expected)} (database, {len(manifest['documents'])} documents)")


def restore_database(source: Path, manifest: dict, workdir: Path) -> str:
    """The backup's database restored fresh; its ``DATABASE_URL``."""
    dump = source / manifest["database"]["file"]
    if manifest["engine"] == "sqlite":
        path = workdir / "database.sqlite3"
        shutil.copyfile(dump, path)
        return f"sqlite:///{path}"
    if manifest["engine"] != "postgresql" or connection.vendor != "postgresql":
        raise CommandError("A PostgreSQL backup is restored with DATABASE_URL naming a PostgreSQL server.")
    config = connection.settings_dict
    name = f"{config['NAME']}_drill_{uuid.uuid4().hex[:8]}"[:63]
    with connection.cursor() as cursor:
        cursor.execute(f'CREATE DATABASE "{name}"')
    (workdir / "database-name").write_text(name, encoding="utf-8")
    run(["pg_restore", "--no-owner", "--no-privileges", "--exit-on-error", "-d", name, str(dump)], postgres_env(config))
    credentials = config["USER"] + (f":{config['PASSWORD']}" if config["PASSWORD"] else "")
    return f"postgres://{credentials}@{config['HOST'] or '127.0.0.1'}:{config['PORT'] or 5432}/{name}"


def drop_database(workdir: Path) -> None:
    marker = workdir / "database-name"
    if marker.exists():
        with connection.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{marker.read_text(encoding="utf-8")}"')


def restore_documents(source: Path, workdir: Path) -> Path:
    root = workdir / "files"
    if (source / DOCUMENTS).is_dir():
        shutil.copytree(source / DOCUMENTS, root)
    else:
        root.mkdir()
    return root


def restore_and_check(source: Path, *, keep: bool) -> tuple[list[str], list[str], int]:
    """(lines to print, problems, exit code of the check) of one drill."""
    findings = Findings()
    manifest = read_manifest(source)
    check_files(source, manifest, findings)
    workdir = Path(tempfile.mkdtemp(prefix="openmutuelle-drill-"))
    code = 1
    try:
        url = restore_database(source, manifest, workdir)
        files = restore_documents(source, workdir)
        findings.say(f"restored into a fresh database ({url.rsplit('/', 1)[-1]}) and a fresh folder ({files})")
        env = {
            **os.environ,
            "DATABASE_URL": url,
            "FILES_ROOT": str(files),
            "DOCUMENTS_BACKEND_STORAGE": "django.core.files.storage.FileSystemStorage",
            "DOCUMENTS_S3_BUCKET": "",
            # the backup's own anchor, checked with the public key it names (no signing key in the drill)
            "AUDIT_ANCHOR_STORAGE": "django.core.files.storage.FileSystemStorage",
            "AUDIT_ANCHOR_DIR": str(source / ANCHORS if manifest.get("anchors") else workdir / ANCHORS),
            "AUDIT_ANCHOR_PUBLIC_KEY": (manifest.get("anchors") or {}).get("public_key", ""),
            "AUDIT_ANCHOR_KEY_FILE": str(workdir / "no-signing-key"),
        }
        child = subprocess.run(  # noqa: S603 - this very program
            [sys.executable, str(Path(settings.BASE_DIR) / "manage.py"), "restore_drill", "--from", str(source)]
            + ["--check-restored"],
            env=env,
            capture_output=True,
            text=True,
            check=False,
        )
        findings.lines += child.stdout.splitlines()
        if child.returncode != 0:
            findings.problems.append(f"the check of the restored copy failed: {child.stderr.strip()[-2000:]}")
        code = child.returncode
    except CommandError as error:
        findings.problems.append(str(error))
    finally:
        if keep:
            findings.say(f"kept: {workdir}")
        else:
            drop_database(workdir)
            shutil.rmtree(workdir, ignore_errors=True)
    return findings.lines, findings.problems, code


def check_restored(source: Path) -> Findings:
    """In the child configured on the restored copy: rows, audit head and trail, every document named."""
    findings = Findings()
    manifest = read_manifest(source)
    with connection.cursor() as cursor:
        restored = facts(cursor)
    differing = {
        table: (count, restored["rows"].get(table))
        for table, count in manifest["rows"].items()
        if restored["rows"].get(table) != count
    }
    for table, (expected, found) in sorted(differing.items()):
        findings.problems.append(f"table {table}: {found} rows restored, {expected} in the manifest")
    total = sum(restored["rows"].values())
    findings.say(f"rows restored: {total} in {len(restored['rows'])} tables ({len(differing)} differing)")
    if restored["audit_head"] != manifest["audit_head"]:
        findings.problems.append(
            f"audit chain ends at {restored['audit_head']}, the manifest says {manifest['audit_head']}"
        )
    verified = StringIO()
    try:
        call_command("verify_audit", stdout=verified)
    except CommandError as error:
        findings.problems.append(f"verify_audit: {error}")
    findings.say(f"verify_audit: {verified.getvalue().strip() or 'failed'}")
    check_documents(findings)
    return findings


def check_documents(findings: Findings) -> None:
    named = missing = unreadable = 0
    for column in document_columns():
        app_label, model_name, field_name = column.split(".")
        model = apps.get_model(app_label, model_name)
        names = model._base_manager.exclude(**{field_name: ""}).values_list(field_name, flat=True).iterator()
        for name in names:
            if not name:
                continue
            named += 1
            if not default_storage.exists(name):
                missing += 1
                findings.problems.append(f"{column}: {name} is missing")
                continue
            try:
                with default_storage.open(name) as handle:
                    while handle.read(1 << 20):
                        pass
            except Exception as error:  # noqa: BLE001 - any failure to decrypt is a finding, named
                unreadable += 1
                findings.problems.append(f"{column}: {name} does not decrypt ({type(error).__name__})")
    findings.say(f"documents named by the database: {named} ({missing} missing, {unreadable} not decrypting)")
