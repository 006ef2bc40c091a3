"""Holders of individual contracts: domestic mutuelle, expatriate cover, welfare — with their families."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from contracts.choices import PaymentFrequency, PaymentMethod
from contracts.models import Contract
from contracts.services import affiliation_add_subscriber, contract_create, contract_option_add
from demo.context import DemoContext, add_months, month_end, month_start
from demo.data import EXPAT_DESTINATIONS, Destination
from demo.households import Home, bank_accounts_add, family_add, home_for, person_add, salaries_add
from people.choices import Sex
from people.models import Person

HOLDERS = 200
DOMESTIC, EXPAT, WELFARE = "domestic", "expat", "welfare"
SHAPES = (DOMESTIC, EXPAT, WELFARE)
SHAPE_WEIGHTS = (68, 25, 7)
# The demo logins need these shapes; holders 0–19 (logins, unregistered members) keep open contracts.
FORCED_SHAPES = {0: DOMESTIC, 1: EXPAT}
ALWAYS_OPEN = 20
DOMESTIC_PRODUCTS = ("SANTE_ESSENTIEL", "SANTE_EQUILIBRE", "SANTE_CONFORT")
EXPAT_PRODUCTS = (
    "EXPAT_PREMIER_EURO_ESSENTIEL",
    "EXPAT_PREMIER_EURO_CONFORT",
    "EXPAT_PREMIER_EURO_INTEGRAL",
    "EXPAT_CFE_ESSENTIEL",
    "EXPAT_CFE_CONFORT",
)
WELFARE_PRODUCT = "PREVOYANCE_INDIVIDUELLE"
OPTIONS = {
    False: ("OPTIQUE_RENFORT", "Renfort optique et dentaire", "Reinforced optics and dental"),
    True: ("RAPATRIEMENT", "Rapatriement et assistance", "Repatriation and assistance"),
}
PAYMENT_METHODS = (PaymentMethod.DIRECT_DEBIT, PaymentMethod.TRANSFER, PaymentMethod.CARD, PaymentMethod.CHEQUE)
PAYMENT_METHOD_WEIGHTS = (70, 12, 13, 5)
FREQUENCIES = (PaymentFrequency.QUARTERLY, PaymentFrequency.MONTHLY, PaymentFrequency.YEARLY)
FREQUENCY_WEIGHTS = (70, 20, 10)


def holder_number(index: int) -> str:
    """Membership numbers of the demo's individual holders (seed_scale starts at 1100000000)."""
    return f"{1_000_104_500 + index}"


@dataclass
class Holding:
    """One holder's contracts, kept for the mandates and logins built afterwards."""

    index: int
    shape: str
    person: Person
    contracts: list[Contract] = field(default_factory=list)


def payment_terms(ctx: DemoContext) -> dict[str, str]:
    return {
        "payment_method": ctx.rng.choices(PAYMENT_METHODS, weights=PAYMENT_METHOD_WEIGHTS)[0],
        "payment_frequency": ctx.rng.choices(FREQUENCIES, weights=FREQUENCY_WEIGHTS)[0],
    }


def _end_date(ctx: DemoContext, index: int, effective: date) -> date | None:
    """One contract in twelve has ended: mostly within the last 24 months (the accounts' grace period)."""
    if index < ALWAYS_OPEN or ctx.rng.random() >= 1 / 12:
        return None
    months_ago = ctx.rng.randint(1, 23) if ctx.rng.random() < 0.7 else ctx.rng.randint(26, 60)
    end = month_end(add_months(ctx.today, -months_ago))
    return end if end > add_months(effective, 6) else None


def _effective_date(ctx: DemoContext, birth_date: date) -> date:
    adult_days = (ctx.today - birth_date).days - 19 * 365
    return month_start(ctx.days_ago(60, min(8 * 365, adult_days)))


def _holder_add(ctx: DemoContext, index: int, home: Home, *, min_age: int, max_age: int) -> Person:
    sex = ctx.rng.choice((Sex.MALE, Sex.FEMALE))
    department = ctx.rng.choice(("75", "69", "13", "31", "33", "59", "44", "67", "35", "06"))
    return person_add(
        ctx,
        sex=sex,
        birth_date=ctx.birth_date(min_age, max_age),
        last_name=ctx.fake().last_name(),
        home=home,
        birth_department=department if home.destination is None else ctx.rng.choice((department, "99")),
        membership_number=holder_number(index),
    )


def _health_contract(ctx: DemoContext, holding: Holding, home: Home, destination: Destination | None) -> Contract:
    holder = holding.person
    effective = _effective_date(ctx, holder.birth_date)
    if destination is None:
        product = ctx.products["SANTE_EQUILIBRE" if holding.index == 0 else ctx.rng.choice(DOMESTIC_PRODUCTS)]
        zone = None
    else:
        product = ctx.products[ctx.rng.choice(EXPAT_PRODUCTS)]
        zone = ctx.zones[ctx.zone_of_country[destination.country]]
    contract = contract_create(
        actor=None,
        number=ctx.contract_number("IND", effective),
        product=product,
        holder=holder,
        effective_date=effective,
        end_date=_end_date(ctx, holding.index, effective),
        zone=zone,
        **payment_terms(ctx),
    )
    subscriber = affiliation_add_subscriber(
        actor=None,
        contract=contract,
        person=holder,
        start_date=effective,
        country_of_expatriation=destination.country if destination else "",
    )
    forced = holding.index in FORCED_SHAPES
    family_add(ctx, subscriber, home, partner=True if forced else None, children=2 if forced else None)
    _option_add(ctx, contract, expatriate=destination is not None)
    return contract


def _option_add(ctx: DemoContext, contract: Contract, *, expatriate: bool) -> None:
    """Reinforced optics for one domestic contract in eight; repatriation for a third of expatriates."""
    code, name_fr, name_en = OPTIONS[expatriate]
    if ctx.rng.random() < (1 / 3 if expatriate else 1 / 8) and contract.end_date is None:
        start = max(contract.effective_date, month_start(ctx.days_ago(30, 3 * 365)))
        contract_option_add(
            actor=None, contract=contract, code=code, name_fr=name_fr, name_en=name_en, effective_date=start
        )
        ctx.stats["options"] += 1


def welfare_contract(ctx: DemoContext, holder: Person) -> Contract:
    """Individual welfare (prévoyance): the holder alone is insured, on their reference salary."""
    effective = _effective_date(ctx, holder.birth_date)
    contract = contract_create(
        actor=None,
        number=ctx.contract_number("IND", effective),
        product=ctx.products[WELFARE_PRODUCT],
        holder=holder,
        effective_date=effective,
        **payment_terms(ctx),
    )
    affiliation_add_subscriber(actor=None, contract=contract, person=holder, start_date=effective)
    salaries_add(ctx, holder)
    return contract


def _holding_build(ctx: DemoContext, index: int) -> Holding:
    shape = FORCED_SHAPES.get(index) or ctx.rng.choices(SHAPES, weights=SHAPE_WEIGHTS)[0]
    destination = ctx.destination(EXPAT_DESTINATIONS) if shape == EXPAT else None
    home = home_for(ctx, destination)
    ages = (25, 58) if shape == WELFARE or index == 0 else (25, 75)
    holding = Holding(index=index, shape=shape, person=_holder_add(ctx, index, home, min_age=ages[0], max_age=ages[1]))
    if shape != WELFARE:
        holding.contracts.append(_health_contract(ctx, holding, home, destination))
    working_age = (ctx.today - holding.person.birth_date).days < 62 * 365
    if shape == WELFARE or index == 0 or (working_age and ctx.rng.random() < 0.25):
        holding.contracts.append(welfare_contract(ctx, holding.person))
    since = min(contract.effective_date for contract in holding.contracts)
    bank_accounts_add(ctx, holding.person, holder_name=holding.person.full_name, since=since)
    return holding


def members_build(ctx: DemoContext) -> list[Holding]:
    """About 200 holders of individual contracts with their families."""
    holdings = [_holding_build(ctx, index) for index in range(HOLDERS)]
    ctx.stats["holders"] += len(holdings)
    return holdings
