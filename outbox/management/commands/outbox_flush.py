"""Queue again the emails whose sending task was lost (scheduled every 15 minutes)."""

from __future__ import annotations

from datetime import timedelta

from django.core.management.base import BaseCommand

from outbox.services import emails_requeue


class Command(BaseCommand):
    help = "Queue again the emails still unsent after --minutes (default 10)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--minutes", type=int, default=10)

    def handle(self, *args, minutes: int, **options) -> None:
        count = emails_requeue(older_than=timedelta(minutes=minutes))
        self.stdout.write(f"{count} email(s) queued again.")
