from django.utils.translation import gettext_lazy as _

from accounts.choices import ProfileKind
from core.menu import Entry

ENTRIES = [
    Entry(
        (ProfileKind.MEMBER,),
        _("My contracts"),
        "contracts:list",
        description=_("Guarantees, covered people, certificates and general conditions."),
        order=20,
    ),
]
