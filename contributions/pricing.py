"""How much a contract's holder owes for a period (DOMAIN.md, contracts and contributions).

Every amount is data (``data/tariffs.json``): per product, else per product line, for individual and for
collective contracts. Kinds of tariff:

- ``per_person``: a monthly amount per covered person by age band (the age reached in the year of the period), a
  child's amount for children; expatriate products are multiplied by the contract's zone factor;
- ``flat``: a flat monthly amount for the contract;
- ``per_employee``: a flat monthly amount per employee affiliated (collective), times the zone factor;
- ``salary``: rates of the employee's monthly reference salary cut in tranches of the PMSS of the year
  (A: up to 1 PMSS, B: 1 to 4 PMSS, C: 4 to 8 PMSS).

A person (or an employee) covered on any day of a month owes that whole month.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from functools import cache
from pathlib import Path

from django.db.models import F

from contracts.choices import AffiliationRole, ContractKind
from contracts.models import Affiliation, Contract
from contributions.choices import LineBasis
from people.models import Person, ReferenceSalary

TARIFFS_FILE = Path(__file__).resolve().parent / "data" / "tariffs.json"
CENT = Decimal("0.01")
TRANCHES = (("A", 0, 1), ("B", 1, 4), ("C", 4, 8))


@cache
def tariffs() -> dict:
    with TARIFFS_FILE.open(encoding="utf-8") as handle:
        return json.load(handle)


def cents(amount: Decimal) -> Decimal:
    return amount.quantize(CENT, rounding=ROUND_HALF_UP)


def pmss(year: int) -> Decimal:
    """The monthly Social Security ceiling of ``year`` (the last known one for a later year)."""
    table = tariffs()["pmss"]
    known = max((int(key) for key in table if int(key) <= year), default=min(int(key) for key in table))
    return Decimal(table[str(known)])


def tariff_for(contract: Contract) -> dict:
    data = tariffs()
    collective = contract.kind == ContractKind.COLLECTIVE
    products = data["collective_products" if collective else "products"]
    lines = data["collective_lines" if collective else "lines"]
    return products.get(contract.product.code) or lines[contract.product.line]


def zone_factor(contract: Contract) -> Decimal:
    zone = contract.zone.code if contract.zone_id else ""
    return Decimal(tariffs()["zone_factors"].get(zone, "1.00"))


def due_date(period_start: date) -> date:
    """Contributions are paid in advance: due on the ``due_day`` of the period's first month."""
    return period_start.replace(day=tariffs()["due_day"])


def months_of(start: date, end: date) -> list[tuple[date, date]]:
    """(first day, last day) of each month from ``start``'s to ``end``'s."""
    months, current = [], start.replace(day=1)
    while current <= end:
        following = (current + timedelta(days=32)).replace(day=1)
        months.append((current, following - timedelta(days=1)))
        current = following
    return months


@dataclass
class Line:
    """One priced line before it is stored as a ``CallLine``."""

    basis: str
    person: Person | None
    label: str
    months: int
    monthly_amount: Decimal
    role: str = ""
    age: int | None = None

    @property
    def amount(self) -> Decimal:
        return cents(self.monthly_amount * self.months)


def _covered_months(affiliation: Affiliation, months: list[tuple[date, date]], contract: Contract) -> int:
    ends = [end for end in (affiliation.end_date, contract.end_date) if end is not None]
    end = min(ends) if ends else None
    start = max(affiliation.start_date, contract.effective_date)
    return sum(1 for first, last in months if start <= last and (end is None or end >= first))


def _age_amount(tariff: dict, affiliation: Affiliation, year: int) -> Decimal:
    if affiliation.role == AffiliationRole.CHILD:
        return Decimal(tariff["child"])
    age = year - affiliation.person.birth_date.year
    return next(Decimal(amount) for limit, amount in tariff["ages"] if age <= limit)


def _reference_salaries(affiliations: list[Affiliation], on: date) -> dict[int, Decimal]:
    """The yearly reference salary in force on ``on`` of each affiliated person (one query for all of them)."""
    salaries = ReferenceSalary.objects.filter(
        person_id__in={affiliation.person_id for affiliation in affiliations}, effective_date__lte=on
    ).order_by("person_id", "effective_date")
    return dict(salaries.values_list("person_id", "amount"))  # ordered by date: the latest one wins


def _salary_monthly(salary: Decimal | None, rates: dict, year: int) -> Decimal:
    if salary is None:
        return Decimal("0")
    monthly, ceiling = salary / 12, pmss(year)
    total = Decimal("0")
    for tranche, low, high in TRANCHES:
        base = min(max(monthly - low * ceiling, Decimal("0")), (high - low) * ceiling)
        total += base * Decimal(rates.get(tranche, "0")) / 100
    return total


def price(contract: Contract, start: date, end: date) -> list[Line]:
    """The lines owed for ``contract`` from ``start`` to ``end`` (whole months)."""
    tariff, months, year = tariff_for(contract), months_of(start, end), start.year
    kind = tariff["kind"]
    if kind == "flat":
        covered = sum(
            1
            for first, last in months
            if contract.effective_date <= last and (contract.end_date is None or contract.end_date >= first)
        )
        return [Line(LineBasis.FLAT, None, contract.number, covered, Decimal(tariff["monthly"]))] if covered else []
    subscriber_first = F("principal_id").asc(nulls_first=True)  # NULLs sort last on PostgreSQL, first on SQLite
    affiliations = contract.affiliations.select_related("person").order_by(subscriber_first, "start_date", "pk")
    if kind != "per_person":
        affiliations = affiliations.filter(role=AffiliationRole.SUBSCRIBER)
    affiliations = list(affiliations)
    salaries = _reference_salaries(affiliations, start) if kind == "salary" else {}
    lines = []
    for affiliation in affiliations:
        count = _covered_months(affiliation, months, contract)
        if not count:
            continue
        if kind == "per_person":
            monthly = _age_amount(tariff, affiliation, year) * zone_factor(contract)
            age = year - affiliation.person.birth_date.year
            name = affiliation.person.full_name
            lines.append(Line(LineBasis.PER_PERSON, affiliation.person, name, count, monthly, affiliation.role, age))
        elif kind == "per_employee":
            monthly = Decimal(tariff["monthly"]) * zone_factor(contract)
            lines.append(Line(LineBasis.PER_EMPLOYEE, affiliation.person, affiliation.person.full_name, count, monthly))
        else:
            monthly = cents(_salary_monthly(salaries.get(affiliation.person_id), tariff["rates"], year))
            if monthly > 0:
                lines.append(Line(LineBasis.SALARY, affiliation.person, affiliation.person.full_name, count, monthly))
    return [line for line in lines if line.amount > 0]
