"""``manage.py retention_purge [--dry-run]``: anonymise the people whose last contract ended more than
DATA_RETENTION_MONTHS months ago (default 24) and who have nothing open (SPEC G3). Idempotent: a second run
finds nothing left to do. The audit trail is only appended to, so it still verifies afterwards."""

from typing import Any

from django.core.management.base import BaseCommand
from django.utils import timezone

from privacy.services.retention import exports_expired_delete, retention_purge


class Command(BaseCommand):
    help = "Anonymise personal data past its retention period, keeping what the law requires (SPEC G3)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--dry-run", action="store_true", help="Print what would be done; change nothing.")

    def handle(self, *args: Any, **options: Any) -> None:
        dry_run = options["dry_run"]
        report = retention_purge(today=timezone.localdate(), dry_run=dry_run)
        exports = exports_expired_delete(dry_run=dry_run)
        self.stdout.write(f"Expired copies of answered requests {'to delete' if dry_run else 'deleted'}: {exports}.")
        self.stdout.write(
            f"Relations ended before {report.cutoff.isoformat()}: {report.candidates} person(s) to consider."
        )
        for number in report.skipped_open:
            self.stdout.write(f"  kept for now (open claim or request): {number}")
        if dry_run:
            for number in report.would_anonymise:
                self.stdout.write(f"  would anonymise: {number}")
            self.stdout.write(f"Dry run: {len(report.would_anonymise)} person(s) would be anonymised; nothing changed.")
            return
        for code, count in sorted(report.erased.items()):
            self.stdout.write(f"  {code}: {count}")
        self.stdout.write(self.style.SUCCESS(f"{report.anonymised} person(s) anonymised."))
