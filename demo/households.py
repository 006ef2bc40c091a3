"""Insured people and their families, added through the services like any real affiliation."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from contracts.choices import AffiliationRole
from contracts.models import Affiliation
from contracts.services import affiliation_add_dependant
from demo import identifiers
from demo.context import DemoContext, add_months, month_end
from demo.data import Destination
from people.choices import Civility, Sex
from people.models import Person
from people.services import Address, bank_account_add, person_create, reference_salary_set

CHILD_COUNTS = (0, 1, 2, 3)
CHILD_WEIGHTS = (30, 20, 32, 18)
STUDENT_AGE = 21  # cover ends at 21 unless the child is a student (then up to 26)
MAX_CHILD_AGE = 26


@dataclass(frozen=True)
class Home:
    """Where a household lives, and the department its children are born in ("99": abroad)."""

    address: Address
    department: str
    destination: Destination | None = None

    @property
    def country(self) -> str:
        return self.destination.country if self.destination else "FR"


def home_for(ctx: DemoContext, destination: Destination | None) -> Home:
    address, department = ctx.french_address()
    if destination is None:
        return Home(address=address, department=department)
    return Home(address=ctx.address_abroad(destination), department="99", destination=destination)


def person_add(
    ctx: DemoContext,
    *,
    sex: str,
    birth_date: date,
    last_name: str,
    home: Home,
    birth_department: str,
    membership_number: str | None = None,
    birth_name: str = "",
) -> Person:
    """A person with a valid NIR matching their birth; adults get an e-mail address and a mobile number."""
    fake = ctx.fake()
    first_name = fake.first_name_male() if sex == Sex.MALE else fake.first_name_female()
    adult = (ctx.today - birth_date).days >= 18 * 365
    ctx.stats["persons"] += 1
    return person_create(
        actor=None,
        membership_number=membership_number,
        civility=(Civility.MR if sex == Sex.MALE else Civility.MRS) if adult else "",
        sex=sex,
        last_name=last_name,
        birth_name=birth_name,
        first_name=first_name,
        birth_date=birth_date,
        nir=identifiers.random_nir(ctx.rng, sex=sex, birth_date=birth_date, department=birth_department),
        email=ctx.email(first_name, last_name) if adult else "",
        phone=identifiers.mobile_phone(ctx.rng) if adult else "",
        country_of_residence=home.country,
        address=home.address,
    )


def _later_start(ctx: DemoContext, principal: Affiliation) -> date:
    """Most partners are covered from the start; some join after a wedding or a move."""
    if ctx.rng.random() < 0.8:
        return principal.start_date
    joined = add_months(principal.start_date, ctx.rng.randint(6, 30))
    return joined if joined <= min(ctx.today, principal.end_date or ctx.today) else principal.start_date


def _partner_add(ctx: DemoContext, principal: Affiliation, home: Home) -> None:
    holder = principal.person
    sex = holder.sex if ctx.rng.random() < 0.08 else (Sex.FEMALE if holder.sex == Sex.MALE else Sex.MALE)
    role = AffiliationRole.SPOUSE if ctx.rng.random() < 0.65 else AffiliationRole.PARTNER
    birth = holder.birth_date.replace(year=holder.birth_date.year + ctx.rng.randint(-6, 6), day=ctx.rng.randint(1, 28))
    own_name = ctx.fake().last_name()
    married_name = role == AffiliationRole.SPOUSE and sex == Sex.FEMALE and holder.sex == Sex.MALE
    partner = person_add(
        ctx,
        sex=sex,
        birth_date=min(birth, add_months(ctx.today, -20 * 12)),
        last_name=holder.last_name if married_name else own_name,
        birth_name=own_name if married_name else "",
        home=home,
        birth_department=ctx.rng.choice(("75", "69", "13", "33", "59", "44")),
    )
    affiliation_add_dependant(
        actor=None, principal=principal, person=partner, role=role, start_date=_later_start(ctx, principal)
    )


def _child_cover(ctx: DemoContext, principal: Affiliation, birth: date) -> tuple[date, date | None] | None:
    """The cover period of a child, or None when the child was never covered by this contract."""
    age = (ctx.today - birth).days // 365
    start = max(principal.start_date, birth)
    end = principal.end_date
    if age >= STUDENT_AGE and ctx.rng.random() < 0.5:
        aged_out = month_end(birth.replace(year=birth.year + STUDENT_AGE))
        end = aged_out if end is None else min(end, aged_out)
    if age >= MAX_CHILD_AGE or start > ctx.today or (end is not None and end < start):
        return None
    return start, end


def _child_add(ctx: DemoContext, principal: Affiliation, home: Home) -> None:
    parent = principal.person
    birth = parent.birth_date.replace(year=parent.birth_date.year + ctx.rng.randint(24, 40), day=ctx.rng.randint(1, 28))
    cover = _child_cover(ctx, principal, birth) if birth < ctx.today else None
    if cover is None:
        return
    child = person_add(
        ctx,
        sex=ctx.rng.choice((Sex.MALE, Sex.FEMALE)),
        birth_date=birth,
        last_name=parent.last_name,
        home=home,
        birth_department=home.department,
    )
    affiliation_add_dependant(
        actor=None,
        principal=principal,
        person=child,
        role=AffiliationRole.CHILD,
        start_date=cover[0],
        end_date=cover[1],
    )


def family_add(
    ctx: DemoContext, principal: Affiliation, home: Home, *, partner: bool | None = None, children: int | None = None
) -> None:
    """A spouse or partner (two households in three) and up to three children, under the subscriber."""
    if partner if partner is not None else ctx.rng.random() < 0.65:
        _partner_add(ctx, principal, home)
    count = children if children is not None else ctx.rng.choices(CHILD_COUNTS, weights=CHILD_WEIGHTS)[0]
    for _ in range(count):
        _child_add(ctx, principal, home)


def bank_accounts_add(ctx: DemoContext, owner, *, holder_name: str, since: date) -> None:
    """The account benefits are paid to; one owner in eight changed banks since (the old account is closed)."""
    bank_account_add(actor=None, owner=owner, iban=identifiers.iban(ctx.rng), holder_name=holder_name, valid_from=since)
    changed = add_months(since, ctx.rng.randint(12, 48))
    if ctx.rng.random() < 0.125 and changed < ctx.today:
        bank_account_add(
            actor=None, owner=owner, iban=identifiers.iban(ctx.rng), holder_name=holder_name, valid_from=changed
        )


def salaries_add(ctx: DemoContext, person: Person) -> None:
    """This year's reference salary, and for half of the insured last year's, slightly lower."""
    amount = Decimal(ctx.rng.randrange(24_000, 90_000, 100))
    this_year = date(ctx.today.year, 1, 1)
    if ctx.rng.random() < 0.5:
        reference_salary_set(
            actor=None,
            person=person,
            amount=(amount * Decimal("0.975")).quantize(Decimal("1")),
            effective_date=this_year.replace(year=this_year.year - 1),
        )
    reference_salary_set(actor=None, person=person, amount=amount, effective_date=this_year)
