"""Queue the background tasks committed while the task queue was down (scheduled every 5 minutes)."""

from __future__ import annotations

from datetime import timedelta

from django.core.management.base import BaseCommand, CommandError

from jobs.services import handoffs_requeue


class Command(BaseCommand):
    help = "Queue again the tasks handed over after a commit more than --minutes ago (default 10) and never queued."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--minutes", type=int, default=10)

    def handle(self, *args, minutes: int, **options) -> None:
        queued, refused = handoffs_requeue(older_than=timedelta(minutes=minutes))
        self.stdout.write(f"{queued} task(s) queued again.")
        if refused:
            raise CommandError(f"{refused} task(s) still refused by the task queue; they wait for the next run.")
