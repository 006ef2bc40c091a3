"""Contracts and who they cover, as the caller's profile sees them on the web (one scoping rule)."""

from uuid import UUID

from django.http import Http404, HttpRequest
from ninja import Router

from api.schemas import CALL_ERRORS, OBJECT_ERRORS, BeneficiaryOut, ContractOut, paged
from contracts.models import Contract
from contracts.selectors import contract_covered, contract_get, contract_list

router = Router(tags=["contracts"])


def _visible_contract(request: HttpRequest, public_id: UUID) -> Contract:
    contract = contract_get(actor=request.auth.profile, public_id=public_id)
    if contract is None:
        raise Http404  # missing and forbidden answer alike
    return contract


@router.get("", response={200: list[ContractOut], **CALL_ERRORS})
@paged()
def contracts(request: HttpRequest):
    """The contracts the caller's profile may see: a member's own, a company's collective ones, an agent's mandated
    ones; a health professional sees none."""
    return contract_list(actor=request.auth.profile)


@router.get("/{public_id}", response={200: ContractOut, **OBJECT_ERRORS})
def contract_detail(request: HttpRequest, public_id: UUID):
    """One contract; 404 when it does not exist or the caller may not see it."""
    return _visible_contract(request, public_id)


@router.get("/{public_id}/beneficiaries", response={200: list[BeneficiaryOut], **OBJECT_ERRORS})
@paged()
def contract_beneficiaries(request: HttpRequest, public_id: UUID):
    """The people covered under a contract that the caller may see (a member: self and dependants)."""
    return contract_covered(actor=request.auth.profile, contract=_visible_contract(request, public_id))
