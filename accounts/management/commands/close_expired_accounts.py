"""Close the logins whose grace period after the last contract has run out (SPEC A11).

Run daily by the scheduler; idempotent (a closed login is not looked at again).
"""

from __future__ import annotations

from datetime import date

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from accounts.lifecycle import accounts_close_expired


class Command(BaseCommand):
    help = "Close the accounts whose grace period after the end of all contractual relations is over."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--today", help="The date to act as of (YYYY-MM-DD); default: today in Paris.")

    def handle(self, *args, **options) -> None:
        today = self._today(options.get("today"))
        report = accounts_close_expired(today=today)
        self.stdout.write(
            f"{today.isoformat()}: {report.checked} accounts checked, {report.read_only} read-only "
            f"(grace period), {report.closed} closed."
        )

    @staticmethod
    def _today(value: str | None) -> date:
        if not value:
            return timezone.localdate()
        try:
            return date.fromisoformat(value)
        except ValueError as error:
            raise CommandError("--today must be a date written YYYY-MM-DD.") from error
