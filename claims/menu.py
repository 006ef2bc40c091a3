"""The claims' links on the member's home page and the back office's queues."""

from django.utils.translation import gettext_lazy as _

from accounts.choices import ProfileKind
from backoffice.queues import Queue
from claims.selectors import CLAIMS_ROLES, pending_count
from core.menu import Entry

MEMBER = (ProfileKind.MEMBER,)

ENTRIES = [
    Entry(
        MEMBER,
        _("Request a healthcare reimbursement"),
        "claims:new",
        description=_("Send your bills and receipts online: up to 10 care items under 500 EUR."),
        order=40,
        section=_("Make a claim"),
    ),
    Entry(
        MEMBER,
        _("My reimbursement claims"),
        "claims:list",
        description=_("Follow your claims and the amounts reimbursed."),
        order=41,
        section=_("Make a claim"),
    ),
]

BACKOFFICE_QUEUES = [
    Queue(_("Reimbursement claims"), "claims_backoffice:queue", CLAIMS_ROLES, pending_count),
    Queue(_("Claims service suspensions"), "claims_backoffice:suspensions", CLAIMS_ROLES),
    Queue(_("Exchange rates"), "claims_backoffice:rates", CLAIMS_ROLES),
]
