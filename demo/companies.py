"""Employers, their collective contracts and their affiliated employees with families."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from contracts.choices import PaymentFrequency, PaymentMethod
from contracts.models import Affiliation, Contract
from contracts.services import affiliation_add_subscriber, contract_create
from demo import identifiers
from demo.context import DemoContext, add_months, ascii_slug, month_end, month_start
from demo.data import COMPANIES, EXPAT_DESTINATIONS, CompanySpec, Destination
from demo.households import bank_accounts_add, family_add, home_for, person_add, salaries_add
from people.choices import Sex
from people.models import Company, Person
from people.services import Address, company_create

# Company 5 left the insurer 14 months ago (its correspondent is in the grace period);
# company 4 moved its welfare cover elsewhere 8 months ago.
ENDED_COMPANY, ENDED_COMPANY_MONTHS = 5, 14
WELFARE_ENDED_COMPANY, WELFARE_ENDED_MONTHS = 4, 8
LOGIN_COMPANIES = 2  # companies 0 and 1 have correspondents with logins: enough employees to show


def company_number(index: int) -> str:
    """Demo companies' membership numbers (seed_scale's start at E10000000)."""
    return f"E{412 + index * 17:08d}"


def employee_number(company_index: int, position: int) -> str:
    """Membership numbers of employees: each affiliated employee has their own (DOMAIN.md)."""
    return f"{1_000_200_000 + company_index * 100 + position}"


@dataclass
class Employer:
    index: int
    company: Company
    contracts: dict[str, Contract] = field(default_factory=dict)


def _company_add(ctx: DemoContext, index: int, spec: CompanySpec) -> Company:
    siren = identifiers.siren(ctx.rng.randint(40_000_000, 89_999_999))  # never 9…: seed_scale's range
    company = company_create(
        actor=None,
        membership_number=company_number(index),
        name=spec.name,
        siret=identifiers.siret(siren, ctx.rng.randint(1, 60)),
        email=f"contact@{ascii_slug(spec.name)}.example.com",
        phone=identifiers.landline_phone(ctx.rng, area=ctx.rng.randint(1, 5)),
        address=Address(line1=ctx.fake().street_address(), postal_code=spec.postcode, city=spec.city),
    )
    bank_accounts_add(ctx, company, holder_name=spec.name, since=add_months(ctx.today, -120))
    return company


def _contract_add(
    ctx: DemoContext, employer: Employer, product_code: str, *, end_months: int | None, zone: str = ""
) -> Contract:
    effective = date(ctx.today.year - ctx.rng.randint(2, 9), 1, 1)
    return contract_create(
        actor=None,
        number=ctx.contract_number("COL", effective),
        product=ctx.products[product_code],
        holder=employer.company,
        effective_date=effective,
        end_date=month_end(add_months(ctx.today, -end_months)) if end_months else None,
        zone=ctx.zones[zone] if zone else None,
        payment_method=ctx.rng.choice((PaymentMethod.TRANSFER, PaymentMethod.DIRECT_DEBIT)),
        payment_frequency=PaymentFrequency.QUARTERLY,
    )


def _contracts_add(ctx: DemoContext, employer: Employer, spec: CompanySpec) -> None:
    ended = ENDED_COMPANY_MONTHS if employer.index == ENDED_COMPANY else None
    employer.contracts["health"] = _contract_add(ctx, employer, spec.health, end_months=ended)
    if spec.welfare:
        welfare_end = WELFARE_ENDED_MONTHS if employer.index == WELFARE_ENDED_COMPANY else ended
        employer.contracts["welfare"] = _contract_add(ctx, employer, spec.welfare, end_months=welfare_end)
    if spec.expat:
        employer.contracts["expat"] = _contract_add(ctx, employer, spec.expat, end_months=ended, zone=spec.expat_zone)


def _cover_period(
    ctx: DemoContext, contract: Contract, hired: date, left: date | None
) -> tuple[date, date | None] | None:
    """The employee's cover under ``contract``: from hiring (or the contract's start) to leaving or its end."""
    start = max(contract.effective_date, hired)
    if contract.end_date is not None and left is not None:
        left = min(left, contract.end_date)
    if start > (contract.end_date or ctx.today) or (left is not None and left < start):
        return None
    return start, left


def _destination(ctx: DemoContext, employer: Employer, spec: CompanySpec, position: int) -> Destination | None:
    """Where an employee works abroad: four in ten, when the company has expatriate cover, in its zone."""
    if "expat" not in employer.contracts or position == 0 or ctx.rng.random() >= 0.45:
        return None
    in_zone = tuple(d for d in EXPAT_DESTINATIONS if ctx.zone_of_country.get(d.country) == spec.expat_zone)
    return ctx.destination(in_zone)


def _health_cover(
    ctx: DemoContext, employer: Employer, person: Person, destination: Destination | None, period: tuple, position: int
) -> Affiliation:
    """The employee's cover under the company's health contract, or its expatriate one when working abroad."""
    contract = employer.contracts["expat" if destination else "health"]
    start, end = _cover_period(ctx, contract, *period) or (contract.effective_date, contract.end_date)
    return affiliation_add_subscriber(
        actor=None,
        contract=contract,
        person=person,
        start_date=start,
        end_date=end,
        country_of_expatriation=destination.country if destination else "",
        employee_number=f"MAT{employer.index:02d}{position + 1:04d}",
    )


def _employee_add(ctx: DemoContext, employer: Employer, spec: CompanySpec, position: int) -> Person:
    destination = _destination(ctx, employer, spec, position)
    home = home_for(ctx, destination)
    person = person_add(
        ctx,
        sex=ctx.rng.choice((Sex.MALE, Sex.FEMALE)),
        birth_date=ctx.birth_date(22, 63),
        last_name=ctx.fake().last_name(),
        home=home,
        birth_department=ctx.rng.choice(("75", "69", "13", "31", "33", "59", "44", "76", "34", "35")),
        membership_number=employee_number(employer.index, position),
    )
    hired = month_start(ctx.days_ago(30, 12 * 365))
    left = month_end(ctx.days_ago(30, 600)) if position > 1 and ctx.rng.random() < 0.1 else None
    subscriber = _health_cover(ctx, employer, person, destination, (hired, left), position)
    family_add(ctx, subscriber, home)
    _welfare_add(ctx, employer, person, hired, left)
    bank_accounts_add(ctx, person, holder_name=person.full_name, since=subscriber.start_date)
    return person


def _welfare_add(ctx: DemoContext, employer: Employer, person: Person, hired: date, left: date | None) -> None:
    welfare = employer.contracts.get("welfare")
    cover = _cover_period(ctx, welfare, hired, left) if welfare else None
    if cover is None:
        return
    affiliation_add_subscriber(actor=None, contract=welfare, person=person, start_date=cover[0], end_date=cover[1])
    salaries_add(ctx, person)


def companies_build(ctx: DemoContext) -> list[Employer]:
    """Ten employers with 5–25 employees each (the two with logins at least 8)."""
    employers = []
    for index, spec in enumerate(COMPANIES):
        employer = Employer(index=index, company=_company_add(ctx, index, spec))
        _contracts_add(ctx, employer, spec)
        size = ctx.rng.randint(8 if index < LOGIN_COMPANIES else 5, 25)
        for position in range(size):
            _employee_add(ctx, employer, spec, position)
        ctx.stats["employees"] += size
        employers.append(employer)
    ctx.stats["companies"] += len(employers)
    return employers
