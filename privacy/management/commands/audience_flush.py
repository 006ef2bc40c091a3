"""``manage.py audience_flush``: move the anonymous page-view counters from the cache to the database (SPEC G5);
schedule it every few minutes where the cache is shared (Redis)."""

from typing import Any

from django.core.management.base import BaseCommand

from privacy.audience import flush


class Command(BaseCommand):
    help = "Store the page-view counters kept in the cache (no identifying data is ever counted)."

    def handle(self, *args: Any, **options: Any) -> None:
        self.stdout.write(f"{flush()} page view(s) stored.")
