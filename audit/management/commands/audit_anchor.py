"""``manage.py audit_anchor``: writes a signed anchor of the chain head outside the database (the sealer's loop does
it by itself; this is for cron and tests). ``--create-key`` creates the signing key and prints its public half."""

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from audit import anchors
from audit.services import anchor_head
from openmutuelle.config import generated_secret


class Command(BaseCommand):
    help = "Write a signed anchor of the audit chain head (nothing when it has not moved)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--create-key",
            action="store_true",
            help="Create AUDIT_ANCHOR_KEY_FILE (0600) if missing; print the public key (AUDIT_ANCHOR_PUBLIC_KEY).",
        )

    def handle(self, *args: Any, create_key: bool, **options: Any) -> None:
        if create_key:
            path = Path(settings.AUDIT_ANCHOR_KEY_FILE)
            try:
                generated_secret(path, anchors.new_key_text)
            except OSError as error:
                raise CommandError(f"{path}: {error}") from error
            self.stdout.write(anchors.public_key_text(anchors.signing_key()))
            return
        anchor = anchor_head()
        if anchor is None:
            self.stdout.write(_("Nothing new to anchor."))
            return
        self.stdout.write(_("Anchored event %(id)d.") % {"id": anchor.event_id})
