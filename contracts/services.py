"""State changes of the catalogue, contracts, affiliations and mandates.

Each function checks the business rules a constraint cannot express (periods nested in
the contract's, no double cover, a child younger than the subscriber…) with a message
naming the field, then ``full_clean()`` for the rest, writes in one transaction and
records one audit event.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Mapping
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from audit.services import record
from contracts.choices import AffiliationRole, ContractKind, GuaranteeBasis, ProductLine
from contracts.models import (
    Affiliation,
    BaseTariff,
    CareCategory,
    Contract,
    ContractOption,
    ExpatriationZone,
    GuaranteeLine,
    Mandate,
    Product,
    ZoneCountry,
)
from core.validation import constraint_errors, field_error, validate_row
from people.models import Agent, Company, Person

if TYPE_CHECKING:
    from accounts.models import User

CATALOGUE_FILE = Path(__file__).resolve().parent / "data" / "catalogue.json"
_CATEGORY_FIELDS = ("name_fr", "name_en", "tp_domain", "claimable_online", "required_documents_fr")
_CATEGORY_FIELDS += ("required_documents_en", "position")
_ZONE_FIELDS = ("name_fr", "name_en", "emergency_phone", "assistance_phone")
_PRODUCT_FIELDS = ("name_fr", "name_en", "line", "level", "scheme_mode", "for_individuals", "for_companies")
_AMOUNT_FIELDS = ("rate", "rate_non_optam", "flat_amount", "per_act_ceiling", "annual_ceiling")
_PARTNER_ROLES = (AffiliationRole.SPOUSE, AffiliationRole.PARTNER)
_NEEDS_RATE = _("Product %(product)s: the %(category)s guarantee needs a rate.")
_NEEDS_AMOUNT = _("Product %(product)s: the %(category)s guarantee needs a flat amount.")
_FIGURE_OF_BASIS = {
    GuaranteeBasis.PERCENT_OF_BASE: ("rate", _NEEDS_RATE),
    GuaranteeBasis.PERCENT_OF_COST: ("rate", _NEEDS_RATE),
    GuaranteeBasis.PERCENT_OF_SALARY: ("rate", _NEEDS_RATE),
    GuaranteeBasis.FLAT_AMOUNT: ("flat_amount", _NEEDS_AMOUNT),
}


# --- Catalogue ---------------------------------------------------------------------------


def _upsert(model: type[models.Model], existing: dict, key: Any, values: dict[str, Any], changes: Counter) -> Any:
    """Create the row or bring it up to date; an unchanged row is not written, so reloading is a no-op."""
    row = existing.get(key)
    if row is not None and all(getattr(row, field) == value for field, value in values.items()):
        return row
    status = "created" if row is None else "updated"
    row = row or model()
    for field, value in values.items():
        setattr(row, field, value)
    validate_row(row)
    with constraint_errors(row):
        row.save()
    existing[key] = row
    changes[f"{model._meta.model_name}_{status}"] += 1
    return row


def _load_categories(rows: list[dict], changes: Counter) -> dict[str, CareCategory]:
    existing = {category.code: category for category in CareCategory.objects.all()}
    for row in rows:
        values = {"code": row["code"], **{field: row.get(field, "") for field in _CATEGORY_FIELDS}}
        values["claimable_online"] = bool(row.get("claimable_online", True))
        values["position"] = int(row.get("position", 0))
        _upsert(CareCategory, existing, row["code"], values, changes)
    return existing


def _load_zones(rows: list[dict], changes: Counter) -> None:
    zones = {zone.code: zone for zone in ExpatriationZone.objects.all()}
    countries = {entry.country.code: entry for entry in ZoneCountry.objects.select_related("zone")}
    for row in rows:
        values = {"code": row["code"], **{field: row[field] for field in _ZONE_FIELDS}}
        zone = _upsert(ExpatriationZone, zones, row["code"], values, changes)
        for code in row.get("countries", []):
            _upsert(ZoneCountry, countries, code, {"country": code, "zone": zone}, changes)


def _guarantee_values(product: Product, category: CareCategory, row: dict) -> dict[str, Any]:
    """The columns of one guarantee line; a rate or flat basis without its figure is refused here.

    The table's check constraint lets a missing rate through (SQL treats NULL as passing),
    and a line without its figure could not compute any benefit.
    """
    values: dict[str, Any] = {"product": product, "category": category, "basis": row["basis"]}
    for field in _AMOUNT_FIELDS:
        values[field] = None if row.get(field) is None else Decimal(str(row[field]))
    values["ceiling_period_years"] = int(row.get("ceiling_period_years", 1))
    figure, message = _FIGURE_OF_BASIS.get(row["basis"], (None, ""))
    if figure and values[figure] is None:
        raise ValidationError(
            message, code="missing_figure", params={"product": product.code, "category": category.code}
        )
    return values


def _load_products(rows: list[dict], categories: dict[str, CareCategory], changes: Counter) -> None:
    products = {product.code: product for product in Product.objects.all()}
    open_versions = GuaranteeLine.objects.filter(valid_to__isnull=True)  # dated lines: the loader keeps the open one
    lines = {(line.product_id, line.category_id): line for line in open_versions}
    for row in rows:
        values = {"code": row["code"], **{field: row[field] for field in _PRODUCT_FIELDS}}
        product = _upsert(Product, products, row["code"], values, changes)
        for guarantee in row.get("guarantees", []):
            category = categories.get(guarantee["category"])
            if category is None:
                raise ValidationError(
                    _("Product %(product)s refers to an unknown care category %(category)s."),
                    code="unknown_category",
                    params={"product": row["code"], "category": guarantee["category"]},
                )
            line_values = _guarantee_values(product, category, guarantee)
            _upsert(GuaranteeLine, lines, (product.pk, category.pk), line_values, changes)


@transaction.atomic
def catalogue_load(*, actor: User | None, data: Mapping[str, Any]) -> dict[str, int]:
    """Create or update care categories, zones with their countries, products and guarantee lines.

    Keyed on codes (and product × category for guarantee lines), so loading the same data
    twice changes nothing, and loading a corrected table updates only what differs. Rows
    missing from the data are left alone: contracts and claims may still point at them.
    """
    changes: Counter = Counter()
    try:
        categories = _load_categories(data.get("care_categories", []), changes)
        _load_zones(data.get("zones", []), changes)
        _load_products(data.get("products", []), categories, changes)
    except KeyError as exc:
        raise ValidationError(
            _("The catalogue data lacks the field %(field)s."), code="missing_field", params={"field": exc.args[0]}
        ) from exc
    record(actor=actor, action="catalogue.loaded", data=dict(changes))
    return dict(changes)


def catalogue_load_file(*, actor: User | None, path: Path = CATALOGUE_FILE) -> dict[str, int]:
    """Load the catalogue shipped in ``contracts/data`` (or another file of the same shape)."""
    return catalogue_load(actor=actor, data=json.loads(path.read_text(encoding="utf-8")))


# --- Shared period rules ------------------------------------------------------------------


def _overlapping(queryset: QuerySet, start: date, end: date | None) -> QuerySet:
    """Rows of ``queryset`` whose [start_date, end_date] period meets [start, end] (open ends are infinite)."""
    queryset = queryset.filter(Q(end_date__isnull=True) | Q(end_date__gte=start))
    return queryset if end is None else queryset.filter(start_date__lte=end)


def _nested_end(start: date, end: date | None, *, outer_start: date, outer_end: date | None) -> date | None:
    """Check that [start, end] lies within the outer period and return the end, capped at the outer one.

    Cover never outlives what it hangs from: an open end under an ended contract (or
    subscriber) ends with it.
    """
    if start < outer_start or (outer_end is not None and start > outer_end):
        raise field_error(
            "start_date",
            _("The start date must fall within %(start)s – %(end)s."),
            code="outside_period",
            start=outer_start.isoformat(),
            end=outer_end.isoformat() if outer_end else "…",
        )
    if outer_end is not None and end is not None and end > outer_end:
        raise field_error(
            "end_date", _("The end date cannot be after %(end)s."), code="outside_period", end=outer_end.isoformat()
        )
    return end if end is not None else outer_end


def _check_end_date(end_date: date, *, start: date, limit: date | None) -> None:
    if end_date < start:
        raise field_error("end_date", _("The end date cannot be before the start date."), code="before_start")
    if limit is not None and end_date > limit:
        raise field_error(
            "end_date", _("The end date cannot be after %(end)s."), code="outside_period", end=limit.isoformat()
        )


# --- Contracts ------------------------------------------------------------------------------


def _check_holder(product: Product, holder: Person | Company) -> ContractKind:
    """The contract's kind follows its holder; the product must be sold to that kind of holder."""
    if isinstance(holder, Person):
        if not holder.membership_number:
            raise field_error("holder", _("A contract holder needs a membership number."), code="no_number")
        if not product.for_individuals:
            raise field_error("product", _("This product is not sold to individuals."), code="not_sold")
        return ContractKind.INDIVIDUAL
    if not product.for_companies:
        raise field_error("product", _("This product is not sold to companies."), code="not_sold")
    return ContractKind.COLLECTIVE


def _check_zone(product: Product, zone: ExpatriationZone | None) -> None:
    """Expatriate cover is priced by zone (DOMAIN.md); other lines have none."""
    if product.line == ProductLine.EXPAT_HEALTH and zone is None:
        raise field_error("zone", _("An expatriate contract needs an expatriation zone."), code="no_zone")
    if product.line != ProductLine.EXPAT_HEALTH and zone is not None:
        raise field_error("zone", _("Only expatriate contracts have a zone."), code="zone")


@transaction.atomic
def contract_create(
    *,
    actor: User | None,
    number: str,
    product: Product,
    holder: Person | Company,
    effective_date: date,
    payment_method: str,
    payment_frequency: str,
    end_date: date | None = None,
    zone: ExpatriationZone | None = None,
    is_confidential: bool = False,
) -> Contract:
    """Open a contract: individual when a person holds it, collective when a company does."""
    kind = _check_holder(product, holder)
    _check_zone(product, zone)
    contract = Contract(
        number=number,
        kind=kind,
        product=product,
        holder_person=holder if kind == ContractKind.INDIVIDUAL else None,
        holder_company=holder if kind == ContractKind.COLLECTIVE else None,
        effective_date=effective_date,
        end_date=end_date,
        payment_method=payment_method,
        payment_frequency=payment_frequency,
        zone=zone,
        is_confidential=is_confidential,
    )
    validate_row(contract)
    with constraint_errors(contract):
        contract.save()
    data = {"number": number, "kind": kind, "product": product.code, "effective_date": effective_date.isoformat()}
    record(actor=actor, action="contract.created", target=contract, data=data)
    return contract


def _close_open_rows(queryset: QuerySet, end_date: date) -> int:
    """End every row still running after ``end_date``; a row that only starts later cannot be kept."""
    if queryset.filter(start_date__gt=end_date).exists():
        raise field_error(
            "end_date", _("A cover or mandate depending on this one starts after this date."), code="later_rows"
        )
    running = queryset.filter(Q(end_date__isnull=True) | Q(end_date__gt=end_date))
    return running.update(end_date=end_date, updated_at=timezone.now())


@transaction.atomic
def contract_end(*, actor: User | None, contract: Contract, end_date: date) -> Contract:
    """End a contract with everything hanging from it: affiliations, options and mandates end the same day."""
    _check_end_date(end_date, start=contract.effective_date, limit=None)
    options = contract.options.filter(Q(end_date__isnull=True) | Q(end_date__gt=end_date))
    if options.filter(effective_date__gt=end_date).exists():
        raise field_error("end_date", _("An option on this contract starts after this date."), code="later")
    options.update(end_date=end_date, updated_at=timezone.now())
    ended = _close_open_rows(contract.affiliations.all(), end_date)
    mandates = _close_open_rows(contract.mandates.all(), end_date)
    contract.end_date = end_date
    validate_row(contract)
    contract.save(update_fields=["end_date", "updated_at"])
    data = {"end_date": end_date.isoformat(), "affiliations_ended": ended, "mandates_ended": mandates}
    record(actor=actor, action="contract.ended", target=contract, data=data)
    return contract


@transaction.atomic
def contract_option_add(
    *,
    actor: User | None,
    contract: Contract,
    code: str,
    name_fr: str,
    name_en: str,
    effective_date: date,
    end_date: date | None = None,
) -> ContractOption:
    """Add an option (reinforced optics, repatriation…) for part or all of the contract's period."""
    end_date = _nested_end(effective_date, end_date, outer_start=contract.effective_date, outer_end=contract.end_date)
    if _overlapping(contract.options.filter(code=code), effective_date, end_date).exists():
        raise field_error("code", _("This option is already on the contract over this period."), code="overlap")
    option = ContractOption(
        contract=contract, code=code, name_fr=name_fr, name_en=name_en, effective_date=effective_date
    )
    option.end_date = end_date
    validate_row(option)
    with constraint_errors(option):
        option.save()
    data = {"contract": contract.number, "code": code, "effective_date": effective_date.isoformat()}
    record(actor=actor, action="contract_option.added", target=option, data=data)
    return option


# --- Affiliations --------------------------------------------------------------------------


def _check_person_alive(person: Person, start_date: date) -> None:
    if start_date < person.birth_date:
        raise field_error("start_date", _("Cover cannot start before the person's birth."), code="unborn")
    if person.death_date is not None and start_date > person.death_date:
        raise field_error("start_date", _("Cover cannot start after the person's death."), code="deceased")


def _check_not_covered(contract: Contract, person: Person, start: date, end: date | None) -> None:
    """One person, one cover per contract at a time: a second one would pay the same care twice."""
    if _overlapping(contract.affiliations.filter(person=person), start, end).exists():
        raise field_error(
            "person", _("This person is already covered by this contract over this period."), code="overlap"
        )


def check_expatriation(contract: Contract, country: str) -> None:
    """An expatriate's country must lie in the contract's zone: the zone sets the price and the help lines."""
    if contract.zone_id is None:
        if country:
            raise field_error(
                "country_of_expatriation",
                _("Only expatriate contracts record a country of expatriation."),
                code="not_expat",
            )
        return
    if not ZoneCountry.objects.filter(country=country, zone_id=contract.zone_id).exists():
        raise field_error(
            "country_of_expatriation",
            _("Choose a country of the contract's zone (%(zone)s)."),
            code="outside_zone",
            zone=contract.zone.code,
        )


def _check_subscriber(contract: Contract, person: Person) -> None:
    if contract.kind == ContractKind.INDIVIDUAL and person.pk != contract.holder_person_id:
        raise field_error("person", _("On an individual contract, the subscriber is the holder."), code="not_holder")
    if not person.membership_number:
        raise field_error("person", _("A subscriber needs a membership number."), code="no_number")


def _affiliation_save(actor: User | None, affiliation: Affiliation) -> Affiliation:
    validate_row(affiliation)
    with constraint_errors(affiliation):
        affiliation.save()
    data = {
        "contract": affiliation.contract.number,
        "role": affiliation.role,
        "start_date": affiliation.start_date.isoformat(),
    }
    record(actor=actor, action="affiliation.added", target=affiliation, data=data)
    return affiliation


@transaction.atomic
def affiliation_add_subscriber(
    *,
    actor: User | None,
    contract: Contract,
    person: Person,
    start_date: date,
    end_date: date | None = None,
    country_of_expatriation: str = "",
    employee_number: str = "",
) -> Affiliation:
    """Cover the holder of an individual contract, or an employee under a collective one."""
    _check_subscriber(contract, person)
    end_date = _nested_end(start_date, end_date, outer_start=contract.effective_date, outer_end=contract.end_date)
    _check_person_alive(person, start_date)
    check_expatriation(contract, country_of_expatriation)
    _check_not_covered(contract, person, start_date, end_date)
    affiliation = Affiliation(
        contract=contract,
        person=person,
        role=AffiliationRole.SUBSCRIBER,
        start_date=start_date,
        end_date=end_date,
        country_of_expatriation=country_of_expatriation,
        employee_number=employee_number,
    )
    return _affiliation_save(actor, affiliation)


def _check_dependant(principal: Affiliation, person: Person, role: str) -> None:
    if principal.role != AffiliationRole.SUBSCRIBER:
        raise field_error(
            "principal", _("Dependants are covered under a subscriber's affiliation."), code="not_subscriber"
        )
    if role not in AffiliationRole.values or role == AffiliationRole.SUBSCRIBER:
        raise field_error("role", _("Choose spouse, partner, child or other dependant."), code="role")
    if person.pk == principal.person_id:
        raise field_error("person", _("The subscriber cannot be their own dependant."), code="self")
    if role == AffiliationRole.CHILD and person.birth_date <= principal.person.birth_date:
        raise field_error("person", _("A child must be born after the subscriber."), code="child_age")


def _check_one_partner(principal: Affiliation, role: str, start: date, end: date | None) -> None:
    """A subscriber covers one spouse or partner at a time."""
    if role not in _PARTNER_ROLES:
        return
    partners = principal.dependants.filter(role__in=_PARTNER_ROLES)
    if _overlapping(partners, start, end).exists():
        raise field_error(
            "role",
            _("A spouse or partner is already covered under this subscriber over this period."),
            code="second_partner",
        )


@transaction.atomic
def affiliation_add_dependant(
    *,
    actor: User | None,
    principal: Affiliation,
    person: Person,
    role: str,
    start_date: date,
    end_date: date | None = None,
) -> Affiliation:
    """Cover a spouse, partner, child or other dependant under a subscriber, within the subscriber's period."""
    _check_dependant(principal, person, role)
    end_date = _nested_end(start_date, end_date, outer_start=principal.start_date, outer_end=principal.end_date)
    _check_person_alive(person, start_date)
    _check_one_partner(principal, role, start_date, end_date)
    _check_not_covered(principal.contract, person, start_date, end_date)
    affiliation = Affiliation(
        contract=principal.contract,
        person=person,
        role=role,
        principal=principal,
        start_date=start_date,
        end_date=end_date,
        country_of_expatriation=principal.country_of_expatriation,
    )
    return _affiliation_save(actor, affiliation)


@transaction.atomic
def affiliation_end(*, actor: User | None, affiliation: Affiliation, end_date: date) -> Affiliation:
    """End a cover; a subscriber's dependants lose theirs the same day, as they are covered through them."""
    limit = affiliation.principal.end_date if affiliation.principal_id else affiliation.contract.end_date
    _check_end_date(end_date, start=affiliation.start_date, limit=limit)
    dependants_ended = _close_open_rows(affiliation.dependants.all(), end_date)
    affiliation.end_date = end_date
    validate_row(affiliation)
    affiliation.save(update_fields=["end_date", "updated_at"])
    data = {"end_date": end_date.isoformat(), "dependants_ended": dependants_ended}
    record(actor=actor, action="affiliation.ended", target=affiliation, data=data)
    return affiliation


# --- Mandates --------------------------------------------------------------------------------


@transaction.atomic
def mandate_grant(
    *,
    actor: User | None,
    agent: Agent,
    contract: Contract,
    start_date: date,
    end_date: date | None = None,
) -> Mandate:
    """Let an agent manage a contract for its holder; one agent at a time, so the holder knows who acts."""
    end_date = _nested_end(start_date, end_date, outer_start=contract.effective_date, outer_end=contract.end_date)
    if _overlapping(contract.mandates.all(), start_date, end_date).exists():
        raise field_error("start_date", _("This contract is already under a mandate over this period."), code="overlap")
    mandate = Mandate(agent=agent, contract=contract, start_date=start_date, end_date=end_date)
    validate_row(mandate)
    with constraint_errors(mandate):
        mandate.save()
    data = {"agent": agent.membership_number, "contract": contract.number, "start_date": start_date.isoformat()}
    record(actor=actor, action="mandate.granted", target=mandate, data=data)
    return mandate


@transaction.atomic
def mandate_end(*, actor: User | None, mandate: Mandate, end_date: date) -> Mandate:
    """End a mandate; the agent keeps read access for the grace period (SPEC E8), decided elsewhere."""
    _check_end_date(end_date, start=mandate.start_date, limit=mandate.contract.end_date)
    mandate.end_date = end_date
    validate_row(mandate)
    mandate.save(update_fields=["end_date", "updated_at"])
    record(actor=actor, action="mandate.ended", target=mandate, data={"end_date": end_date.isoformat()})
    return mandate


# --- Dated guarantee tables (issue 13) -------------------------------------------------------------------------

GUARANTEE_TERMS = ("basis", "rate", "rate_non_optam", "flat_amount", "per_act_ceiling", "annual_ceiling")
GUARANTEE_TERMS += ("ceiling_period_years",)


@transaction.atomic
def guarantee_line_change(*, actor: User | None, product: Product, category: CareCategory, valid_from: date, **terms):
    """New terms for one category of a product from ``valid_from``: the version in force ends the day before and
    a new version starts; care before ``valid_from`` keeps being paid by the old terms (decided claims are frozen
    anyway). ``terms``: the fields of ``GUARANTEE_TERMS`` that change, the others are carried over."""
    from datetime import timedelta

    unknown = set(terms) - set(GUARANTEE_TERMS)
    if unknown:
        raise ValidationError(_("Unknown guarantee terms."), code="terms")
    current = (
        GuaranteeLine.objects.select_for_update()
        .filter(product=product, category=category, valid_to__isnull=True)
        .first()
    )
    if current is not None and valid_from <= current.valid_from:
        raise field_error(
            "valid_from",
            _("A new version starts after the one in force (from %(date)s)."),
            code="order",
            date=str(current.valid_from),
        )
    values = {field: getattr(current, field) for field in GUARANTEE_TERMS} if current else {}
    values.update(terms)
    version = GuaranteeLine(product=product, category=category, valid_from=valid_from, **values)
    if current is not None:
        current.valid_to = valid_from - timedelta(days=1)
        validate_row(current)
        current.save(update_fields=["valid_to", "updated_at"])
    validate_row(version)
    with constraint_errors(version):
        version.save()
    data = {"product": product.code, "category": category.code, "valid_from": str(valid_from)}
    data.update({field: str(values.get(field)) for field in GUARANTEE_TERMS})
    record(actor=actor, action="guarantee_line.versioned", target=version, data=data, profile="staff")
    return version


# --- The compulsory scheme's base tariffs (issue 13) ------------------------------------------------------------

TARIFF_FILE = Path(__file__).resolve().parent / "data" / "tariffs.csv"


@transaction.atomic
def tariffs_load(*, actor: User | None, content: str) -> dict[str, int]:
    """Create or update base tariffs from the CSV (``contracts/data/tariffs.csv``), keyed on act code and start
    date: loading twice changes nothing; a newer version of an act closes the one before (the day before)."""
    import csv
    import io
    from datetime import timedelta

    from contracts.models import BaseTariff

    categories = {c.code: c for c in CareCategory.objects.all()}
    existing = {(t.act_code, t.valid_from): t for t in BaseTariff.objects.all()}
    changes: Counter = Counter()
    for number, row in enumerate(csv.DictReader(io.StringIO(content)), start=2):
        category = categories.get(row["category"].strip())
        if category is None:
            raise ValidationError(
                _("Line %(line)s: unknown care category %(category)s."),
                code="unknown_category",
                params={"line": number, "category": row["category"]},
            )
        values = {
            "act_code": row["act_code"].strip(),
            "category": category,
            "label_fr": row["label_fr"].strip(),
            "label_en": row["label_en"].strip(),
            "base": Decimal(row["base"]) if row["base"].strip() else None,
            "rate": Decimal(row["rate"]),
            "flat_fee": Decimal(row.get("flat_fee") or "0"),
            "is_category_default": row.get("is_category_default", "").strip() in {"1", "true", "yes"},
            "valid_from": date.fromisoformat(row["valid_from"].strip()),
        }
        _upsert(BaseTariff, existing, (values["act_code"], values["valid_from"]), values, changes)
    by_code: dict[str, list] = {}
    for tariff in sorted(BaseTariff.objects.all(), key=lambda t: t.valid_from):
        by_code.setdefault(tariff.act_code, []).append(tariff)
    for versions in by_code.values():
        for older, newer in zip(versions, versions[1:], strict=False):
            end = newer.valid_from - timedelta(days=1)
            if older.valid_to != end:
                older.valid_to = end
                older.save(update_fields=["valid_to", "updated_at"])
                changes["closed"] += 1
    if changes:  # reloading the same file writes nothing, not even an event
        record(actor=actor, action="tariffs.loaded", data=dict(changes), profile="staff")
    return dict(changes)


TARIFF_TERMS = ("base", "rate", "flat_fee")


@transaction.atomic
def tariff_version_add(*, actor: User | None, act_code: str, valid_from: date, **terms) -> BaseTariff:
    """A new version of an act's base tariff from ``valid_from`` (staff, between two loads of the tariff file):
    the version in force then ends the day before, so versions never overlap; care before ``valid_from`` keeps the
    old values. ``terms``: ``base`` (None: the price), ``rate`` (0-100 %), ``flat_fee``; the act's category and
    labels are carried over. Bad input raises a ``ValidationError`` naming the field and changes nothing."""
    from datetime import timedelta

    if set(terms) - set(TARIFF_TERMS):
        raise ValidationError(_("Unknown tariff terms."), code="terms")
    versions = list(BaseTariff.objects.select_for_update().filter(act_code=act_code).order_by("valid_from"))
    if not versions:
        raise field_error("act_code", _("Unknown act code %(act)s."), code="unknown_act", act=act_code)
    latest = versions[-1]
    if valid_from <= latest.valid_from:
        raise field_error(
            "valid_from",
            _("A new version starts after the last one (from %(date)s)."),
            code="order",
            date=str(latest.valid_from),
        )
    version = BaseTariff(
        act_code=act_code,
        category_id=latest.category_id,
        label_fr=latest.label_fr,
        label_en=latest.label_en,
        is_category_default=latest.is_category_default,
        valid_from=valid_from,
        **{field: getattr(latest, field) for field in TARIFF_TERMS},
    )
    for field, value in terms.items():
        setattr(version, field, value)
    _check_tariff(version)
    if latest.valid_to is None or latest.valid_to >= valid_from:
        latest.valid_to = valid_from - timedelta(days=1)
        latest.save(update_fields=["valid_to", "updated_at"])
    with constraint_errors(version):
        version.save()
    data = {"act_code": act_code, "valid_from": str(valid_from), "closed": str(latest.valid_to)}
    data.update({field: str(getattr(version, field)) for field in TARIFF_TERMS})
    record(actor=actor, action="tariff.versioned", target=version, data=data, profile="staff")
    return version


def _check_tariff(version) -> None:
    """The amounts of a tariff, each error on its field (in Python: no query)."""
    errors = {}
    if version.rate is None or not 0 <= version.rate <= 100:
        errors["rate"] = _("The rate is a percentage between 0 and 100.")
    if version.base is not None and version.base < 0:
        errors["base"] = _("The base cannot be negative.")
    if version.flat_fee is None or version.flat_fee < 0:
        errors["flat_fee"] = _("The flat fee cannot be negative.")
    if errors:
        raise ValidationError({field: ValidationError(message, code="invalid") for field, message in errors.items()})
