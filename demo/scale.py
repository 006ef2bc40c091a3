"""Large datasets for benchmarks (``manage.py seed_scale``): bulk inserts, no per-row services.

A run builds households (a holder and the family covered under them) in batches; each
batch goes through :data:`SCALE_STEPS` in order, every step inserting one kind of row
with ``bulk_create`` and leaving what it created on the batch for the next steps. Later
features add their own step (claims, requests, contributions) to the list.

Rows are built valid by construction (identifiers with their keys, periods nested in
their contract's) instead of through the services, and the run records one audit event
summing up what it added. Numbers continue after the highest ones already used in the
seed_scale ranges, so runs never collide with each other nor with seed_demo's.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date
from random import Random

from django.db import connection, transaction
from django.db.models import BigIntegerField, Max
from django.db.models.functions import Cast, Substr
from django.utils import timezone

from audit.services import record
from claims.models import CareItem, Claim
from contracts.choices import ContractKind, PaymentFrequency, PaymentMethod
from contracts.models import Affiliation, Contract, ExpatriationZone, Product, ZoneCountry
from demo import identifiers
from demo.scale_households import Household, NamePools, company_households, individual_households
from people.models import BankAccount, Company, Person, ReferenceSalary

PERSON_NUMBER_FLOOR = 1_100_000_000  # seed_demo uses 1000xxxxxx
CONTRACT_SEQUENCE_FLOOR = 100_000  # seed_demo's sequences stay below
COMPANY_NUMBER_FLOOR = 10_000_000  # seed_demo's companies are E00000xxx
HOLDERS_PER_COMPANY = 1_000
EMPLOYEES_PER_HOLDER = 0.1
COLLECTIVE_HEALTH = ("SANTE_ENTREPRISE_SOCLE", "SANTE_ENTREPRISE_RENFORT")
COLLECTIVE_WELFARE = ("PREVOYANCE_ENTREPRISE_NON_CADRES", "PREVOYANCE_ENTREPRISE_CADRES")


@dataclass
class Batch:
    """The rows of one batch of households, filled in by the steps in order."""

    households: list[Household]
    contracts: list[Contract] = field(default_factory=list)
    subscribers: list[Affiliation] = field(default_factory=list)


@dataclass
class ScaleRun:
    """One seed_scale run: its seeded randomness, next free numbers, the catalogue and the counts."""

    members: int
    batch_size: int
    today: date
    rng: Random
    person_number: int
    contract_sequence: int
    company_number: int
    products: dict[str, Product]
    zones: dict[str, ExpatriationZone]
    zone_countries: dict[str, list[str]]
    pools: NamePools
    counts: Counter = field(default_factory=Counter)
    claims_per_member: int = 10
    claims_builder: object = None

    def next_person_number(self) -> str:
        self.person_number += 1
        return str(self.person_number - 1)

    def contract_number(self, kind: str, effective_date: date) -> str:
        self.contract_sequence += 1
        prefix = "IND" if kind == ContractKind.INDIVIDUAL else "COL"
        return f"{prefix}-{effective_date.year}-{self.contract_sequence - 1:06d}"


Step = Callable[[ScaleRun, Batch], None]


def _next_free_numbers() -> dict[str, int]:
    """The first numbers after everything in the seed_scale ranges: a new run continues where the last stopped."""
    person = Person.objects.filter(membership_number__regex=r"^1[0-9]{9}$").aggregate(m=Max("membership_number"))["m"]
    company = Company.objects.filter(membership_number__regex=r"^E[0-9]{8}$").aggregate(m=Max("membership_number"))["m"]
    sequences = Contract.objects.filter(number__regex=r"^(IND|COL)-[0-9]{4}-[0-9]{6,}$")
    sequence = sequences.aggregate(m=Max(Cast(Substr("number", 10), BigIntegerField())))["m"]
    return {
        "person_number": max(PERSON_NUMBER_FLOOR, int(person or 0) + 1),
        "company_number": max(COMPANY_NUMBER_FLOOR, int((company or "E0")[1:]) + 1),
        "contract_sequence": max(CONTRACT_SEQUENCE_FLOOR, (sequence or 0) + 1),
    }


def scale_run_start(*, members: int, batch_size: int, claims_per_member: int = 10) -> ScaleRun:
    """Everything a run needs before its first insert; the seed follows from the first free number."""
    numbers = _next_free_numbers()
    rng = Random(f"seed_scale:{numbers['person_number']}:{members}")  # noqa: S311 - reproducible, not secret
    zone_countries: dict[str, list[str]] = {}
    for entry in ZoneCountry.objects.select_related("zone").order_by("country"):
        zone_countries.setdefault(entry.zone.code, []).append(entry.country.code)
    return ScaleRun(
        members=members,
        batch_size=batch_size,
        today=timezone.localdate(),
        rng=rng,
        products={product.code: product for product in Product.objects.all()},
        zones={zone.code: zone for zone in ExpatriationZone.objects.all()},
        zone_countries=zone_countries,
        pools=NamePools.build(rng),
        claims_per_member=claims_per_member,
        **numbers,
    )


# --- Steps -------------------------------------------------------------------------------------


def persons_step(run: ScaleRun, batch: Batch) -> None:
    people = [person for household in batch.households for person in household.people]
    Person.objects.bulk_create(people, batch_size=run.batch_size)
    run.counts["persons"] += len(people)


def contracts_step(run: ScaleRun, batch: Batch) -> None:
    """Individual holders' contracts (employees are covered by their company's, created beforehand)."""
    batch.contracts = [contract for household in batch.households for contract in household.own_contracts]
    Contract.objects.bulk_create(batch.contracts, batch_size=run.batch_size)
    run.counts["contracts"] += len(batch.contracts)


def affiliations_step(run: ScaleRun, batch: Batch) -> None:
    """Subscribers first (their ids are the dependants' principal), then the dependants."""
    for household in batch.households:
        batch.subscribers.extend(household.subscriber_affiliations())
    Affiliation.objects.bulk_create(batch.subscribers, batch_size=run.batch_size)
    dependants = [row for household in batch.households for row in household.dependant_affiliations()]
    Affiliation.objects.bulk_create(dependants, batch_size=run.batch_size)
    run.counts["affiliations"] += len(batch.subscribers) + len(dependants)


def bank_accounts_step(run: ScaleRun, batch: Batch) -> None:
    """The account each subscriber's benefits are paid to."""
    accounts = []
    for household in batch.households:
        holder, compact = household.holder, identifiers.iban(run.rng)
        accounts.append(
            BankAccount(
                person=holder,
                holder_name=holder.full_name,
                iban=compact,
                iban_last4=compact[-4:],
                valid_from=household.start,
            )
        )
    BankAccount.objects.bulk_create(accounts, batch_size=run.batch_size)
    run.counts["bank_accounts"] += len(accounts)


def salaries_step(run: ScaleRun, batch: Batch) -> None:
    """A reference salary for everyone insured by a welfare contract."""
    salaries = [
        ReferenceSalary(person=household.holder, amount=household.salary, effective_date=date(run.today.year, 1, 1))
        for household in batch.households
        if household.salary is not None
    ]
    ReferenceSalary.objects.bulk_create(salaries, batch_size=run.batch_size)
    run.counts["reference_salaries"] += len(salaries)


def claims_step(run: ScaleRun, batch: Batch) -> None:
    """``claims_per_member`` reimbursement claims per subscriber of a health contract, for them or their family."""
    if run.claims_per_member < 1:
        return
    from demo.scale_claims import ClaimsBuilder

    if run.claims_builder is None:
        run.claims_builder = ClaimsBuilder(run.claims_per_member, run.today)
    families = {household.holder.pk: [person for person, *_ in household.family] for household in batch.households}
    built = [
        pair
        for affiliation in batch.subscribers
        for pair in run.claims_builder.claims_for(run.rng, affiliation, families.get(affiliation.person_id, []))
    ]
    Claim.objects.bulk_create([claim for claim, _items in built], batch_size=run.batch_size)
    items = []
    for claim, claim_items in built:
        for item in claim_items:
            item.claim = claim
            items.append(item)
    CareItem.objects.bulk_create(items, batch_size=run.batch_size)
    run.counts["claims"] += len(built)
    run.counts["care_items"] += len(items)


SCALE_STEPS: list[Step] = [
    persons_step,
    contracts_step,
    affiliations_step,
    bank_accounts_step,
    salaries_step,
    claims_step,
]


# --- Companies ---------------------------------------------------------------------------------


def _companies_create(run: ScaleRun, count: int) -> list[Company]:
    companies = []
    for _ in range(count):
        number = run.company_number
        run.company_number += 1
        siren = identifiers.siren(90_000_000 + number - COMPANY_NUMBER_FLOOR)  # 9…: never a demo SIREN
        city, postcode, _department = run.rng.choice(run.pools.cities)
        companies.append(
            Company(
                membership_number=f"E{number:08d}",
                name=f"{run.rng.choice(run.pools.last_names)} {run.rng.choice(run.pools.company_suffixes)}",
                siret=identifiers.siret(siren, 1),
                address_line1=run.rng.choice(run.pools.streets),
                postal_code=postcode,
                city=city,
            )
        )
    Company.objects.bulk_create(companies, batch_size=run.batch_size)
    run.counts["companies"] += count
    return companies


def _company_contracts(run: ScaleRun, companies: list[Company]) -> dict[int, dict[str, Contract]]:
    """Each company's collective contracts: health always, welfare for half, expatriate cover for one in five."""
    plans: dict[int, dict[str, Contract]] = {}
    for company in companies:
        effective = date(run.today.year - run.rng.randint(1, 9), 1, 1)
        plan = {"health": _collective(run, company, run.rng.choice(COLLECTIVE_HEALTH), effective)}
        if run.rng.random() < 0.5:
            plan["welfare"] = _collective(run, company, run.rng.choice(COLLECTIVE_WELFARE), effective)
        if run.rng.random() < 0.2:
            zone = run.rng.choice(sorted(run.zone_countries))
            plan["expat"] = _collective(run, company, "EXPAT_PREMIER_EURO_CONFORT", effective, zone=zone)
        plans[company.pk] = plan
    contracts = [contract for plan in plans.values() for contract in plan.values()]
    Contract.objects.bulk_create(contracts, batch_size=run.batch_size)
    run.counts["contracts"] += len(contracts)
    return plans


def _collective(run: ScaleRun, company: Company, code: str, effective: date, *, zone: str = "") -> Contract:
    return Contract(
        number=run.contract_number(ContractKind.COLLECTIVE, effective),
        kind=ContractKind.COLLECTIVE,
        product=run.products[code],
        holder_company=company,
        effective_date=effective,
        payment_method=PaymentMethod.TRANSFER,
        payment_frequency=PaymentFrequency.QUARTERLY,
        zone=run.zones[zone] if zone else None,
    )


# --- The run -----------------------------------------------------------------------------------


def _chunks(run: ScaleRun, total: int) -> Iterator[int]:
    for start in range(0, total, run.batch_size):
        yield min(run.batch_size, total - start)


def _batches(run: ScaleRun) -> Iterator[Batch]:
    """Individual households, then each company's employees, ``batch_size`` households at a time."""
    for size in _chunks(run, run.members):
        yield Batch(households=individual_households(run, size))
    company_count = math.ceil(run.members / HOLDERS_PER_COMPANY)
    companies = _companies_create(run, company_count)
    plans = _company_contracts(run, companies)
    per_company = max(5, round(run.members * EMPLOYEES_PER_HOLDER / company_count))
    for company in companies:
        size = run.rng.randint(max(1, per_company // 2), per_company * 3 // 2)
        for chunk in _chunks(run, size):
            yield Batch(households=company_households(run, plans[company.pk], chunk))


@transaction.atomic
def scale_seed(
    *, members: int, batch_size: int = 5000, steps: list[Step] | None = None, claims_per_member: int = 10
) -> Counter:
    """Add ``members`` individual holders with families, plus companies and employees in proportion, and
    ``claims_per_member`` claims for each subscriber of a health contract."""
    run = scale_run_start(members=members, batch_size=batch_size, claims_per_member=claims_per_member)
    first_number = run.person_number
    steps = steps or SCALE_STEPS
    in_database = connection.vendor == "postgresql" and claims_step in steps and claims_per_member > 0
    if in_database:  # the database makes the claims at the end, two orders of magnitude faster (scale_claims_sql)
        steps = [step for step in steps if step is not claims_step]
        min_person = Person.objects.aggregate(m=Max("pk"))["m"] or 0
    for batch in _batches(run):
        for step in steps:
            step(run, batch)
    if in_database:
        from demo.scale_claims_sql import claims_sql_fill

        claims, items = claims_sql_fill(per_member=claims_per_member, today=run.today, min_person=min_person)
        run.counts["claims"] += claims
        run.counts["care_items"] += items
    data = {**run.counts, "first_number": first_number, "last_number": run.person_number - 1}
    record(actor=None, action="demo.scale_seeded", data=data)
    return run.counts
