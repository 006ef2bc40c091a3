"""Who may open and change what in the company and agent spaces: one 404 for missing and forbidden, and one
clear refusal for changes once a contract or mandate has ended (SPEC E8)."""

from __future__ import annotations

from uuid import UUID

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils.translation import gettext_lazy as _

from accounts.models import Profile
from companies import selectors
from contracts.models import Affiliation, Contract
from people.models import Company

ENDED = _(
    "This contract or your mandate on it has ended: you keep read-only access during the grace period, and "
    "changes are no longer possible online. Contact the management centre if this is a mistake."
)


class WriteRefused(PermissionDenied):
    """A change refused on a record the actor may still read (grace period, ended cover)."""

    def __init__(self, message=ENDED):
        super().__init__(message)
        self.message = message


def access_employee(*, actor: Profile | None, public_id: UUID | str) -> Affiliation:
    affiliation = selectors.employee_get(actor=actor, public_id=public_id)
    if affiliation is None:
        raise Http404
    return affiliation


def access_contract(*, actor: Profile | None, public_id: UUID | str) -> Contract:
    contract = selectors.space_contract_get(actor=actor, public_id=public_id)
    if contract is None:
        raise Http404
    return contract


def access_company(*, actor: Profile | None, public_id: UUID | str) -> Company:
    company = selectors.client_company_get(actor=actor, public_id=public_id)
    if company is None:
        raise Http404
    return company


def require_writable(*, actor: Profile | None, affiliation: Affiliation) -> None:
    if not selectors.is_writable(actor=actor, affiliation=affiliation):
        ended = affiliation.end_date is not None
        if ended and selectors.contract_is_writable(actor=actor, contract=affiliation.contract):
            raise WriteRefused(_("This cover has already ended."))
        raise WriteRefused()


def require_contract_writable(*, actor: Profile | None, contract: Contract) -> None:
    if not selectors.contract_is_writable(actor=actor, contract=contract):
        raise WriteRefused()


def require_space_writable(*, actor: Profile | None) -> None:
    """Creating something new (an affiliation, a file) needs at least one contract open to changes."""
    state = selectors.space_state(actor=actor)
    if state.read_only:
        raise WriteRefused()
