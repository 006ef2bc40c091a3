"""The benefits' links on the member's home page and the payments queue of the back office."""

from django.utils.translation import gettext_lazy as _

from accounts.choices import ProfileKind
from backoffice.queues import Queue
from benefits.selectors import payable_count
from claims.selectors import CLAIMS_ROLES
from core.menu import Entry

MEMBER = (ProfileKind.MEMBER,)

ENTRIES = [
    Entry(
        MEMBER,
        _("My benefits"),
        "benefits:list",
        description=_("The reimbursements paid to you and your monthly benefit statements."),
        order=42,
        section=_("Make a claim"),
    ),
    Entry(
        MEMBER,
        _("My reimbursements"),
        "benefits:feed",
        description=_("Online and automatic reimbursements in one list, with what is left to pay and your ceilings."),
        order=41,
        section=_("Make a claim"),
    ),
    Entry(
        MEMBER,
        _("Estimate my care"),
        "benefits:estimate",
        description=_("Before a visit, glasses or a crown: what the compulsory scheme, we and you would pay."),
        order=42,
        section=_("Make a claim"),
    ),
    Entry(
        MEMBER,
        _("My third-party-payment card"),
        "benefits:card",
        description=_("Show it to health professionals so that you do not advance the costs."),
        order=43,
        section=_("Make a claim"),
    ),
]

BACKOFFICE_QUEUES = [
    Queue(_("Payments"), "payments_backoffice:list", CLAIMS_ROLES, payable_count),
]
