"""``manage.py backup --to DIR``: the database, the stored documents and a manifest with checksums (issue 12).

DIR holds, once the command has succeeded:

- ``database.dump`` (PostgreSQL: ``pg_dump -Fc``) or ``database.sqlite3`` (SQLite: the online backup API);
- ``documents/``: every stored document exactly as the storage keeps it (still encrypted: the backup holds no key),
  from the local folder or the S3 bucket alike;
- ``audit-anchors/``: the latest signed audit anchor the dumped trail covers, with its public key in the manifest;
- ``manifest.json``: the SHA-256 and size of each of these files, the rows of each table and the end of the sealed
  audit chain, all as of the database snapshot the dump was taken from (on PostgreSQL, the dump and the counts read
  one exported snapshot; on SQLite they read the copy).

The database is dumped before the documents are copied: a document is stored before the row naming it commits,
so every document the dump names is already stored when it is copied (unless erased meanwhile). The encryption keys
(``ENCRYPTION_KEYS``) and ``SECRET_KEY`` are not in the backup: keep them apart, as the README says.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from django.apps import apps
from django.core.files.storage import default_storage
from django.db import connection, transaction
from django.utils import timezone

FORMAT = "openmutuelle-backup/1"
MANIFEST = "manifest.json"
DOCUMENTS = "documents"
ANCHORS = "audit-anchors"
DUMPS = {"postgresql": "database.dump", "sqlite": "database.sqlite3"}


class BackupError(RuntimeError):
    """The backup could not be made (the message says why)."""


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def file_entry(path: Path) -> dict:
    return {"sha256": sha256(path), "bytes": path.stat().st_size}


def postgres_env(config: dict) -> dict[str, str]:
    """libpq's variables for the configured database (pg_dump, pg_restore)."""
    env = {**os.environ, "PGHOST": config["HOST"] or "127.0.0.1", "PGPORT": str(config["PORT"] or 5432)}
    env["PGUSER"] = config["USER"] or ""
    if config["PASSWORD"]:
        env["PGPASSWORD"] = config["PASSWORD"]
    return env


def run(command: list[str], env: dict[str, str]) -> None:
    try:
        done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)  # noqa: S603
    except FileNotFoundError as error:
        raise BackupError(f"{command[0]} is not installed (PostgreSQL's client tools).") from error
    if done.returncode != 0:
        raise BackupError(f"{command[0]} failed: {done.stderr.strip()}")


def tables() -> list[str]:
    """The tables of the portal's models (unmanaged ones are views or other programs' tables)."""
    return sorted({model._meta.db_table for model in apps.get_models() if model._meta.managed})


def facts(cursor) -> dict:
    """Rows per table and the end of the sealed audit chain, read with a DB-API cursor."""
    rows = {}
    for table in tables():
        cursor.execute(f'SELECT COUNT(*) FROM "{table}"')  # noqa: S608 - names of the portal's own tables
        rows[table] = cursor.fetchone()[0]
    cursor.execute("SELECT event_id, hash FROM audit_auditseal ORDER BY event_id DESC LIMIT 1")
    head = cursor.fetchone()
    return {"rows": rows, "audit_head": {"event_id": head[0], "hash": head[1]} if head else None}


@contextmanager
def _postgres_snapshot() -> Iterator[tuple[str, dict]]:
    """A repeatable-read transaction: its exported snapshot (for pg_dump) and the facts it reads."""
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        cursor.execute("SELECT pg_export_snapshot()")
        snapshot = cursor.fetchone()[0]
        yield snapshot, facts(cursor)


def dump_database(target: Path) -> dict:
    """The database into ``target``; the facts of the very snapshot dumped."""
    config = connection.settings_dict
    if connection.vendor == "postgresql":
        path = target / DUMPS["postgresql"]
        with _postgres_snapshot() as (snapshot, snapshot_facts):
            command = ["pg_dump", "-Fc", "--no-owner", "--no-privileges", f"--snapshot={snapshot}", "-f", str(path)]
            run([*command, config["NAME"]], postgres_env(config))
        return snapshot_facts
    if connection.vendor == "sqlite":
        path = target / DUMPS["sqlite"]
        connection.ensure_connection()
        copy = sqlite3.connect(path)
        try:
            connection.connection.backup(copy)
            return facts(copy.cursor())
        finally:
            copy.close()
    raise BackupError(f"No backup for the {connection.vendor} engine.")


def copy_documents(target: Path) -> dict[str, dict]:
    """Every stored document, as stored (encrypted), from whichever storage holds them."""
    storage = default_storage
    backend = storage.backend
    entries = {}
    for name in sorted(storage.stored_names()):
        destination = target / DOCUMENTS / name
        destination.parent.mkdir(parents=True, exist_ok=True)
        with backend.open(name, "rb") as source, destination.open("wb") as copy:
            shutil.copyfileobj(source, copy, 1 << 20)
        entries[name] = file_entry(destination)
    return entries


def copy_anchor(target: Path, head_event_id: int) -> dict | None:
    """The latest signed anchor the dumped trail covers (an anchor written after the snapshot names events the
    copy does not hold), copied as stored, with the public key that checks it (public: no secret in a backup)."""
    from audit import anchors

    covered = [name for name in anchors.names() if anchors.event_of(name) <= head_event_id]
    public = anchors.public_key()
    if not covered or public is None:
        return None
    name = covered[-1]
    destination = target / ANCHORS / name
    destination.parent.mkdir(parents=True, exist_ok=True)
    with anchors.storage().open(name, "rb") as source, destination.open("wb") as copy:
        shutil.copyfileobj(source, copy)
    return {"file": f"{ANCHORS}/{name}", "public_key": anchors.public_text(public), **file_entry(destination)}


def backup(target: Path) -> dict:
    """Write a backup into ``target`` (a new or empty folder); the manifest."""
    if target.exists() and any(target.iterdir()):
        raise BackupError(f"{target} is not empty: a backup goes into a new folder.")
    target.mkdir(parents=True, exist_ok=True, mode=0o700)
    manifest: dict = {"format": FORMAT, "created_at": timezone.now().isoformat(), "engine": connection.vendor}
    manifest.update(dump_database(target))
    manifest["database"] = {"file": DUMPS[connection.vendor], **file_entry(target / DUMPS[connection.vendor])}
    manifest["documents"] = copy_documents(target)
    anchor = copy_anchor(target, (manifest.get("audit_head") or {}).get("event_id") or 0)
    if anchor:
        manifest["anchors"] = anchor
    (target / MANIFEST).write_text(json.dumps(manifest, indent=1, sort_keys=True), encoding="utf-8")
    return manifest
