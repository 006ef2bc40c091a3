"""``manage.py audit_seal``: chain the committed events; ``--loop`` for a worker process, once for cron and tests.

With ``--loop`` the sealer also writes a signed anchor (``audit.anchors``) once AUDIT_ANCHOR_EVERY events were sealed
since the last one, or AUDIT_ANCHOR_INTERVAL seconds passed with new seals: that period bounds what someone who takes
over the database can rewrite unseen.
"""

import time
from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.management.base import BaseCommand, CommandParser
from django.db import connection
from django.utils.translation import gettext as _

from audit.chain import SEAL_BATCH, seal, seal_forever
from audit.services import anchor_head


class Command(BaseCommand):
    help = "Seal the audit events committed since the last run, in id order (--loop: keep doing it, and anchor)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--loop", action="store_true", help="Run as a worker: seal, sleep --interval, again.")
        parser.add_argument("--interval", type=float, default=1.0, help="Seconds between two passes with --loop.")
        parser.add_argument("--batch", type=int, default=SEAL_BATCH, help="Events per sealing transaction.")
        parser.add_argument(
            "--wait", type=float, default=2.0, help="Once: seconds to wait for a missing id (commit or proof of loss)."
        )
        parser.add_argument("--no-anchor", action="store_true", help="With --loop: never write signed anchors.")

    def handle(self, *args: Any, loop: bool, interval: float, batch: int, wait: float, **options: Any) -> None:
        if not loop:
            self.stdout.write(_("Sealed %(count)d events.") % {"count": seal(batch=batch, wait=wait)})
            return
        since, anchored_at = 0, 0.0
        for count in seal_forever(interval=interval, batch=batch):
            since += count
            due = (
                since >= settings.AUDIT_ANCHOR_EVERY or time.monotonic() - anchored_at >= settings.AUDIT_ANCHOR_INTERVAL
            )
            if since and due and not options["no_anchor"]:
                try:
                    anchor = anchor_head()
                except ImproperlyConfigured as error:  # no signing key: seal on, and say it each time it is due
                    anchor = None
                    self.stderr.write(_("No signed anchor written: %(error)s") % {"error": error})
                since, anchored_at = 0, time.monotonic()
                if anchor and options["verbosity"] > 1:
                    self.stdout.write(_("Anchored event %(id)d.") % {"id": anchor.event_id})
            if count and options["verbosity"] > 1:
                self.stdout.write(_("Sealed %(count)d events.") % {"count": count})
            connection.close_if_unusable_or_obsolete()
