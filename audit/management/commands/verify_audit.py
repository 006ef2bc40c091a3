"""``manage.py verify_audit``: exit status 0 when the trail is intact, 1 naming the first bad event."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from audit.services import verify_chain


class Command(BaseCommand):
    help = "Recompute the audit hash chain and compare it with the anchors; exit status 1 if it is broken."

    def handle(self, *args: Any, **options: Any) -> None:
        result = verify_chain()
        if not result.ok:
            raise CommandError(result.message, returncode=1)
        self.stdout.write(self.style.SUCCESS(result.message))
