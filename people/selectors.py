"""Insured people as each profile may see them: those covered by the contracts the profile sees."""

from __future__ import annotations

from django.db.models import QuerySet

from accounts.models import Profile
from contracts.selectors import affiliation_list
from people.models import BankAccount, Company, Person


def person_list(*, actor: Profile | None) -> QuerySet[Person]:
    """A member sees themselves and their dependants; a company or agent its insured; staff, by role."""
    ids = affiliation_list(actor=actor).values("person_id")
    people = Person.objects.filter(pk__in=ids)
    if actor is not None and actor.kind != "staff":
        people = people.filter(is_confidential=False)
    return people.order_by("last_name", "first_name")


def person_get(*, actor: Profile | None, public_id) -> Person | None:
    """One person by public id if ``actor`` may see them; None otherwise (callers answer 404)."""
    return person_list(actor=actor).filter(public_id=public_id).first()


def current_bank_account(owner: Person | Company) -> BankAccount | None:
    """The account in force (or about to be, when changed again the same day): one at a time per owner."""
    return owner.bank_accounts.filter(valid_to__isnull=True).order_by("-valid_from", "-pk").first()


def current_bank_accounts(person_ids) -> dict[int, BankAccount]:
    """Each person's current account, in one query (payment batches)."""
    rows = BankAccount.objects.filter(person_id__in=person_ids, valid_to__isnull=True).order_by("valid_from", "pk")
    return {account.person_id: account for account in rows}  # the latest wins
