"""What the people records hold about a person, for the privacy app (SPEC G2, G3): identity, contact, bank accounts
(masked), reference salaries; anonymised when nothing requires them any more."""

from __future__ import annotations

from core.identifiers import mask_iban
from people.models import BankAccount, Person, ReferenceSalary
from privacy.hooks import ErasureOutcome, Kept, PrivacyHook, Subject, register

PLACEHOLDER_LAST_NAME = "ANONYME"
PLACEHOLDER_FIRST_NAME = "Personne"
_CLEARED = {
    "civility": "",
    "birth_name": "",
    "sex": "",
    "nir": "",
    "email": "",
    "phone": "",
    "address_line1": "",
    "address_line2": "",
    "postal_code": "",
    "city": "",
}


def _masked_nir(nir: str) -> str:
    return f"{'•' * 10}{nir[-5:]}" if nir else ""


def export(subject: Subject) -> dict | None:
    person = subject.person
    if person is None:
        return None
    accounts = BankAccount.objects.filter(person=person).order_by("valid_from")
    salaries = ReferenceSalary.objects.filter(person=person).order_by("effective_date")
    return {
        "identity": {
            "membership_number": person.membership_number,
            "civility": person.civility,
            "last_name": person.last_name,
            "birth_name": person.birth_name,
            "first_name": person.first_name,
            "birth_date": person.birth_date,
            "sex": person.sex,
            "social_security_number": _masked_nir(person.nir),
            "nationality": person.nationality.code,
            "country_of_residence": person.country_of_residence.code,
        },
        "contact": {
            "email": person.email,
            "phone": str(person.phone or ""),
            "address": person.address_lines,
        },
        "bank_accounts": [
            {
                "iban": mask_iban(account.iban),
                "holder_name": account.holder_name,
                "bic": account.bic,
                "valid_from": account.valid_from,
                "valid_to": account.valid_to,
            }
            for account in accounts
        ],
        "reference_salaries": [
            {"amount": salary.amount, "currency": salary.currency, "effective_date": salary.effective_date}
            for salary in salaries
        ],
    }


def is_anonymised(person: Person) -> bool:
    return person.last_name == PLACEHOLDER_LAST_NAME and not person.email and not person.address_line1


def erase(subject: Subject, *, full: bool, actor=None) -> ErasureOutcome:
    outcome = ErasureOutcome()
    person = subject.person
    if person is None:
        return outcome
    if not full:
        outcome.kept.append(Kept("identity_in_force"))
        return outcome
    if not is_anonymised(person):
        for name, value in _CLEARED.items():
            setattr(person, name, value)
        person.last_name, person.first_name = PLACEHOLDER_LAST_NAME, PLACEHOLDER_FIRST_NAME
        person.birth_date = person.birth_date.replace(month=1, day=1)
        person.save()
        outcome.add("person_anonymised", 1)
    outcome.add("bank_accounts", BankAccount.objects.filter(person=person).delete()[0])
    outcome.add("reference_salaries", ReferenceSalary.objects.filter(person=person).delete()[0])
    outcome.kept.append(Kept("membership_number"))
    return outcome


def audit_targets(subject: Subject) -> list[tuple[str, str]]:
    if subject.person is None:
        return []
    return [("people.person", str(subject.person.public_id))]


register(PrivacyHook(name="people", export=export, erase=erase, audit_targets=audit_targets, order=10))
