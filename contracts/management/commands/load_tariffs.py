"""``manage.py load_tariffs [FILE]``: load the base tariffs (default: contracts/data/tariffs.csv)."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand

from contracts.services import TARIFF_FILE, tariffs_load


class Command(BaseCommand):
    help = "Load the compulsory scheme's base tariffs by act code (idempotent)."

    def add_arguments(self, parser):
        parser.add_argument("file", nargs="?", type=Path, default=TARIFF_FILE)

    def handle(self, *args, **options):
        changes = tariffs_load(actor=None, content=options["file"].read_text(encoding="utf-8"))
        self.stdout.write(", ".join(f"{key}: {value}" for key, value in sorted(changes.items())) or "no change")
