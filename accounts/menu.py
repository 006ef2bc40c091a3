from django.utils.translation import gettext_lazy as _

from accounts.choices import ProfileKind
from core.menu import Entry

EVERYONE = tuple(ProfileKind.values)

ENTRIES = [
    Entry(EVERYONE, _("Change my password"), "accounts:password_change", order=900, section=_("My account")),
    Entry(EVERYONE, _("Language"), "accounts:language", order=905, section=_("My account"),
          description=_("The language of your pages, emails and documents.")),
    Entry(EVERYONE, _("Security of my account"), "accounts:security", order=910, section=_("My account")),
    Entry(EVERYONE, _("Two-factor authentication"), "twofactor:manage", order=920, section=_("My account")),
    Entry(EVERYONE, _("API access tokens"), "api_tokens:list", order=930, section=_("My account"),
          visible=lambda profile: profile.kind != ProfileKind.STAFF),
    Entry(EVERYONE, _("Suspend or close my account"), "account_closure:request", order=990, section=_("My account"),
          visible=lambda profile: profile.kind != ProfileKind.STAFF),
    Entry((ProfileKind.STAFF,), _("Back office"), "backoffice:home", order=10,
          description=_("Queues and tools of your roles.")),
]
