from django.utils.translation import gettext_lazy as _

from accounts.choices import ProfileKind
from backoffice.queues import Queue
from content.permissions import CONTENT_ROLES
from core.menu import Entry

ENTRIES = [
    Entry(
        (ProfileKind.MEMBER,),
        _("My documents"),
        "my_documents:index",
        description=_("Certificates, guarantee descriptions, general conditions, guides and forms."),
        order=60,
    ),
    Entry(
        (ProfileKind.MEMBER, ProfileKind.COMPANY, ProfileKind.AGENT),
        _("Help and contact"),
        "help:index",
        description=_("Emergency and assistance numbers, frequently asked questions, write to us."),
        order=800,
    ),
]

BACKOFFICE_QUEUES = [
    Queue(_("FAQ"), "content_backoffice:faq_list", CONTENT_ROLES),
    Queue(_("Documentation library"), "content_backoffice:library_list", CONTENT_ROLES),
    Queue(_("Emergency and assistance numbers"), "content_backoffice:zone_list", CONTENT_ROLES),
    Queue(_("Terms of use versions"), "content_backoffice:terms", CONTENT_ROLES),
    Queue(_("Maintenance closures"), "content_backoffice:maintenance", CONTENT_ROLES),
]
