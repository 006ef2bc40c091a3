"""``manage.py audit_seal``: chain the committed events; ``--loop`` for a worker process, once for cron and tests."""

from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.db import connection
from django.utils.translation import gettext as _

from audit.chain import SEAL_BATCH, seal, seal_forever


class Command(BaseCommand):
    help = "Seal the audit events committed since the last run, in id order (--loop: keep doing it)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--loop", action="store_true", help="Run as a worker: seal, sleep --interval, again.")
        parser.add_argument("--interval", type=float, default=1.0, help="Seconds between two passes with --loop.")
        parser.add_argument("--batch", type=int, default=SEAL_BATCH, help="Events per sealing transaction.")
        parser.add_argument(
            "--wait", type=float, default=2.0, help="Once: seconds to wait for a missing id (commit or proof of loss)."
        )

    def handle(self, *args: Any, loop: bool, interval: float, batch: int, wait: float, **options: Any) -> None:
        if not loop:
            self.stdout.write(_("Sealed %(count)d events.") % {"count": seal(batch=batch, wait=wait)})
            return
        for count in seal_forever(interval=interval, batch=batch):
            if count and options["verbosity"] > 1:
                self.stdout.write(_("Sealed %(count)d events.") % {"count": count})
            connection.close_if_unusable_or_obsolete()
