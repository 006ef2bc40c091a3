"""The company and agent spaces' entries on the home page (SPEC E1-E7)."""

from django.utils.translation import gettext_lazy as _

from accounts.choices import ProfileKind
from companies.selectors import home_summary
from core.menu import Entry, Home

COMPANY = (ProfileKind.COMPANY,)
AGENT = (ProfileKind.AGENT,)
SPACE = (ProfileKind.COMPANY, ProfileKind.AGENT)

ENTRIES = [
    Entry(
        COMPANY,
        _("My company"),
        "companies:information",
        description=_("Company name, SIRET, correspondence address, email and phone."),
        order=10,
    ),
    Entry(
        AGENT,
        _("My clients"),
        "companies:home",
        description=_("The companies and insured people whose contracts you manage under a mandate."),
        order=10,
    ),
    Entry(
        COMPANY,
        _("Collective contracts"),
        "companies:contract_list",
        description=_("Contracts, options with their dates, guarantee tables; change of guarantee."),
        order=20,
    ),
    Entry(
        AGENT,
        _("Contracts under my mandates"),
        "companies:contract_list",
        description=_("Collective and individual contracts, options, guarantee tables; changes by request."),
        order=20,
    ),
    Entry(
        COMPANY,
        _("My employees"),
        "companies:employee_list",
        description=_("Affiliate, search, export, certificates, departures; bulk affiliation from a file."),
        order=30,
    ),
    Entry(
        AGENT,
        _("My insured"),
        "companies:employee_list",
        description=_("Every person insured under your mandates: search, export, certificates, affiliations."),
        order=30,
    ),
    Entry(
        SPACE,
        _("Downloads and help"),
        "companies:downloads",
        description=_("Guides, forms, emergency numbers by zone, travel alerts, sales team contacts, FAQ."),
        order=70,
    ),
]

HOMES = [Home(SPACE, "space_home.html", home_summary)]
