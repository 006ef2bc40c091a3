"""Load the euro reference rates from the central bank's CSV (or its ZIP): ``manage.py load_exchange_rates FILE``.

Idempotent: loading the same file again changes nothing; a newer file corrects the days it holds. ``--sample``
loads the illustrative rates shipped in ``claims/data/`` (2025-2026) for a demonstration database.
"""

from __future__ import annotations

from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from claims.currency import SAMPLE_RATES_FILE, exchange_rates_load


class Command(BaseCommand):
    help = "Load euro reference rates from a central-bank CSV (Date,USD,JPY,…)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("path", nargs="?", help="The CSV (or ZIP) file.")
        parser.add_argument("--sample", action="store_true", help="Load the sample rates shipped with the app.")

    def handle(self, *args, path: str | None = None, sample: bool = False, **options) -> None:
        if bool(path) == bool(sample):
            raise CommandError("Give a file, or --sample.")
        source = SAMPLE_RATES_FILE if sample else Path(path)
        try:
            with source.open("rb") as handle:
                report = exchange_rates_load(actor=None, source=handle)
        except OSError as error:
            raise CommandError(f"Cannot read {source}: {error.strerror}") from error
        except ValidationError as error:
            raise CommandError("; ".join(error.messages)) from error
        self.stdout.write(
            f"{report.rates} rates of {len(report.currencies)} currencies over {report.rows} days "
            f"({report.first} to {report.last})."
        )
