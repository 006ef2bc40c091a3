"""Write a person's insurance certificate to a file, to look at the PDF without the portal."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from contracts.choices import AffiliationRole
from contracts.models import Affiliation
from contracts.pdf import certificate_pdf
from documents.pdf import paris_today


def latest_subscription(membership_number: str) -> Affiliation:
    """The person's subscriber affiliation open today, else the one that started last."""
    affiliations = list(
        Affiliation.objects.filter(
            person__membership_number=membership_number, role=AffiliationRole.SUBSCRIBER
        ).order_by("-start_date")
    )
    if not affiliations:
        raise CommandError(f"No subscriber affiliation for membership number {membership_number!r}.")
    today = paris_today()
    return next((affiliation for affiliation in affiliations if affiliation.is_open(today)), affiliations[0])


class Command(BaseCommand):
    help = "Write the insurance certificate of a member (by membership number) to a PDF file."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--membership-number", required=True)
        parser.add_argument("--out", required=True, type=Path, help="Path of the PDF file to write.")
        parser.add_argument("--language", default="fr", choices=[code for code, _name in settings.LANGUAGES])

    def handle(self, *args: Any, membership_number: str, out: Path, language: str, **options: Any) -> None:
        affiliation = latest_subscription(membership_number)
        out.write_bytes(certificate_pdf(affiliation=affiliation, language=language))
        self.stdout.write(f"Certificate of {affiliation.person} ({affiliation.contract}) written to {out}")
