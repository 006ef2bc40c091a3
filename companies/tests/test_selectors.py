"""Scoping of the company space: a company never sees another's employees; an agent nothing outside its mandates."""

from __future__ import annotations

from datetime import date

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.utils import timezone

from companies import selectors
from companies.selectors import EmployeeFilters
from contracts.models import Mandate


def _names(rows) -> set[str]:
    return {row.person.last_name for row in rows}


def test_a_company_sees_its_employees_only(acme, rival):
    rows = selectors.employee_list(actor=acme.profile)
    assert _names(rows) == {cover.person.last_name for cover in acme.covers}
    assert selectors.employee_get(actor=acme.profile, public_id=rival.covers[0].public_id) is None
    assert "Enfant" not in _names(rows)  # dependants are not employees


def test_an_agent_sees_only_what_its_mandates_cover(acme, rival, broker):
    assert _names(selectors.employee_list(actor=broker)) == _names(selectors.employee_list(actor=acme.profile))
    assert selectors.employee_get(actor=broker, public_id=rival.covers[0].public_id) is None
    assert list(selectors.client_companies(actor=broker)) == [acme.company]


def test_an_agent_whose_mandate_lapsed_beyond_the_grace_period_sees_nothing(acme, broker):
    long_ago = timezone.localdate() - relativedelta(months=settings.ACCOUNT_GRACE_MONTHS + 1)
    Mandate.objects.filter(agent=broker.agent).update(end_date=long_ago)
    assert not selectors.employee_list(actor=broker).exists()
    assert not selectors.space_contracts(actor=broker).exists()


def test_in_the_grace_period_the_space_is_read_only(acme, broker):
    ended = timezone.localdate() - relativedelta(months=2)
    Mandate.objects.filter(agent=broker.agent).update(end_date=ended)
    assert selectors.employee_list(actor=broker).exists()
    state = selectors.space_state(actor=broker)
    assert state.read_only
    assert state.access_until == ended + relativedelta(months=settings.ACCOUNT_GRACE_MONTHS)
    assert not selectors.is_writable(actor=broker, affiliation=acme.covers[0])
    assert not selectors.space_state(actor=acme.profile).read_only


def test_search_sort_and_status(acme):
    acme.covers[1].end_date = date(2023, 12, 31)
    acme.covers[1].save()
    current = selectors.employee_list(actor=acme.profile)
    assert acme.covers[1] not in current
    ended = selectors.employee_list(actor=acme.profile, filters=EmployeeFilters(status="ended"))
    assert list(ended) == [acme.covers[1]]
    found = selectors.employee_list(actor=acme.profile, filters=EmployeeFilters(query=acme.covers[2].person.last_name))
    assert list(found) == [acme.covers[2]]
    desc = selectors.employee_list(actor=acme.profile, filters=EmployeeFilters(status="all", descending=True))
    names = [row.person.last_name for row in desc]
    assert names == sorted(names, reverse=True)
    bogus = selectors.employee_list(actor=acme.profile, filters=EmployeeFilters(sort="person__nir"))
    assert bogus.count() == 2  # an unknown sort falls back to the name
