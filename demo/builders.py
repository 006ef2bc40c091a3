"""The demo insurer, built once through the services exactly as real operations would build it.

``seed_demo`` calls :func:`demo_build` when the demo is not there yet; everything it
creates is a function of a fixed seed and of today's date, in one transaction.
"""

from __future__ import annotations

from collections import Counter
from datetime import date

from django.db import transaction

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


@transaction.atomic
def demo_build(*, today: date) -> Counter:
    """Catalogue, partners, members, employers, mandates and the ready logins; returns what was counted."""
    ctx = DemoContext(today=today)
    catalogue_load_file(actor=None)
    ctx.stats["terms"] += terms_ensure()
    ctx.load_catalogue()
    professionals_build(ctx)
    agents = agents_build(ctx)
    holdings = members_build(ctx)
    employers = companies_build(ctx)
    mandates_build(ctx, agents, holdings, employers)
    ctx.stats["logins"] += logins_ensure()
    return ctx.stats
