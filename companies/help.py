"""What the company space's help page shows besides the content app's library, zones and FAQ (SPEC E6).

The sales team's contacts are the insurer's own settings (``settings.INSURER_SALES_CONTACTS`` when a
deployment defines it); the travel security alerts are the French foreign ministry's advice page.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.utils.translation import gettext_lazy as _

TRAVEL_ADVICE_URL = "https://www.diplomatie.gouv.fr/fr/conseils-aux-voyageurs/"
FAQ_ON_PAGE = 6


@dataclass(frozen=True)
class SalesContact:
    area: str
    name: str
    email: str
    phone: str


DEFAULT_SALES_CONTACTS = (
    (
        _("Companies in France (collective health and welfare)"),
        "Service commercial Entreprises",
        "entreprises@openmutuelle.fr",
        "+33 1 84 88 00 10",
    ),
    (
        _("Expatriate cover (companies and brokers)"),
        "Service commercial International",
        "international@openmutuelle.fr",
        "+33 1 84 88 00 20",
    ),
    (_("Brokers and management agents"), "Relations courtiers", "courtiers@openmutuelle.fr", "+33 1 84 88 00 30"),
)


def sales_contacts() -> list[SalesContact]:
    rows = getattr(settings, "INSURER_SALES_CONTACTS", None) or DEFAULT_SALES_CONTACTS
    return [SalesContact(str(area), name, email, phone) for area, name, email, phone in rows]
