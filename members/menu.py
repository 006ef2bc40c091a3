from django.utils.translation import gettext_lazy as _

from accounts.choices import ProfileKind
from core.menu import Entry, Home
from members.selectors import home_summary

MEMBER = (ProfileKind.MEMBER,)

ENTRIES = [
    Entry(
        MEMBER,
        _("My personal information"),
        "members:personal",
        description=_("Civil status, address, phone, email, bank account."),
        order=20,
    ),
    Entry(
        MEMBER,
        _("My beneficiaries"),
        "members:beneficiaries",
        description=_("The people covered by your contracts; add or remove one."),
        order=30,
    ),
    Entry(
        MEMBER,
        _("My preferences"),
        "members:preferences",
        description=_("Commercial information, paperless statements, email alerts."),
        order=800,
        section=_("My account"),
    ),
]

HOMES = [Home(MEMBER, "members/home.html", home_summary)]
