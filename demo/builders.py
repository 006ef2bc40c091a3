"""The demo insurer, built once through the services exactly as real operations would build it.

``seed_demo`` calls :func:`demo_build` when the demo is not there yet; everything it
creates is a function of a fixed seed and of today's date, in one transaction.
"""

from __future__ import annotations

from collections import Counter
from datetime import date
from importlib import import_module

from django.apps import apps
from django.db import transaction

from claims.currency import SAMPLE_RATES_FILE, exchange_rates_load
from contracts.services import catalogue_load_file
from demo.accounts import logins_ensure
from demo.companies import companies_build
from demo.context import DemoContext
from demo.members import holder_number, members_build
from demo.network import agents_build, mandates_build, professionals_build
from demo.terms import terms_ensure
from people.models import Person


def demo_present() -> bool:
    """The first demo holder stands for the whole demo: it is built in one transaction or not at all."""
    return Person.objects.filter(membership_number=holder_number(0)).exists()


def exchange_rates_ensure() -> int:
    """The sample euro reference rates (claims/data/), so that claims in foreign currencies can be shown;
    loading them again changes nothing. Returns the number of rates loaded."""
    with SAMPLE_RATES_FILE.open("rb") as handle:
        return exchange_rates_load(actor=None, source=handle).rates


@transaction.atomic
def demo_build(*, today: date) -> Counter:
    """Catalogue, exchange rates, partners, members, employers, mandates and the ready logins; returns what was
    counted."""
    ctx = DemoContext(today=today)
    catalogue_load_file(actor=None)
    ctx.stats["exchange rates"] += exchange_rates_ensure()
    ctx.stats["terms"] += terms_ensure()
    ctx.load_catalogue()
    professionals_build(ctx)
    agents = agents_build(ctx)
    holdings = members_build(ctx)
    employers = companies_build(ctx)
    mandates_build(ctx, agents, holdings, employers)
    ctx.stats["logins"] += logins_ensure()
    app_demo_build(ctx)
    return ctx.stats


def app_demo_build(ctx: DemoContext) -> None:
    """Each app that has demo records of its own builds them in ``<app>/demo_data.py`` (``build(ctx)``), in the order
    of INSTALLED_APPS, after the people, contracts and logins above exist."""
    for config in apps.get_app_configs():
        try:
            module = import_module(f"{config.name}.demo_data")
        except ModuleNotFoundError as exc:
            if exc.name != f"{config.name}.demo_data":
                raise
            continue
        module.build(ctx)
