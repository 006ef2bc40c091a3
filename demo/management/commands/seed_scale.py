"""``manage.py seed_scale --members N``: bulk data for benchmarks, on top of the catalogue."""

from __future__ import annotations

import time

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection

from contracts.models import Product
from contracts.services import catalogue_load_file
from demo.scale import scale_seed


class Command(BaseCommand):
    help = "Add N individual members with families, and companies with employees in proportion (bulk inserts)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--members", type=int, required=True, help="Individual holders to add.")
        parser.add_argument("--batch", type=int, default=5000, help="Households per batch and rows per INSERT.")
        parser.add_argument(
            "--claims-per-member", type=int, default=10, help="Reimbursement claims per subscriber (0: none)."
        )

    def handle(self, *args, members: int, batch: int, claims_per_member: int, **options) -> None:
        if members < 1 or batch < 1 or claims_per_member < 0:
            raise CommandError("--members and --batch must be positive, --claims-per-member zero or more.")
        started = time.perf_counter()
        if not Product.objects.exists():
            catalogue_load_file(actor=None)
        counts = scale_seed(members=members, batch_size=batch, claims_per_member=claims_per_member)
        statistics_refresh()
        summary = ", ".join(f"{count} {name}" for name, count in sorted(counts.items()))
        self.stdout.write(self.style.SUCCESS(f"seed_scale: {summary} in {time.perf_counter() - started:.1f} s."))


def statistics_refresh() -> None:
    """ANALYZE once the rows are committed: the planner otherwise keeps the statistics of the empty tables
    (the ceiling sum of the decision step ran 3x slower until it was run by hand)."""
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
