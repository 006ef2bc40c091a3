"""Issue the annual contribution certificates of a year (default: the previous one), early in the year; once per
holder and year."""

from django.core.management.base import BaseCommand

from contributions.services import annual_certificates_issue
from documents.pdf import paris_today


class Command(BaseCommand):
    help = "Issue the annual contribution certificates of a year (default: last year)."

    def add_arguments(self, parser):
        parser.add_argument("--year", type=int, default=0)

    def handle(self, *args, year: int, **options):
        today = paris_today()
        count = annual_certificates_issue(actor=None, year=year or today.year - 1, today=today)
        self.stdout.write(f"{count} certificate(s) issued.")
