"""State changes a company correspondent or an agent starts on contracts, through ``contracts.services`` (SPEC E3-E5).

Affiliating an employee (creating their record when the insurer does not know them yet), changing an
employee's country of expatriation, and changing a contract's payment terms. Each runs in one transaction,
re-checks the business rules of ``contracts.services`` and records one audit event.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext_lazy as _

from audit.services import record
from contracts.choices import AffiliationRole, ContractKind, PaymentFrequency, PaymentMethod
from contracts.models import Affiliation, Contract
from contracts.services import affiliation_add_subscriber, check_expatriation
from core.validation import field_error, validate_row
from people.models import Person
from people.services import Address, membership_number_assign, nir_clean, person_create

if TYPE_CHECKING:
    from accounts.models import User

# Membership numbers the portal gives to employees it records itself: 17 + 8 digits, apart from the
# numbers of the management system's synchronisation (DOMAIN.md: persons have 10 digits starting with 1).
PORTAL_NUMBER_PREFIX = "17"
PORTAL_NUMBER_FIRST = 1_700_000_001


@dataclass(frozen=True)
class NewEmployee:
    """Who the employer declares: enough to find the person again or to record them."""

    last_name: str
    first_name: str
    birth_date: date
    sex: str = ""
    civility: str = ""
    nir: str = ""
    email: str = ""
    phone: str = ""
    nationality: str = "FR"
    address: Address | None = None


def next_membership_number() -> str:
    """The next free portal membership number (the unique constraint settles a race: the later one fails)."""
    last = Person.objects.filter(membership_number__regex=rf"^{PORTAL_NUMBER_PREFIX}\d{{8}}$").aggregate(
        last=Max("membership_number")
    )["last"]
    return str(max(PORTAL_NUMBER_FIRST, int(last) + 1 if last else PORTAL_NUMBER_FIRST))


def _known_person(employee: NewEmployee, contract: Contract) -> Person | None:
    """The insurer's record of this employee: same names and birth date, and the same social security number,
    or already under this contract (a form sent twice). Names alone never pick someone else's record."""
    candidates = Person.objects.filter(
        last_name__iexact=employee.last_name.strip(),
        first_name__iexact=employee.first_name.strip(),
        birth_date=employee.birth_date,
        death_date__isnull=True,
    ).order_by("pk")
    nir = nir_clean(employee.nir, birth_date=employee.birth_date, sex=employee.sex) if employee.nir else ""
    for candidate in candidates:
        if nir and candidate.nir == nir:
            return candidate
        if candidate.affiliations.filter(contract=contract, role=AffiliationRole.SUBSCRIBER).exists():
            return candidate
    return None


def _person_for(actor: User | None, employee: NewEmployee, contract: Contract) -> Person:
    person = _known_person(employee, contract)
    if person is None:
        return person_create(
            actor=actor,
            membership_number=next_membership_number(),
            last_name=employee.last_name.strip(),
            first_name=employee.first_name.strip(),
            birth_date=employee.birth_date,
            civility=employee.civility,
            sex=employee.sex,
            nir=employee.nir,
            email=employee.email,
            phone=employee.phone,
            nationality=employee.nationality or "FR",
            address=employee.address,
        )
    if not person.membership_number:  # a former dependant who becomes an employee gets a number of their own
        membership_number_assign(actor=actor, person=person, number=next_membership_number())
    return person


@transaction.atomic
def employee_affiliate(
    *,
    actor: User | None,
    contract: Contract,
    employee: NewEmployee,
    start_date: date,
    employee_number: str = "",
    country_of_expatriation: str = "",
) -> tuple[Affiliation, bool]:
    """Affiliate an employee to a collective contract, recording them if the insurer does not know them yet.

    Idempotent: the same employee declared again from the same date gives back the first affiliation
    (``created`` False). Raises ``ValidationError`` keyed by field and writes nothing otherwise.
    """
    if contract.kind != ContractKind.COLLECTIVE:
        raise field_error(
            "contract", _("Employees are affiliated to collective contracts only."), code="not_collective"
        )
    person = _person_for(actor, employee, contract)
    existing = contract.affiliations.filter(person=person, role=AffiliationRole.SUBSCRIBER, start_date=start_date)
    if existing.exists():
        return existing.get(), False
    affiliation = affiliation_add_subscriber(
        actor=actor,
        contract=contract,
        person=person,
        start_date=start_date,
        country_of_expatriation=country_of_expatriation,
        employee_number=employee_number,
    )
    return affiliation, True


@transaction.atomic
def affiliation_country_change(*, actor: User | None, affiliation: Affiliation, country: str) -> Affiliation:
    """Record an employee's new country of expatriation; their dependants follow them abroad."""
    if affiliation.role != AffiliationRole.SUBSCRIBER:
        raise field_error("person", _("Only a subscriber's country of expatriation is declared."), code="role")
    check_expatriation(affiliation.contract, country)
    before = affiliation.country_of_expatriation.code or ""
    affiliation.country_of_expatriation = country
    validate_row(affiliation)
    affiliation.save(update_fields=["country_of_expatriation", "updated_at"])
    affiliation.dependants.update(country_of_expatriation=country)
    data = {"contract": affiliation.contract.number, "from": before, "to": country}
    record(actor=actor, action="affiliation.country_changed", target=affiliation, data=data)
    return affiliation


@transaction.atomic
def contract_payment_terms_change(
    *, actor: User | None, contract: Contract, payment_method: str, payment_frequency: str
) -> Contract:
    """Change how and how often a contract's contributions are paid (SPEC E4)."""
    if payment_method not in PaymentMethod.values:
        raise field_error("payment_method", _("Choose a payment method."), code="invalid")
    if payment_frequency not in PaymentFrequency.values:
        raise field_error("payment_frequency", _("Choose a periodicity."), code="invalid")
    before = {"payment_method": contract.payment_method, "payment_frequency": contract.payment_frequency}
    contract.payment_method, contract.payment_frequency = payment_method, payment_frequency
    validate_row(contract)
    contract.save(update_fields=["payment_method", "payment_frequency", "updated_at"])
    after = {"payment_method": payment_method, "payment_frequency": payment_frequency}
    record(actor=actor, action="contract.payment_terms_changed", target=contract, data={"from": before, "to": after})
    return contract
