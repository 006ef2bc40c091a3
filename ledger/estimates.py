"""What a care act would cost before it happens (issue 14): the guarantees in euros and the member's estimate.

The same guarantee engine that decides claims (``claims.engine``) on an act described in advance: the guarantee
version in force on the care date, the compulsory scheme's official base tariff (``contracts.BaseTariff``) and,
for the estimate, what the beneficiary already used of the ceiling. Reads only: nothing is stored, nothing is
logged (the act is health data).

The compulsory scheme pays its rate of the base minus the flat fee the law leaves to the patient (*participation
forfaitaire*); the contract does not refund that fee (general conditions): the engine counts it beside what the
scheme paid (``engine.Act.flat_fee``), as a claim's decision, an invoice and the scheme's flow do.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from functools import cache
from pathlib import Path

from django.core.exceptions import ValidationError
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from claims import engine
from claims.eligibility import Beneficiary, beneficiaries
from contracts.choices import CompulsorySchemeMode, GuaranteeBasis, PractitionerSector
from contracts.models import BaseTariff, CareCategory, GuaranteeLine
from contracts.selectors import category_tariffs, tariff_on
from core.dated import version_on
from core.money import euros
from ledger.guarantees import consumed_on

ZERO = engine.ZERO
TYPICAL_FEES = Path(__file__).resolve().parent / "data" / "typical_fees.csv"
NO_CARE = {GuaranteeBasis.PERCENT_OF_SALARY}  # welfare lines pay no care act


@cache
def typical_fees() -> dict[str, Decimal]:
    """The fee of a common act of each care category (``ledger/data/typical_fees.csv``), for the examples."""
    with TYPICAL_FEES.open(encoding="utf-8") as rows:
        return {row["category"]: Decimal(row["fee"]) for row in csv.DictReader(rows)}


@dataclass(frozen=True)
class Split:
    """One act in euros: what it costs, what the compulsory scheme pays, what we pay, what is left to pay."""

    expense: Decimal
    base: Decimal | None
    compulsory: Decimal
    flat_fee: Decimal  # kept by the patient out of the compulsory scheme's part
    insurer: Decimal
    result: engine.Reimbursement

    @property
    def left_to_pay(self) -> Decimal:
        return max(ZERO, self.expense - self.compulsory - self.insurer)


def split(
    *, line: GuaranteeLine, tariff: BaseTariff | None, expense: Decimal, base: Decimal | None = None,
    with_scheme: bool = True, consumed: Decimal = ZERO, non_optam: bool = False,
) -> Split | None:  # fmt: skip
    """The engine on one act; None when the guarantee pays on the base and no base is known. ``non_optam``: a
    secteur 2 doctor not adhering to OPTAM, whose excess fees the line covers at its lower rate."""
    expense, share, kept = engine.cents(expense), ZERO, ZERO
    if tariff is not None and with_scheme:
        base, share, kept = tariff.parts(expense, base)
    elif base is None and tariff is not None:
        base = tariff.base
    if base is None and line.basis == GuaranteeBasis.PERCENT_OF_BASE:
        return None
    act = engine.Act(expense=expense, base=expense if base is None else base, already_paid=share, flat_fee=kept)
    result = engine.reimburse(engine.Guarantee.from_line(line, non_optam=non_optam), act, consumed=consumed)
    return Split(expense, base, share, kept, result.amount, result)


def pays_compulsory(scheme_mode: str) -> bool:
    """A first-euro contract pays without the compulsory scheme."""
    return scheme_mode != CompulsorySchemeMode.FIRST_EURO


# --- The guarantee table in euros -----------------------------------------------------------------------------


@dataclass(frozen=True)
class ExampleRow:
    """A guarantee row (``contracts.pdf.GuaranteeRow``) with its example in euros (None without one)."""

    row: object
    example: Split | None

    category = property(lambda self: self.row.category)
    cover = property(lambda self: self.row.cover)
    ceilings = property(lambda self: self.row.ceilings)
    line = property(lambda self: self.row.line)


def with_examples(rows: list, *, on: date, scheme_mode: str) -> list[ExampleRow]:
    """Each row with the split of a typical fee of its category, ceilings untouched (one query for the tariffs)."""
    fees = typical_fees()
    tariffs = category_tariffs(row.line.category_id for row in rows)
    found = []
    for row in rows:
        line, fee = row.line, fees.get(row.line.category.code)
        example = None
        if fee is not None and line.basis not in NO_CARE:
            tariff = version_on(tariffs.get(line.category_id, ()), on)
            example = split(line=line, tariff=tariff, expense=fee, with_scheme=pays_compulsory(scheme_mode))
        found.append(ExampleRow(row, example))
    return found


def contract_examples(contract, rows) -> list[ExampleRow]:
    """The rows of a contract's guarantee table (``contracts.pdf.guarantee_rows``) with their examples of today."""
    from documents.pdf import paris_today

    return with_examples(list(rows), on=paris_today(), scheme_mode=contract.product.scheme_mode)


# --- The estimate before care ---------------------------------------------------------------------------------


def beneficiary_choices(*, actor) -> list[Beneficiary]:
    """The people the member may estimate care for: the same as those they may claim for."""
    return beneficiaries(actor)


def beneficiary_get(*, actor, public_id, choices: list[Beneficiary] | None = None) -> Beneficiary | None:
    """One of them by its affiliation's public id (among ``choices`` when already read); None for someone else's
    and a made-up id alike."""
    for beneficiary in beneficiary_choices(actor=actor) if choices is None else choices:
        if str(beneficiary.affiliation.public_id) == str(public_id):
            return beneficiary
    return None


def sector_matters(line: GuaranteeLine) -> bool:
    """The line pays a doctor's fees differently by sector: it has a rate for doctors not adhering to OPTAM."""
    return line.rate_non_optam is not None and line.rate_non_optam != line.rate


def sector_categories(choices: list[Beneficiary]) -> list[str]:
    """The codes of the care categories whose estimate asks the doctor's sector (for the form's hint)."""
    return sorted({code for b in choices for code, line in b.lines.items() if sector_matters(line)})


def care_categories(choices: list[Beneficiary]) -> list[CareCategory]:
    """The care categories the beneficiaries' guarantees pay today (welfare lines aside), in table order."""
    found = {
        line.category.code: line.category for b in choices for line in b.lines.values() if line.basis not in NO_CARE
    }
    return sorted(found.values(), key=lambda category: (category.position, category.code))


@dataclass(frozen=True)
class Estimate:
    """An estimate and what it assumed: the beneficiary, the guarantee version, the tariff and the ceiling used."""

    beneficiary: Beneficiary
    category: CareCategory
    care_date: date
    line: GuaranteeLine
    tariff: BaseTariff | None
    with_scheme: bool
    split: Split
    sector: str = ""  # a PractitionerSector value when the line pays by sector, else ""


def _invalid(field: str, message: str) -> ValidationError:
    return ValidationError({field: [ValidationError(message, code="invalid")]})


def _line(beneficiary: Beneficiary, category_code: str, care_date: date) -> GuaranteeLine:
    """The guarantee line of the category in force on the care date (the version the claim would be paid by)."""
    lines = GuaranteeLine.objects.in_force(care_date).filter(product_id=beneficiary.contract.product_id)
    line = lines.filter(category__code=category_code).select_related("category").first()
    if line is None or line.basis in NO_CARE:
        raise _invalid("category", _("The contract pays nothing for this care on that date."))
    return line


def _consumed(beneficiary: Beneficiary, line: GuaranteeLine, care_date: date) -> Decimal:
    """What the beneficiary already used of the line's ceiling in the period of the care date (every channel)."""
    if line.annual_ceiling is None:
        return ZERO
    return consumed_on(
        beneficiary_id=beneficiary.person.pk, contract=beneficiary.contract, line=line, care_date=care_date
    )


def estimate(
    *, beneficiary: Beneficiary, category_code: str, expense: Decimal, care_date: date,
    base: Decimal | None = None, act_code: str = "", sector: str = "",
) -> Estimate:  # fmt: skip
    """What the compulsory scheme, we and the member would pay for the act; ValidationError naming the field.

    ``sector``: the doctor's (``PractitionerSector``), needed when the line pays doctors outside OPTAM less and
    ignored otherwise; "unknown" counts the lower cover."""
    if not beneficiary.covered_on(care_date):
        raise _invalid("care_date", _("%(person)s is not covered by this contract on that date.") % {
            "person": beneficiary.person.full_name})  # fmt: skip
    line = _line(beneficiary, category_code, care_date)
    sector = _sector(line, sector)
    tariff = tariff_on(on=care_date, act_code=act_code, category_id=line.category_id)
    if act_code and (tariff is None or tariff.act_code != act_code or tariff.category_id != line.category_id):
        raise _invalid("act_code", _("This act code is not one of the chosen care category."))
    with_scheme = pays_compulsory(beneficiary.contract.product.scheme_mode)
    consumed = _consumed(beneficiary, line, care_date)
    non_optam = sector in LOWER_COVER
    found = split(
        line=line, tariff=tariff, expense=expense, base=base, with_scheme=with_scheme, consumed=consumed,
        non_optam=non_optam,
    )  # fmt: skip
    if found is None:
        raise _invalid("base", _("Give the base of reimbursement (on the quote or the care sheet): it is unknown."))
    return Estimate(beneficiary, line.category, care_date, line, tariff, with_scheme, found, sector)


LOWER_COVER = {PractitionerSector.NON_OPTAM, PractitionerSector.UNKNOWN}


def _sector(line: GuaranteeLine, sector: str) -> str:
    """The doctor's sector when it changes what the line pays ("" otherwise); asked for then."""
    if not sector_matters(line):
        return ""
    if sector not in PractitionerSector.values:
        raise _invalid("sector", _("Tell us the doctor's sector; if you do not know it, choose “I don't know”."))
    return sector


def assumptions(found: Estimate) -> list[str]:
    """What the estimate assumed, in the reader's language: the guarantee version, the tariff, the ceiling."""
    from contracts.pdf import GuaranteeRow

    texts = [
        _("The guarantee in force on %(date)s: %(cover)s.")
        % {"date": date_format(found.care_date, "SHORT_DATE_FORMAT"), "cover": GuaranteeRow(found.line).cover}
    ]
    texts.append(_scheme_text(found))  # the sector has its own text (``sector_text``), shown apart
    parts = found.split
    for step in parts.result.steps:
        if step.code == "period_ceiling":
            texts.append(
                _("Ceiling: %(ceiling)s, of which %(used)s already used by %(person)s: %(left)s left.")
                % {"ceiling": euros(Decimal(step.params["ceiling"])), "used": euros(Decimal(step.params["consumed"])),
                   "person": found.beneficiary.person.full_name, "left": euros(Decimal(step.params["cap"]))}
            )  # fmt: skip
    texts.append(_("The fee is the one you gave; the real amounts follow the bill and the scheme's statement."))
    return texts


def sector_text(found: Estimate) -> str:
    """The doctor's sector in plain words: which rate of the base it gave, and the other one (empty without)."""
    if not found.sector:
        return ""
    values = {"rate": engine.plain(found.line.rate), "lower": engine.plain(found.line.rate_non_optam)}
    if found.sector == PractitionerSector.NON_OPTAM:
        text = _(
            "The doctor is in secteur 2 and does not adhere to OPTAM: the law caps what your contract may pay of "
            "their excess fees, so we pay up to %(lower)s %% of the base instead of %(rate)s %% for a doctor who "
            "adheres to OPTAM or is in secteur 1."
        )
    elif found.sector == PractitionerSector.UNKNOWN:
        text = _(
            "You do not know the doctor's sector: we counted the lower cover, up to %(lower)s %% of the base, of a "
            "secteur 2 doctor not adhering to OPTAM. With a doctor in secteur 1 or adhering to OPTAM, we pay up to "
            "%(rate)s %% of the base."
        )
    else:
        text = _(
            "The doctor is in secteur 1 or adheres to OPTAM: we pay up to %(rate)s %% of the base. With a secteur 2 "
            "doctor not adhering to OPTAM, we would pay up to %(lower)s %% of the base only."
        )
    return text % values


def _scheme_text(found: Estimate) -> str:
    """What the compulsory scheme was counted to pay."""
    tariff, parts = found.tariff, found.split
    if not found.with_scheme:
        return _("Your contract pays from the first euro: no compulsory scheme is counted.")
    if tariff is None:
        return _("The compulsory scheme has no tariff for this care: we count that it pays nothing.")
    values = {"rate": engine.plain(tariff.rate), "base": euros(parts.base), "act": tariff.label}
    if not parts.flat_fee:
        return _("The compulsory scheme pays %(rate)s %% of a base of %(base)s (%(act)s).") % values
    text = _("The compulsory scheme pays %(rate)s %% of a base of %(base)s (%(act)s), minus a flat fee of %(fee)s.")
    return text % {**values, "fee": euros(parts.flat_fee)}
