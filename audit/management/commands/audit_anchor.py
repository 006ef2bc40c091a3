"""``manage.py audit_anchor``: for the scheduler, writes the chain head outside the database."""

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from audit.services import anchor_head


class Command(BaseCommand):
    help = "Append the audit chain head to AUDIT_HEAD_FILE (nothing when it has not moved)."

    def handle(self, *args: Any, **options: Any) -> None:
        anchor = anchor_head()
        if anchor is None:
            self.stdout.write(_("Nothing new to anchor."))
            return
        self.stdout.write(
            _("Anchored event %(id)d in %(path)s.") % {"id": anchor.event_id, "path": settings.AUDIT_HEAD_FILE}
        )
