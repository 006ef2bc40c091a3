"""State changes of the insurer's records of persons, companies, agents and their bank details.

Every function validates with ``full_clean()`` (so model constraints surface as
``ValidationError``), writes in one transaction and records one audit event. Audit data
never carries an IBAN, a NIR or any other secret a person could be identified by.
"""

from __future__ import annotations

import operator
import re
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.core.exceptions import NON_FIELD_ERRORS, FieldDoesNotExist, ValidationError
from django.db import router, transaction
from django.db.models import CheckConstraint, F, Model, Q
from django.utils.translation import gettext_lazy as _
from django_countries import countries
from django_countries.fields import CountryField
from schwifty import BIC, IBAN
from schwifty.exceptions import SchwiftyException

from audit.services import record
from core.addresses import PostalAddress
from core.identifiers import normalise_iban, validate_nir
from people.choices import Sex
from people.models import Agent, BankAccount, Company, Person, ReferenceSalary

if TYPE_CHECKING:
    from accounts.models import User

# The insurer's numbering (DOMAIN.md): persons 10 digits from 1, companies E + 8, agents MD + 6.
PERSON_NUMBER = re.compile(r"1\d{9}")
COMPANY_NUMBER = re.compile(r"E\d{8}")
AGENT_NUMBER = re.compile(r"MD\d{6}")
ORIAS_NUMBER = re.compile(r"\d{8}")
_NIR_SEX_DIGIT = {Sex.MALE: "1", Sex.FEMALE: "2"}
_COMPARISONS = {"": operator.eq, "exact": operator.eq, "gt": operator.gt, "gte": operator.ge}
_COMPARISONS |= {"lt": operator.lt, "lte": operator.le}


@dataclass(frozen=True)
class Address:
    """A postal address as callers hand it to the services (the ``PostalAddress`` columns)."""

    line1: str = ""
    line2: str = ""
    postal_code: str = ""
    city: str = ""
    country: str = "FR"

    def apply_to(self, target: PostalAddress) -> None:
        target.address_line1, target.address_line2 = self.line1, self.line2
        target.postal_code, target.city, target.country = self.postal_code, self.city, self.country


def field_error(field: str, message: str, *, code: str, **params: str) -> ValidationError:
    """An error attached to one field, its parameters filled in (a dict-built error would not fill them)."""
    return ValidationError({field: ValidationError(message, code=code, params=params or None)})


def _country_errors(row: Model, fields: list[str]) -> dict[str, list[ValidationError]]:
    return {
        name: [ValidationError(_("Choose a valid country."), code="invalid_choice")]
        for name in fields
        if getattr(row, name).code and getattr(row, name).code not in countries
    }


class _NeedsDatabase(Exception):
    """A check condition the Python evaluation does not cover: Django's database check decides."""


def _lookup_holds(row: Model, key: str, expected: Any) -> bool | None:
    """One ``field__lookup=value`` of a check condition, with SQL's NULL: None stands for unknown."""
    name, _sep, lookup = key.partition("__")
    try:
        value = getattr(row, row._meta.get_field(name).attname)
        if isinstance(expected, F):
            expected = getattr(row, row._meta.get_field(expected.name).attname)
    except FieldDoesNotExist as exc:
        raise _NeedsDatabase from exc
    if lookup == "isnull" or (lookup in ("", "exact") and expected is None):
        return (value is None) == (expected is not False)
    if value is None or expected is None:
        return None
    if lookup == "in":
        return value in expected
    if lookup not in _COMPARISONS or hasattr(expected, "resolve_expression"):
        raise _NeedsDatabase
    return _COMPARISONS[lookup](value, expected)


def _child_holds(row: Model, child: Q | tuple) -> bool | None:
    if isinstance(child, Q):
        return _condition_holds(row, child)
    if isinstance(child, tuple):
        return _lookup_holds(row, *child)
    raise _NeedsDatabase


def _condition_holds(row: Model, condition: Q) -> bool | None:
    """A check condition evaluated on the row in three-valued logic, as the database would."""
    results = [_child_holds(row, child) for child in condition.children]
    decisive = condition.connector == Q.OR  # one True settles an OR, one False an AND
    result = decisive if decisive in results else (None if None in results else not decisive)
    return (None if result is None else not result) if condition.negated else result


def _check_violated(constraint: CheckConstraint, model_class: type[Model], row: Model, using: str) -> bool:
    """Whether the row breaks a check; like the database, an unknown (NULL) result passes."""
    try:
        return _condition_holds(row, Q(constraint.condition)) is False
    except _NeedsDatabase:
        try:
            constraint.validate(model_class, row, using=using)
        except ValidationError:
            return True
        return False


def _constraint_errors(row: Model, excluded: set[str]) -> dict:
    """``Model.validate_constraints()``, with check constraints evaluated on the row itself.

    Django checks a condition in its own query and savepoint, carrying every column (and
    encrypting the encrypted ones again): the costliest part of validating a row. The
    conditions here compare the row's own columns, which Python evaluates to the same
    answer; anything else still goes to the database. A check naming an excluded field is
    skipped, as in Django; unique constraints query the database as usual.
    """
    using = router.db_for_write(type(row), instance=row)
    errors: dict = {}
    for model_class, constraints in row.get_constraints():
        for constraint in constraints:
            try:
                if not isinstance(constraint, CheckConstraint):
                    constraint.validate(model_class, row, exclude=excluded, using=using)
                elif not Q(constraint.condition).referenced_base_fields & excluded and _check_violated(
                    constraint, model_class, row, using
                ):
                    message = constraint.get_violation_error_message()
                    raise ValidationError(message, code=constraint.violation_error_code)
            except ValidationError as exc:
                errors = exc.update_error_dict(errors)
    return errors


def validate_row(row: Model) -> None:
    """``full_clean()`` with the checks that only cost time replaced by equivalents.

    Services validate thousands of rows when the demo or an import is built, so each
    query counts: the public id is a fresh random UUID (its uniqueness query cannot
    fail); a foreign key set from a saved instance needs no query to find that instance
    again; django-countries rebuilds its 250 translated choices on every validation, so
    country codes are checked against the ISO list directly; check constraints are
    evaluated on the row (see ``_constraint_errors``). Every rule is still checked.
    """
    country_fields = [field.name for field in row._meta.fields if isinstance(field, CountryField)]
    set_relations = [
        field.name for field in row._meta.fields if field.is_relation and getattr(row, field.attname) is not None
    ]
    errors = _country_errors(row, country_fields)
    try:
        row.full_clean(exclude=[*country_fields, *set_relations], validate_unique=False, validate_constraints=False)
    except ValidationError as exc:
        errors = exc.update_error_dict(errors)
    failed = set(errors) - {NON_FIELD_ERRORS}
    try:
        row.validate_unique(exclude={"public_id", *failed})
    except ValidationError as exc:
        errors = exc.update_error_dict(errors)
    for field, messages in _constraint_errors(row, failed).items():
        errors.setdefault(field, []).extend(messages)
    if errors:
        raise ValidationError(errors)


def check_format(value: str, pattern: re.Pattern[str], *, field: str, message: str) -> None:
    """Reject an identifier that does not follow the insurer's numbering, naming the field."""
    if not pattern.fullmatch(value):
        raise field_error(field, message, code="invalid")


def _compact(value: str) -> str:
    return "".join(value.split()).upper()


def nir_clean(nir: str, *, birth_date: date, sex: str) -> str:
    """A valid NIR, compact, that agrees with the birth year and month and the sex it encodes.

    The key alone lets a typo in the birth date or a swapped number through; the NIR
    repeats the sex, year and month of birth, so a mismatch is caught here.
    """
    compact = _compact(nir)
    if not compact:
        return ""
    try:
        validate_nir(compact)
    except ValidationError as exc:
        raise ValidationError({"nir": exc.error_list}) from exc
    month = int(compact[3:5])
    wrong_month = 1 <= month <= 12 and month != birth_date.month
    wrong_sex = compact[0] in "12" and sex in _NIR_SEX_DIGIT and compact[0] != _NIR_SEX_DIGIT[sex]
    if compact[1:3] != f"{birth_date.year % 100:02d}" or wrong_month or wrong_sex:
        raise field_error(
            "nir", _("The social security number does not match the date of birth or the sex."), code="mismatch"
        )
    return compact


@transaction.atomic
def person_create(
    *,
    actor: User | None,
    last_name: str,
    first_name: str,
    birth_date: date,
    membership_number: str | None = None,
    civility: str = "",
    sex: str = "",
    birth_name: str = "",
    nir: str = "",
    email: str = "",
    phone: str = "",
    nationality: str = "FR",
    country_of_residence: str = "FR",
    address: Address | None = None,
) -> Person:
    """Record an insured person: a holder or employee (with a membership number) or a dependant (without)."""
    if membership_number:
        check_format(
            membership_number,
            PERSON_NUMBER,
            field="membership_number",
            message=_("A person's membership number has 10 digits and starts with 1."),
        )
    person = Person(
        membership_number=membership_number or None,
        civility=civility,
        last_name=last_name,
        birth_name=birth_name,
        first_name=first_name,
        birth_date=birth_date,
        sex=sex,
        nir=nir_clean(nir, birth_date=birth_date, sex=sex),
        email=email,
        phone=phone,
        nationality=nationality,
        country_of_residence=country_of_residence,
    )
    (address or Address()).apply_to(person)
    validate_row(person)
    person.save()
    record(actor=actor, action="person.created", target=person, data={"membership_number": membership_number})
    return person


@transaction.atomic
def company_create(
    *,
    actor: User | None,
    membership_number: str,
    name: str,
    siret: str,
    email: str = "",
    phone: str = "",
    address: Address | None = None,
) -> Company:
    """Record a company that holds (or will hold) collective contracts."""
    check_format(
        membership_number,
        COMPANY_NUMBER,
        field="membership_number",
        message=_("A company's membership number is E followed by 8 digits."),
    )
    company = Company(membership_number=membership_number, name=name, siret=_compact(siret), email=email, phone=phone)
    (address or Address()).apply_to(company)
    validate_row(company)
    company.save()
    record(actor=actor, action="company.created", target=company, data={"membership_number": membership_number})
    return company


@transaction.atomic
def agent_create(
    *,
    actor: User | None,
    membership_number: str,
    name: str,
    orias_number: str = "",
    siret: str = "",
    email: str = "",
    phone: str = "",
    address: Address | None = None,
) -> Agent:
    """Record a broker or management agent; the ORIAS number is the register every broker must be on."""
    check_format(
        membership_number,
        AGENT_NUMBER,
        field="membership_number",
        message=_("An agent's membership number is MD followed by 6 digits."),
    )
    if orias_number:
        check_format(orias_number, ORIAS_NUMBER, field="orias_number", message=_("An ORIAS number has 8 digits."))
    agent = Agent(
        membership_number=membership_number,
        name=name,
        orias_number=orias_number,
        siret=_compact(siret),
        email=email,
        phone=phone,
    )
    (address or Address()).apply_to(agent)
    validate_row(agent)
    agent.save()
    record(actor=actor, action="agent.created", target=agent, data={"membership_number": membership_number})
    return agent


def _bic_for(iban: str, bic: str) -> str:
    """The BIC given, checked, or the one the bank registry knows for the IBAN's bank code."""
    if not bic:
        known = IBAN(iban).bic
        return str(known) if known else ""
    try:
        return BIC(bic).compact
    except SchwiftyException as exc:
        raise field_error("bic", _("This BIC is not valid."), code="invalid") from exc


def _current_account(owner: Person | Company) -> BankAccount | None:
    return owner.bank_accounts.filter(valid_to__isnull=True).order_by("-valid_from").first()


def _close_account(account: BankAccount, *, before: date) -> None:
    """End the owner's current account the day before the new one starts: one account in force at a time."""
    if account.valid_from >= before:
        raise field_error(
            "valid_from",
            _("The new account must start after the current one (in force since %(date)s)."),
            code="overlap",
            date=account.valid_from.isoformat(),
        )
    account.valid_to = before - timedelta(days=1)
    account.save(update_fields=["valid_to", "updated_at"])


@transaction.atomic
def bank_account_add(
    *,
    actor: User | None,
    owner: Person | Company,
    iban: str,
    holder_name: str,
    valid_from: date,
    bic: str = "",
) -> BankAccount:
    """Add the account reimbursements and direct debits use from ``valid_from``; the previous one is closed."""
    try:
        compact = normalise_iban(iban)
    except ValidationError as exc:
        raise ValidationError({"iban": exc.error_list}) from exc
    owner_field = "person" if isinstance(owner, Person) else "company"
    account = BankAccount(
        holder_name=holder_name,
        iban=compact,
        iban_last4=compact[-4:],
        bic=_bic_for(compact, bic),
        valid_from=valid_from,
        **{owner_field: owner},
    )
    validate_row(account)
    previous = _current_account(owner)
    if previous:
        _close_account(previous, before=valid_from)
    account.save()
    data = {"owner": owner_field, "valid_from": valid_from.isoformat(), "previous_closed": previous is not None}
    record(actor=actor, action="bank_account.added", target=account, data=data)
    return account


@transaction.atomic
def reference_salary_set(
    *,
    actor: User | None,
    person: Person,
    amount: Decimal,
    effective_date: date,
    currency: str = "EUR",
) -> ReferenceSalary:
    """Set the salary welfare benefits are computed from, from a date; a second call for that date corrects it."""
    salary = person.reference_salaries.filter(effective_date=effective_date).first() or ReferenceSalary(
        person=person, effective_date=effective_date
    )
    created = salary.pk is None
    salary.amount, salary.currency = amount, currency
    validate_row(salary)
    salary.save()
    data = {"effective_date": effective_date.isoformat(), "corrected": not created}
    record(actor=actor, action="reference_salary.set", target=salary, data=data)
    return salary
