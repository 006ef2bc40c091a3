"""The compulsory scheme's flows in the back office: the queue of rejected statement lines (issue 13)."""

from django.utils.translation import gettext_lazy as _

from backoffice.queues import Queue
from claims.selectors import CLAIMS_ROLES


def _open_rejections() -> int:
    from ledger.selectors import open_rejections

    return open_rejections().count()


ENTRIES = []

BACKOFFICE_QUEUES = [
    Queue(_("Compulsory scheme flows: rejected lines"), "ledger_backoffice:flows", CLAIMS_ROLES, _open_rejections),
]
