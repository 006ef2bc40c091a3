"""State changes of the insurer's records of persons, companies, agents and their bank details.

Every function validates with ``full_clean()`` (so model constraints surface as
``ValidationError``), writes in one transaction and records one audit event. Audit data
never carries an IBAN, a NIR or any other secret a person could be identified by.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _
from schwifty import BIC, IBAN
from schwifty.exceptions import SchwiftyException

from audit.services import record
from core.addresses import PostalAddress
from core.identifiers import normalise_iban, validate_nir
from core.validation import check_format, constraint_errors, field_error, validate_row
from people.choices import Sex
from people.models import Agent, BankAccount, Company, Person, ReferenceSalary
from people.selectors import current_bank_account
from people.validators import person_names_check

if TYPE_CHECKING:
    from accounts.models import User

# The insurer's numbering (DOMAIN.md): persons 10 digits from 1, companies E + 8, agents MD + 6.
PERSON_NUMBER = re.compile(r"1\d{9}")
COMPANY_NUMBER = re.compile(r"E\d{8}")
AGENT_NUMBER = re.compile(r"MD\d{6}")
ORIAS_NUMBER = re.compile(r"\d{8}")
_NIR_SEX_DIGIT = {Sex.MALE: "1", Sex.FEMALE: "2"}


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
    person_names_check(last_name=last_name, first_name=first_name, birth_name=birth_name)
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
    with constraint_errors(person):
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
    with constraint_errors(company):
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
    with constraint_errors(agent):
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
    previous = current_bank_account(owner)
    if previous:
        _close_account(previous, before=valid_from)
    account.save()
    data = {"owner": owner_field, "valid_from": valid_from.isoformat(), "previous_closed": previous is not None}
    record(actor=actor, action="bank_account.added", target=account, data=data)
    return account


@transaction.atomic
def membership_number_assign(*, actor: User | None, person: Person, number: str) -> Person:
    """Give a person known without one (a former dependant who becomes an employee) a membership number."""
    person.membership_number = number
    validate_row(person)
    with constraint_errors(person):
        person.save(update_fields=["membership_number", "updated_at"])
    record(actor=actor, action="person.membership_number_assigned", target=person, data={"number": number})
    return person


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
    with constraint_errors(salary):
        salary.save()
    data = {"effective_date": effective_date.isoformat(), "corrected": not created}
    record(actor=actor, action="reference_salary.set", target=salary, data=data)
    return salary
