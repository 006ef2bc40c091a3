"""Remove orphan stored files and leftover temporary copies older than an hour (scheduled hourly)."""

from __future__ import annotations

from datetime import timedelta

from django.core.management.base import BaseCommand

from documents.sweep import sweep


class Command(BaseCommand):
    help = "Remove stored files no row names and temporary copies the application left, older than --minutes (60)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--minutes", type=int, default=60, help="Only files older than this (default 60).")
        parser.add_argument("--dry-run", action="store_true", help="Report what would be removed; remove nothing.")

    def handle(self, *args, minutes: int, dry_run: bool, **options) -> None:
        report = sweep(min_age=timedelta(minutes=minutes), dry_run=dry_run)
        verb = "would remove" if dry_run else "removed"
        self.stdout.write(
            f"orphans: {len(report.orphans)} {verb} ({report.young_orphans} younger kept, "
            f"{report.referenced} referenced); leftovers: {len(report.leftovers)} {verb}"
        )
        for name in report.orphans:
            self.stdout.write(f"  orphan {name}")
