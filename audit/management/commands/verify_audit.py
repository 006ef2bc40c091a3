"""``manage.py verify_audit``: exit status 0 when the trail is intact, 1 naming the first bad event."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from audit.chain import verify_chain


class Command(BaseCommand):
    help = (
        "Seal, then recompute the audit hash chain and compare it with the signed anchors; exit status 1 if it is "
        "broken, shortened or emptied. "
        "A full run that finds it intact leaves a checkpoint."
    )
    # The system checks import every URL module and API schema (seconds of a start that verifies in seconds); they
    # have nothing to say about the trail, and every other command and the server run them.
    requires_system_checks = []

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--from-checkpoint",
            action="store_true",
            help="Recompute only the events after the last checkpoint (anchors before it are still compared).",
        )
        parser.add_argument(
            "--min-events",
            type=int,
            default=0,
            help="Fail when fewer sealed events are found (the signed anchors already set such a minimum).",
        )
        parser.add_argument("--skip-checks", action="store_true", help="Accepted as before: the checks are skipped.")

    def handle(self, *args: Any, from_checkpoint: bool, min_events: int, **options: Any) -> None:
        result = verify_chain(from_checkpoint=from_checkpoint, min_events=min_events)
        if not result.ok:
            raise CommandError(result.message, returncode=1)
        self.stdout.write(self.style.SUCCESS(result.message))
