"""The privacy links on the home pages of members, companies, agents and professionals, and the DPO's queues."""

from django.utils.translation import gettext_lazy as _

from backoffice.queues import Queue
from core.menu import Entry
from privacy.selectors import PRIVACY_ROLES, REQUESTER_KINDS, open_count

ENTRIES = [
    Entry(
        REQUESTER_KINDS,
        _("My personal data"),
        "privacy:index",
        description=_("Get a copy of your data, have it corrected or erased, and follow your requests."),
        order=90,
        section=_("My account"),
    ),
]

BACKOFFICE_QUEUES = [
    Queue(_("Personal data requests (open, overdue first)"), "privacy_backoffice:queue", PRIVACY_ROLES, open_count),
    Queue(_("Staff accesses to personal data"), "privacy_backoffice:accesses", PRIVACY_ROLES),
    Queue(_("Evidence trail"), "privacy_backoffice:evidence", PRIVACY_ROLES),
    Queue(_("Audience statistics"), "privacy_backoffice:audience", PRIVACY_ROLES),
]
