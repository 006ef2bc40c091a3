"""``manage.py backup --to DIR``: the database, the documents and a manifest with checksums (backups/archive.py)."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from backups.archive import BackupError, backup


class Command(BaseCommand):
    help = "Back up the database (pg_dump -Fc, or SQLite's online backup) and the stored documents into a new folder."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--to", required=True, type=Path, help="A new (or empty) folder.")

    def handle(self, *args, to: Path, **options) -> None:
        try:
            manifest = backup(to)
        except BackupError as error:
            raise CommandError(str(error)) from error
        rows = sum(manifest["rows"].values())
        self.stdout.write(
            f"backup written to {to}: {manifest['engine']} database ({manifest['database']['bytes']} bytes, "
            f"{rows} rows in {len(manifest['rows'])} tables), {len(manifest['documents'])} documents, "
            f"audit chain sealed up to {(manifest['audit_head'] or {}).get('event_id')}"
        )
