"""The guarantee engine applied to one care act from any channel: the contract in force, the guarantee line of the
care date, the ceiling consumed by every channel, and the same act already paid through another channel.

``claims.engine`` stays pure (numbers in, numbers out); this module fetches what it needs from the database.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from claims import engine
from contracts.models import Affiliation, CareCategory, Contract, GuaranteeLine
from ledger import selectors


def duplicate_result(line) -> engine.Reimbursement:
    """Nothing is paid: the same act was already paid through another channel (the line found)."""
    step = engine.Step("duplicate", engine.ZERO, params={"reference": line.reference, "channel": line.channel})
    return engine.Reimbursement(engine.ZERO, (step,))


def no_guarantee_result() -> engine.Reimbursement:
    return engine.Reimbursement(engine.ZERO, (engine.Step("no_guarantee", engine.ZERO),))


def contract_on(person_id: int, on: date) -> Contract | None:
    """The contract covering the person on ``on`` (an affiliation open that day), or None."""
    affiliation = (
        Affiliation.objects.filter(person_id=person_id, start_date__lte=on)
        .exclude(end_date__lt=on)
        .filter(contract__effective_date__lte=on)
        .exclude(contract__end_date__lt=on)
        .select_related("contract")
        .order_by("-start_date")
        .first()
    )
    return affiliation.contract if affiliation else None


def guarantee_line(product_id: int, category_id: int, on: date) -> GuaranteeLine | None:
    """The guarantee line of the product for the category in force on the care date."""
    return GuaranteeLine.objects.in_force(on).filter(product_id=product_id, category_id=category_id).first()


@dataclass(frozen=True)
class Assessment:
    result: engine.Reimbursement
    contract: Contract | None
    line: GuaranteeLine | None
    duplicate: bool = False


def assess(
    *,
    beneficiary_id: int,
    category: CareCategory,
    care_date: date,
    act: engine.Act,
    channel: str,
    contract: Contract | None = None,
) -> Assessment:
    """What the contract pays for one act received through ``channel``: nothing if the same act was paid through
    another channel, else the engine with the ceiling every channel consumed. Call with the beneficiary locked."""
    contract = contract or contract_on(beneficiary_id, care_date)
    if contract is None:
        return Assessment(no_guarantee_result(), None, None)
    key = (care_date, category.pk, engine.cents(act.expense))
    already = selectors.paid_acts(beneficiary_id=beneficiary_id, acts=[key], exclude_channel=channel)
    if key in already:
        return Assessment(duplicate_result(already[key]), contract, None, duplicate=True)
    line = guarantee_line(contract.product_id, category.pk, care_date)
    if line is None:
        return Assessment(no_guarantee_result(), contract, None)
    used = consumed_on(beneficiary_id=beneficiary_id, contract=contract, line=line, care_date=care_date)
    return Assessment(engine.reimburse(engine.Guarantee.from_line(line), act, consumed=used), contract, line)


def consumed_on(*, beneficiary_id, contract: Contract, line: GuaranteeLine, care_date: date) -> Decimal:
    """What the beneficiary already used of ``line``'s ceiling in the period holding ``care_date`` (one query, every
    channel together): what an act of that date may still be paid against."""
    start, end = engine.ceiling_period(
        care_date, years=line.ceiling_period_years or 1, anchor_year=contract.effective_date.year
    )
    return selectors.consumed(
        beneficiary_id=beneficiary_id, contract_id=contract.pk, category_id=line.category_id, start=start, end=end
    )


def category_for(code_or_domain: str) -> CareCategory | None:
    """The care category of an invoice or a statement line: a category code, or a card domain's first category."""
    if not code_or_domain:
        return None
    found = CareCategory.objects.filter(code=code_or_domain).first()
    if found is None:
        found = CareCategory.objects.filter(tp_domain=code_or_domain).order_by("position", "code").first()
    return found


ZERO = Decimal("0.00")
