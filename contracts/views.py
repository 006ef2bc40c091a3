"""Member pages of SPEC M3: my contracts, one contract's guarantees and covered people, and its PDFs.

Every page and download starts from the contracts the active profile may see (``contract_list``):
a contract outside them, a confidential one or a made-up id all answer the same 404.
"""

from __future__ import annotations

from uuid import UUID

from django.db.models import Prefetch
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from accounts.choices import ProfileKind
from accounts.decorators import profile_required
from accounts.models import Profile
from contracts import pdf
from contracts.models import Contract, ContractOption
from contracts.selectors import (
    certificate_subscriber_get,
    contract_covered,
    contract_get,
    contract_list,
    next_guarantee_change,
)
from documents.pdf import paris_today

# The profiles these pages serve now; companies and agents will reuse them (SPEC E2).
CONTRACT_PROFILES = (ProfileKind.MEMBER,)


def visible_contract(*, actor: Profile, public_id: UUID) -> Contract:
    """The contract, or the same 404 for missing, confidential and forbidden."""
    contract = contract_get(actor=actor, public_id=public_id)
    if contract is None:
        raise Http404
    return contract


@profile_required(*CONTRACT_PROFILES)
@require_GET
def contract_list_page(request: HttpRequest) -> HttpResponse:
    options = Prefetch("options", queryset=ContractOption.objects.order_by("effective_date", "code"))
    contracts = contract_list(actor=request.profile).prefetch_related(options)
    return render(request, "contracts/list.html", {"contracts": contracts})


@profile_required(*CONTRACT_PROFILES)
@require_GET
def contract_detail(request: HttpRequest, public_id: UUID) -> HttpResponse:
    contract = visible_contract(actor=request.profile, public_id=public_id)
    context = {
        "contract": contract,
        "options": contract.options.order_by("effective_date", "code"),
        "rows": pdf.guarantee_rows(contract.product),
        "table_date": paris_today(),
        "next_change": next_guarantee_change(contract.product_id, paris_today()),
        "covered": contract_covered(actor=request.profile, contract=contract),
    }
    return render(request, "contracts/detail.html", context)


@profile_required(*CONTRACT_PROFILES)
@require_GET
def certificate_download(request: HttpRequest, public_id: UUID, affiliation_id: UUID) -> HttpResponse:
    contract = visible_contract(actor=request.profile, public_id=public_id)
    subscriber = certificate_subscriber_get(actor=request.profile, contract=contract, affiliation_id=affiliation_id)
    if subscriber is None:
        raise Http404
    language = request.user.language  # documents follow the member's chosen language (SPEC A12)
    content = pdf.certificate_pdf(affiliation=subscriber, language=language)
    return pdf.attachment_response(content, pdf.document_filename(pdf.CERTIFICATE_NAME, contract.number, language))


@profile_required(*CONTRACT_PROFILES)
@require_GET
def guarantee_description_download(request: HttpRequest, public_id: UUID) -> HttpResponse:
    contract = visible_contract(actor=request.profile, public_id=public_id)
    language = request.user.language
    content = pdf.guarantee_description_pdf(contract=contract, language=language)
    name = pdf.document_filename(pdf.GUARANTEE_DESCRIPTION_NAME, contract.number, language)
    return pdf.attachment_response(content, name)


@profile_required(*CONTRACT_PROFILES)
@require_GET
def general_conditions_download(request: HttpRequest, public_id: UUID) -> HttpResponse:
    contract = visible_contract(actor=request.profile, public_id=public_id)
    language = request.user.language
    content = pdf.general_conditions_pdf(contract=contract, language=language)
    name = pdf.document_filename(pdf.GENERAL_CONDITIONS_NAME, contract.number, language)
    return pdf.attachment_response(content, name)
