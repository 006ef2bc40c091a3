"""The professional space's links on the home page, the member's directory link, and the back-office queues."""

from django.utils.translation import gettext_lazy as _

from accounts.choices import ProfileKind
from backoffice.queues import Queue
from core.menu import Entry, Home
from professionals.selectors import (
    INVOICE_ROLES,
    MESSAGE_ROLES,
    home_summary,
    open_message_count,
    pending_invoice_count,
)

PROFESSIONAL = (ProfileKind.PROFESSIONAL,)

ENTRIES = [
    Entry(
        PROFESSIONAL,
        _("Check a member's rights"),
        "professionals:rights",
        description=_("From the member number on the card and the patient's identity, before you give care."),
        order=10,
    ),
    Entry(
        PROFESSIONAL,
        _("My third-party-payment invoices"),
        "professionals:invoices",
        description=_("The invoices you sent us, their status and the amounts accepted."),
        order=20,
    ),
    Entry(
        PROFESSIONAL,
        _("My payments"),
        "professionals:payments",
        description=_("The transfers we made to you and the invoices each one settles."),
        order=30,
    ),
    Entry(
        PROFESSIONAL,
        _("Contact us"),
        "professionals:contact",
        description=_("Write to our health-professional service and follow our answers."),
        order=40,
    ),
    Entry(
        (ProfileKind.MEMBER,),
        _("Find a health professional"),
        "network:search",
        description=_("Partner professionals near you, where you do not advance the costs."),
        order=45,
        section=_("Make a claim"),
    ),
]

BACKOFFICE_QUEUES = [
    Queue(
        _("Third-party-payment invoices to process"),
        "professionals_backoffice:queue",
        INVOICE_ROLES,
        pending_invoice_count,
    ),
    Queue(_("Payments to professionals"), "professionals_backoffice:payments", INVOICE_ROLES),
    Queue(_("Messages from professionals"), "professionals_backoffice:messages", MESSAGE_ROLES, open_message_count),
]

HOMES = [Home(PROFESSIONAL, "space_home.html", home_summary)]
