"""The guarantee engine: what the contract pays for one care act, with the reasons, line by line (SPEC C6).

Pure functions on ``Decimal``: no database, no settings, no translation. The caller gives the guarantee line of
the beneficiary's product for the category, the act (expense, official base, what the compulsory scheme or the
CFE already paid) and what earlier reimbursements of the same ceiling period consumed. The steps come back as
codes and numbers; ``claims.explanations`` turns them into sentences in the reader's language.

The order is the one a French complementary applies (DOMAIN.md):

1. gross amount from the basis: % of the base (BR, which includes the compulsory part), % of the actual cost,
   the actual cost, or a flat amount;
2. minus what the compulsory scheme or the CFE paid (a flat amount is paid on top of it instead);
3. capped by the ceiling per act;
4. capped by what is left of the ceiling per period (1 year, or N years for optics) and beneficiary;
5. never above the expense minus what others paid, never below 0.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")
ZERO = Decimal("0.00")
HUNDRED = Decimal(100)

PERCENT_OF_BASE = "percent_base"
PERCENT_OF_COST = "percent_cost"
FLAT_AMOUNT = "flat"
ACTUAL_COST = "actual_cost"
REDUCED_BY_COMPULSORY = {PERCENT_OF_BASE, PERCENT_OF_COST, ACTUAL_COST}


def cents(value: Decimal | int | str) -> Decimal:
    return Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)


def plain(value: Decimal) -> str:
    """A rate as people write it: 200, 62.5 (not 200.00 nor 2E+2)."""
    return format(Decimal(value).normalize(), "f")


@dataclass(frozen=True)
class Guarantee:
    """The terms of one guarantee line (``contracts.GuaranteeLine``) as plain values."""

    basis: str
    rate: Decimal | None = None
    flat_amount: Decimal | None = None
    per_act_ceiling: Decimal | None = None
    period_ceiling: Decimal | None = None
    period_years: int = 1
    non_optam: bool = False  # the line's lower rate for a secteur 2 doctor not adhering to OPTAM is the one above

    @classmethod
    def from_line(cls, line, *, non_optam: bool = False) -> Guarantee:
        """The line's terms; ``non_optam``: the fees of a secteur 2 doctor not adhering to OPTAM, paid at the line's
        lower rate for them when it has one (responsible contracts, issue 14)."""
        rate = line.rate
        lower = non_optam and getattr(line, "rate_non_optam", None) is not None and line.rate_non_optam != line.rate
        if lower:
            rate = line.rate_non_optam
        return cls(
            basis=line.basis,
            rate=rate,
            flat_amount=line.flat_amount,
            per_act_ceiling=line.per_act_ceiling,
            period_ceiling=line.annual_ceiling,
            period_years=line.ceiling_period_years or 1,
            non_optam=lower,
        )


@dataclass(frozen=True)
class Act:
    """One care act in euros: the expense, the official base of reimbursement and what others already paid.

    ``flat_fee``: what the compulsory scheme kept out of its payment and the law leaves to the patient (the
    *participation forfaitaire*, a *franchise*): a responsible contract never refunds it, so the engine counts it
    with what the scheme paid (``contracts.BaseTariff.flat_fee_kept`` tells it from the scheme's payment)."""

    expense: Decimal
    base: Decimal
    already_paid: Decimal = ZERO
    flat_fee: Decimal = ZERO


@dataclass(frozen=True)
class Step:
    """One line of the explanation: a stable code, the amount after the step, and the numbers it used."""

    code: str
    amount: Decimal
    applied: bool = True
    params: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Reimbursement:
    amount: Decimal
    steps: tuple[Step, ...]

    def as_json(self) -> dict:
        """The frozen explanation kept on the care item (strings, so it reads back identically everywhere)."""
        return {
            "amount": str(self.amount),
            "steps": [
                {"code": s.code, "amount": str(s.amount), "applied": s.applied, "params": s.params} for s in self.steps
            ],
        }


def _gross(guarantee: Guarantee, act: Act) -> Step:
    rate = guarantee.rate or ZERO
    if guarantee.basis == PERCENT_OF_BASE:
        params = {"rate": plain(rate), "base": str(act.base)} | ({"non_optam": True} if guarantee.non_optam else {})
        return Step("rate_of_base", cents(act.base * rate / HUNDRED), params=params)
    if guarantee.basis == PERCENT_OF_COST:
        amount = cents(act.expense * rate / HUNDRED)
        return Step("rate_of_cost", amount, params={"rate": plain(rate), "expense": str(act.expense)})
    if guarantee.basis == ACTUAL_COST:
        return Step("actual_cost", act.expense, params={"expense": str(act.expense)})
    if guarantee.basis == FLAT_AMOUNT:
        flat = cents(guarantee.flat_amount or ZERO)
        return Step("flat_amount", flat, params={"flat": str(flat)})
    return Step("not_applicable", ZERO, params={"basis": guarantee.basis})


def _capped(code: str, amount: Decimal, cap: Decimal, **params: str) -> Step:
    return Step(code, min(amount, cap), applied=amount > cap, params={"cap": str(cap), **params})


def reimburse(guarantee: Guarantee, act: Act, *, consumed: Decimal = ZERO) -> Reimbursement:
    """What the guarantee pays for ``act`` when ``consumed`` of its period ceiling is already used."""
    expense, paid, kept = cents(act.expense), cents(act.already_paid), cents(act.flat_fee)
    act = Act(expense=expense, base=cents(act.base), already_paid=paid, flat_fee=kept)
    steps = [_gross(guarantee, act)]
    amount = steps[0].amount
    if guarantee.basis in REDUCED_BY_COMPULSORY:
        amount -= paid + kept
        params = {"paid": str(paid), **({"flat_fee": str(kept)} if kept else {})}
        steps.append(Step("minus_compulsory", amount, params=params))
    if guarantee.per_act_ceiling is not None:
        steps.append(_capped("per_act_ceiling", amount, cents(guarantee.per_act_ceiling)))
        amount = steps[-1].amount
    if guarantee.period_ceiling is not None:
        ceiling = cents(guarantee.period_ceiling)
        available = max(ZERO, ceiling - cents(consumed))
        steps.append(
            _capped(
                "period_ceiling",
                amount,
                available,
                ceiling=str(ceiling),
                consumed=str(cents(consumed)),
                years=str(guarantee.period_years),
            )
        )
        amount = steps[-1].amount
    left = max(ZERO, expense - paid - kept)  # the flat fee stays the patient's, whatever the guarantee
    steps.append(_capped("remaining_cost", amount, left, expense=str(expense), paid=str(paid + kept)))
    amount = steps[-1].amount
    if amount < 0:
        steps.append(Step("floor", ZERO))
        amount = ZERO
    return Reimbursement(amount=amount, steps=tuple(steps))


def reimburse_sequence(guarantee: Guarantee, acts: Iterable[Act], *, consumed: Decimal = ZERO) -> list[Reimbursement]:
    """Acts of one beneficiary, category and ceiling period, in order: each consumes the ceiling for the next."""
    results = []
    for act in acts:
        result = reimburse(guarantee, act, consumed=consumed)
        consumed += result.amount
        results.append(result)
    return results


def ceiling_period(care_date: date, *, years: int, anchor_year: int) -> tuple[date, date]:
    """The ceiling period holding ``care_date``: calendar years in blocks of ``years`` counted from ``anchor_year``
    (the contract's first year), e.g. optics every 2 years from 2022: 2022-2023, 2024-2025…"""
    years = max(1, years)
    start_year = care_date.year - (care_date.year - anchor_year) % years
    return date(start_year, 1, 1), date(start_year + years - 1, 12, 31)
