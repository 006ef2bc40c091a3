from django.utils.translation import gettext_lazy as _

from backoffice.queues import Queue
from core.menu import Entry
from demarches.permissions import PROCESSING_ROLES
from demarches.selectors import queue_pending_count

ENTRIES = [
    Entry(
        ("member", "company", "agent"),
        _("My requests"),
        "demarches:list",
        description=_("Ask us a question or for a change, send a complaint, and follow your requests."),
        order=60,
    ),
]

BACKOFFICE_QUEUES = [
    Queue(_("Requests to process"), "demarches_backoffice:queue", PROCESSING_ROLES, queue_pending_count),
]
