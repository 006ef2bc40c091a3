"""Issue the calls for contributions of a quarter (default: the current one). Idempotent: run it from the OS
scheduler as often as wanted; a period already called is never called again."""

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from contributions.services import Quarter, calls_generate
from documents.pdf import paris_today


class Command(BaseCommand):
    help = "Issue the calls for contributions of a quarter (2026-Q1; default: the current quarter)."

    def add_arguments(self, parser):
        parser.add_argument("--quarter", default="")

    def handle(self, *args, quarter: str, **options):
        today = paris_today()
        try:
            chosen = Quarter.parse(quarter) if quarter else Quarter.of(today)
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from exc
        created = calls_generate(actor=None, quarter=chosen, today=today)
        self.stdout.write(f"{chosen}: {len(created)} call(s) issued.")
