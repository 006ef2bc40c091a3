"""Households for seed_scale: unsaved rows, valid by construction, drawn from pre-built name pools.

Faker is called only to fill the pools; drawing from them keeps a 100 000-member run
to plain arithmetic per row. Relations point at unsaved instances: ``bulk_create``
picks up their ids once the rows they point at have been inserted, step by step.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING

from faker import Faker

from contracts.choices import AffiliationRole, ContractKind, PaymentFrequency, PaymentMethod
from contracts.models import Affiliation, Contract
from demo import identifiers
from demo.context import add_months, ascii_slug, month_end, month_start
from demo.data import EMAIL_DOMAINS, EXPAT_DESTINATIONS, FRENCH_CITIES
from people.choices import Civility, Sex
from people.models import Person

if TYPE_CHECKING:
    from random import Random

    from demo.scale import ScaleRun

DOMESTIC_PRODUCTS = ("SANTE_ESSENTIEL", "SANTE_EQUILIBRE", "SANTE_CONFORT")
EXPAT_PRODUCTS = ("EXPAT_PREMIER_EURO_ESSENTIEL", "EXPAT_PREMIER_EURO_CONFORT", "EXPAT_CFE_CONFORT")
WELFARE_PRODUCT = "PREVOYANCE_INDIVIDUELLE"


@dataclass(frozen=True)
class NamePools:
    """Names and streets drawn once from a seeded Faker; people are then assembled from them."""

    last_names: tuple[tuple[str, str], ...]
    male_first_names: tuple[tuple[str, str], ...]
    female_first_names: tuple[tuple[str, str], ...]
    streets: tuple[str, ...]
    cities: tuple[tuple[str, str, str], ...] = FRENCH_CITIES
    company_suffixes: tuple[str, ...] = ("SAS", "SARL", "SA", "et Fils", "Industrie", "Services", "Conseil")

    @classmethod
    def build(cls, rng: Random) -> NamePools:
        fake = Faker("fr_FR")
        fake.seed_instance(rng.randint(0, 2**31))

        def slugged(names: set[str]) -> tuple[tuple[str, str], ...]:
            return tuple((name, ascii_slug(name)) for name in sorted(names))

        return cls(
            last_names=slugged({fake.last_name() for _ in range(3000)}),
            male_first_names=slugged({fake.first_name_male() for _ in range(1000)}),
            female_first_names=slugged({fake.first_name_female() for _ in range(1000)}),
            streets=tuple(sorted({fake.street_address() for _ in range(2000)})),
        )


@dataclass
class Household:
    """A subscriber, the contracts covering them, and the family covered under the first of those."""

    holder: Person
    start: date
    end: date | None = None
    cover: list[tuple[Contract, str, str]] = field(default_factory=list)  # contract, country, employee number
    own_contracts: list[Contract] = field(default_factory=list)
    family: list[tuple[Person, str, date, date | None]] = field(default_factory=list)
    salary: Decimal | None = None
    subscribers: list[Affiliation] = field(default_factory=list)

    @property
    def people(self) -> list[Person]:
        return [self.holder, *(person for person, *_ in self.family)]

    def subscriber_affiliations(self) -> list[Affiliation]:
        self.subscribers = [
            Affiliation(
                contract=contract,
                person=self.holder,
                role=AffiliationRole.SUBSCRIBER,
                start_date=max(self.start, contract.effective_date),
                end_date=self.end or contract.end_date,
                country_of_expatriation=country,
                employee_number=employee_number,
            )
            for contract, country, employee_number in self.cover
        ]
        return self.subscribers

    def dependant_affiliations(self) -> list[Affiliation]:
        principal = self.subscribers[0]
        return [
            Affiliation(
                contract=principal.contract,
                person=person,
                role=role,
                principal=principal,
                start_date=start,
                end_date=end,
                country_of_expatriation=principal.country_of_expatriation,
            )
            for person, role, start, end in self.family
        ]


def _person(run: ScaleRun, *, sex: str, birth: date, last: tuple[str, str], city: tuple, number: str | None) -> Person:
    rng, pools = run.rng, run.pools
    first = rng.choice(pools.male_first_names if sex == Sex.MALE else pools.female_first_names)
    adult = (run.today - birth).days >= 18 * 365
    town, postcode, department = city
    return Person(
        membership_number=number,
        civility=(Civility.MR if sex == Sex.MALE else Civility.MRS) if adult else "",
        sex=sex,
        last_name=last[0],
        first_name=first[0],
        birth_date=birth,
        nir=identifiers.random_nir(rng, sex=sex, birth_date=birth, department=department),
        email=f"{first[1]}.{last[1]}{rng.randint(1, 999)}@{rng.choice(EMAIL_DOMAINS)}" if adult else "",
        phone=identifiers.mobile_phone(rng) if adult else "",
        address_line1=rng.choice(pools.streets),
        postal_code=postcode,
        city=town,
    )


def _abroad(person: Person, country: str) -> None:
    person.country_of_residence = person.country = country
    destination = next((d for d in EXPAT_DESTINATIONS if d.country == country), None)
    person.city, person.postal_code = (destination.city, destination.postcode) if destination else ("", "")


def _family(run: ScaleRun, household: Household, city: tuple) -> None:
    """A spouse or partner for two households in three, and up to three children (about 2.3 people a household)."""
    rng, holder = run.rng, household.holder
    if rng.random() < 0.65:
        sex = Sex.FEMALE if holder.sex == Sex.MALE else Sex.MALE
        birth = holder.birth_date + timedelta(days=rng.randint(-2000, 2000))
        partner = _person(
            run,
            sex=sex,
            birth=min(birth, add_months(run.today, -240)),
            last=rng.choice(run.pools.last_names),
            city=city,
            number=None,
        )
        household.family.append(
            (partner, rng.choice((AffiliationRole.SPOUSE, AffiliationRole.PARTNER)), household.start, household.end)
        )
    for _ in range(rng.choices((0, 1, 2, 3), weights=(30, 20, 32, 18))[0]):
        _child(run, household, city)


def _child(run: ScaleRun, household: Household, city: tuple) -> None:
    """A child born when the holder was 24–40, covered from birth (or the contract start) to 21, 26 if a student."""
    holder = household.holder
    birth = holder.birth_date + timedelta(days=run.rng.randint(24 * 365, 40 * 365))
    aged_out = month_end(add_months(birth, run.rng.choice((21, 26)) * 12))
    start = max(household.start, birth)
    end = household.end if aged_out >= run.today else min(household.end or aged_out, aged_out)
    if start >= run.today or (end is not None and end < start):
        return
    last = (holder.last_name, ascii_slug(holder.last_name))
    child = _person(run, sex=run.rng.choice((Sex.MALE, Sex.FEMALE)), birth=birth, last=last, city=city, number=None)
    household.family.append((child, AffiliationRole.CHILD, start, end))


def _own_contract(run: ScaleRun, household: Household, code: str, *, end: date | None, zone: str = "") -> Contract:
    contract = Contract(
        number=run.contract_number(ContractKind.INDIVIDUAL, household.start),
        kind=ContractKind.INDIVIDUAL,
        product=run.products[code],
        holder_person=household.holder,
        effective_date=household.start,
        end_date=end,
        payment_method=run.rng.choice((PaymentMethod.DIRECT_DEBIT, PaymentMethod.DIRECT_DEBIT, PaymentMethod.CARD)),
        payment_frequency=PaymentFrequency.QUARTERLY,
        zone=run.zones[zone] if zone else None,
    )
    household.own_contracts.append(contract)
    return contract


def _holder(run: ScaleRun, *, min_age: int, max_age: int) -> tuple[Person, tuple]:
    city = run.rng.choice(run.pools.cities)
    birth = run.today - timedelta(days=run.rng.randint(min_age * 365, max_age * 365))
    sex = run.rng.choice((Sex.MALE, Sex.FEMALE))
    holder = _person(
        run, sex=sex, birth=birth, last=run.rng.choice(run.pools.last_names), city=city, number=run.next_person_number()
    )
    return holder, city


def _individual(run: ScaleRun) -> Household:
    """70 % domestic mutuelle, 25 % expatriate cover, 5 % welfare only; one in six with welfare too; 8 % ended."""
    rng = run.rng
    holder, city = _holder(run, min_age=25, max_age=75)
    start = month_start(
        run.today - timedelta(days=rng.randint(60, min(8 * 365, (run.today - holder.birth_date).days - 19 * 365)))
    )
    end = month_end(add_months(run.today, -rng.randint(1, 30))) if rng.random() < 0.08 else None
    household = Household(holder=holder, start=start, end=end if end and end > start else None)
    shape = rng.random()
    if shape < 0.95:
        country, zone = ("", "") if shape < 0.70 else _expat_country(run)
        code = rng.choice(EXPAT_PRODUCTS if zone else DOMESTIC_PRODUCTS)
        household.cover.append((_own_contract(run, household, code, end=household.end, zone=zone), country, ""))
        if country:
            _abroad(holder, country)
        _family(run, household, city)
    if shape >= 0.95 or rng.random() < 1 / 6:
        household.cover.append((_own_contract(run, household, WELFARE_PRODUCT, end=household.end), "", ""))
        household.salary = Decimal(rng.randrange(22_000, 95_000, 100))
    return household


def _expat_country(run: ScaleRun) -> tuple[str, str]:
    zone = run.rng.choice(sorted(run.zone_countries))
    return run.rng.choice(run.zone_countries[zone]), zone


def individual_households(run: ScaleRun, count: int) -> list[Household]:
    return [_individual(run) for _ in range(count)]


def _employee(run: ScaleRun, plan: dict[str, Contract]) -> Household:
    rng = run.rng
    holder, city = _holder(run, min_age=22, max_age=63)
    health, country = plan["health"], ""
    hired = max(month_start(run.today - timedelta(days=rng.randint(30, 12 * 365))), health.effective_date)
    left = month_end(run.today - timedelta(days=rng.randint(30, 700))) if rng.random() < 0.1 else None
    household = Household(holder=holder, start=hired, end=left if left and left > hired else None)
    if "expat" in plan and rng.random() < 0.3:
        health, country = plan["expat"], rng.choice(run.zone_countries[plan["expat"].zone.code])
        _abroad(holder, country)
    employee_number = f"M{holder.membership_number[-7:]}"
    household.cover.append((health, country, employee_number))
    if "welfare" in plan:
        household.cover.append((plan["welfare"], "", employee_number))
        household.salary = Decimal(rng.randrange(22_000, 95_000, 100))
    _family(run, household, city)
    return household


def company_households(run: ScaleRun, plan: dict[str, Contract], count: int) -> list[Household]:
    return [_employee(run, plan) for _ in range(count)]
