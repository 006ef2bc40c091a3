"""The contributions' links on the home pages of members, companies and agents, and the back-office queue."""

from django.utils.translation import gettext_lazy as _

from accounts.choices import ProfileKind
from backoffice.queues import Queue
from contributions.selectors import CONTRIBUTIONS_ROLES, overdue_count, unallocated_payments
from core.menu import Entry

ENTRIES = [
    Entry(
        (ProfileKind.MEMBER,),
        _("My contributions"),
        "contributions:list",
        description=_("Calls for contributions, receipts, amounts paid and remaining; pay online by card."),
        order=25,
    ),
    Entry(
        (ProfileKind.COMPANY, ProfileKind.AGENT),
        _("Contributions"),
        "contributions:list",
        description=_("Each call of your contracts: receipt number, due date, amount and remaining; PDF and card."),
        order=25,
    ),
]

BACKOFFICE_QUEUES = [
    Queue(_("Overdue calls for contributions"), "contributions_backoffice:calls", CONTRIBUTIONS_ROLES, overdue_count),
    # Money received and not allocated (an over-payment…) is flagged here until allocated or refunded.
    Queue(
        _("Payments to allocate"),
        "contributions_backoffice:unallocated",
        CONTRIBUTIONS_ROLES,
        lambda: unallocated_payments().count(),
    ),
]
