"""Guarantees, contract PDFs, the member's documents and the library, help numbers and the FAQ (SPEC M3, M6, M7).

Same scoping as the web pages: a contract, person or library document the caller may not see answers
404 like a missing one. Help numbers and the FAQ are public, as the help page is; a logged-in caller
gets their own zone first.
"""

from decimal import Decimal
from uuid import UUID

from django.conf import settings
from django.http import Http404, HttpRequest
from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from ninja import Field, Query, Router, Schema

from accounts.choices import ProfileKind
from accounts.models import Profile
from api.auth import ANY_AUTH, ApiActor
from api.errors import ApiError, ErrorCode
from api.schemas import CALL_ERRORS, OBJECT_ERRORS, PDF_RESPONSE, ErrorOut, ValidationErrorOut, paged
from content import selectors as content_selectors
from content.choices import FaqCategory
from content.models import FaqEntry, LibraryDocument
from content.views import library_response
from contracts import pdf
from contracts.models import Affiliation, Contract
from contracts.selectors import certificate_subscriber_get, contract_get
from ledger import estimates

router = Router()

PUBLIC_ERRORS = {401: ErrorOut, 422: ValidationErrorOut, 429: ErrorOut}


# --- Access ---------------------------------------------------------------------------------------


def _profile(request: HttpRequest) -> Profile | None:
    return request.auth.profile


def _visible_contract(request: HttpRequest, public_id: UUID) -> Contract:
    contract = contract_get(actor=_profile(request), public_id=public_id)
    if contract is None:
        raise Http404
    return contract


def _certificate_subscriber(request: HttpRequest, contract: Contract, person: UUID | None) -> Affiliation:
    """The subscriber whose certificate covers ``person`` (an affiliation id; none: the caller's own cover):
    theirs, or their subscriber's."""
    profile = _profile(request)
    if person is None and (profile is None or not profile.person_id):
        raise ApiError(422, ErrorCode.INVALID, field="person", message=_("Say whose certificate you want."))
    subscriber = certificate_subscriber_get(actor=profile, contract=contract, affiliation_id=person)
    if subscriber is None:
        raise Http404
    return subscriber


def _optional_actor(request: HttpRequest) -> ApiActor | None:
    """The caller on a public endpoint: a valid token or session, else nobody (a bad token is still refused)."""
    for method in ANY_AUTH:
        actor = method(request)
        if actor:
            return actor
    return None


# --- Guarantees and contract PDFs ------------------------------------------------------------------


class ExampleOut(Schema):
    spent: Decimal = Field(description="EUR, a common fee of the category.")
    compulsory: Decimal = Field(description="EUR the compulsory scheme pays.")
    flat_fee: Decimal = Field(description="EUR of flat fee the law leaves to the member, inside left_to_pay.")
    we_pay: Decimal = Field(description="EUR.")
    left_to_pay: Decimal = Field(description="EUR.")


class GuaranteeOut(Schema):
    category_code: str
    category: str = Field(description="The care category, in the request's language.")
    basis: str = Field(description="percent_base, percent_cost, flat, actual_cost or percent_salary.")
    rate: Decimal | None = Field(description="Percentage of the basis (for % of the base, includes the scheme's part).")
    rate_non_optam: Decimal | None = Field(
        description="For doctors' fees: the rate of the base for a secteur 2 doctor not adhering to OPTAM (null: the "
        "doctor's sector does not change the line)."
    )
    flat_amount: Decimal | None = Field(description="EUR, for a flat basis.")
    per_act_ceiling: Decimal | None = Field(description="EUR per act.")
    period_ceiling: Decimal | None = Field(description="EUR per beneficiary and period.")
    ceiling_period_years: int = Field(description="Length of the ceiling's period, in years.")
    cover: str = Field(description='What is paid, in words: "200 % BR", "Actual cost", "€150 per year".')
    ceilings: list[str] = Field(description="The ceilings, in words.")
    example: ExampleOut | None = Field(
        description="A common fee of the category split by the guarantee engine with today's base tariff, no ceiling "
        "used yet (none for categories without a typical fee or a known base)."
    )


def _example(split) -> dict | None:
    if split is None:
        return None
    return {
        "spent": split.expense,
        "compulsory": split.compulsory,
        "flat_fee": split.flat_fee,
        "we_pay": split.insurer,
        "left_to_pay": split.left_to_pay,
    }


def _guarantee(row) -> dict:
    line = row.line
    return {
        "category_code": line.category.code,
        "category": row.category,
        "basis": line.basis,
        "rate": line.rate,
        "rate_non_optam": line.rate_non_optam,
        "flat_amount": line.flat_amount,
        "per_act_ceiling": line.per_act_ceiling,
        "period_ceiling": line.annual_ceiling,
        "ceiling_period_years": line.ceiling_period_years,
        "cover": row.cover,
        "ceilings": row.ceilings,
        "example": _example(row.example),
    }


@router.get(
    "/contracts/{public_id}/guarantees", response={200: list[GuaranteeOut], **OBJECT_ERRORS}, tags=["contracts"]
)
def contract_guarantees(request: HttpRequest, public_id: UUID):
    """The guarantee table of the contract's product, care category by care category (SPEC M3), each line with an
    example in euros (issue 14)."""
    contract = _visible_contract(request, public_id)
    rows = estimates.contract_examples(contract, pdf.guarantee_rows(contract.product))
    return [_guarantee(row) for row in rows]


@router.get(
    "/contracts/{public_id}/certificate.pdf",
    response={200: None, **OBJECT_ERRORS},
    openapi_extra=PDF_RESPONSE,
    tags=["contracts"],
    url_name="contract_certificate",
)
def contract_certificate(request: HttpRequest, public_id: UUID, person: UUID | None = None):
    """The insurance certificate covering ``person`` (an id from the contract's beneficiaries; a member may leave
    it out for their own). A dependant's certificate is their subscriber's, which lists everyone covered with them."""
    contract = _visible_contract(request, public_id)
    subscriber = _certificate_subscriber(request, contract, person)
    language = request.auth.user.language
    content = pdf.certificate_pdf(affiliation=subscriber, language=language)
    return pdf.attachment_response(content, pdf.document_filename(pdf.CERTIFICATE_NAME, contract.number, language))


@router.get(
    "/contracts/{public_id}/guarantee-description.pdf",
    response={200: None, **OBJECT_ERRORS},
    openapi_extra=PDF_RESPONSE,
    tags=["contracts"],
    url_name="contract_guarantee_description",
)
def contract_guarantee_description(request: HttpRequest, public_id: UUID):
    """The guarantee description of the contract's product, in the caller's language."""
    contract = _visible_contract(request, public_id)
    language = request.auth.user.language
    content = pdf.guarantee_description_pdf(contract=contract, language=language)
    name = pdf.document_filename(pdf.GUARANTEE_DESCRIPTION_NAME, contract.number, language)
    return pdf.attachment_response(content, name)


@router.get(
    "/contracts/{public_id}/general-conditions.pdf",
    response={200: None, **OBJECT_ERRORS},
    openapi_extra=PDF_RESPONSE,
    tags=["contracts"],
    url_name="contract_general_conditions",
)
def contract_general_conditions(request: HttpRequest, public_id: UUID):
    """The general conditions of the contract's product, in the caller's language."""
    contract = _visible_contract(request, public_id)
    language = request.auth.user.language
    content = pdf.general_conditions_pdf(contract=contract, language=language)
    name = pdf.document_filename(pdf.GENERAL_CONDITIONS_NAME, contract.number, language)
    return pdf.attachment_response(content, name)


# --- Documents and library ----------------------------------------------------------------------------


class DocumentOut(Schema):
    kind: str = Field(description="certificate, guarantee_description, general_conditions or library.")
    title: str
    category: str | None = Field(description="For a library document: notice, guide, factsheet or a form.")
    contract_id: UUID | None
    contract_number: str | None
    person_id: UUID | None = Field(description="For a certificate: the covered person's affiliation id.")
    person_name: str | None
    url: str = Field(description="Where to download the PDF with the same credentials.")


def _contract_entries(contract: Contract, covered: list[Affiliation]) -> list[dict]:
    base = {"category": None, "contract_id": contract.public_id, "contract_number": contract.number}
    none = {"person_id": None, "person_name": None}
    ids = {"public_id": contract.public_id}
    entries = [
        {
            **base,
            "kind": "certificate",
            "title": gettext(pdf.CERTIFICATE_NAME),
            "person_id": affiliation.public_id,
            "person_name": affiliation.person.full_name,
            "url": f"{reverse('api:contract_certificate', kwargs=ids)}?person={affiliation.public_id}",
        }
        for affiliation in covered
    ]
    entries.append(
        {
            **base,
            **none,
            "kind": "guarantee_description",
            "title": gettext(pdf.GUARANTEE_DESCRIPTION_NAME),
            "url": reverse("api:contract_guarantee_description", kwargs=ids),
        }
    )
    entries.append(
        {
            **base,
            **none,
            "kind": "general_conditions",
            "title": gettext(pdf.GENERAL_CONDITIONS_NAME),
            "url": reverse("api:contract_general_conditions", kwargs=ids),
        }
    )
    return entries


def _library_entry(document: LibraryDocument) -> dict:
    return {
        "kind": "library",
        "title": document.title,
        "category": document.category,
        "contract_id": None,
        "contract_number": None,
        "person_id": None,
        "person_name": None,
        "url": reverse("api:library_document_file", kwargs={"public_id": document.public_id}),
    }


@router.get("/documents", response={200: list[DocumentOut], **CALL_ERRORS}, tags=["documents"])
def document_list(request: HttpRequest):
    """Every PDF the caller can download (SPEC M6): for a member, the certificates, guarantee descriptions and
    general conditions of their contracts; for everyone, the library documents of their products."""
    profile = _profile(request)
    if profile is None:  # a login the API serves nothing (staff)
        return []
    entries = []
    if profile.kind == ProfileKind.MEMBER:
        for group in content_selectors.contract_documents(actor=profile):
            entries.extend(_contract_entries(group.contract, group.covered))
    entries.extend(_library_entry(document) for document in content_selectors.library_list(actor=profile))
    return entries


@router.get(
    "/library/{public_id}/file",
    response={200: None, **OBJECT_ERRORS},
    openapi_extra=PDF_RESPONSE,
    tags=["documents"],
    url_name="library_document_file",
)
def library_document_file(request: HttpRequest, public_id: UUID):
    """A library document's PDF; 404 when it is unpublished or for products the caller holds none of."""
    profile = _profile(request)
    document = content_selectors.library_get(actor=profile, public_id=public_id) if profile else None
    if document is None:
        raise Http404
    return library_response(document)


# --- Help ---------------------------------------------------------------------------------------------


class ZoneOut(Schema):
    code: str
    name: str
    emergency_phone: str
    assistance_phone: str = Field(description="The 24/7 assistance line (hospital admission, guarantee of payment).")
    mine: bool = Field(description="The caller's zone (from their contracts or country of residence).")


class ManagementCentreOut(Schema):
    phone: str
    hours: str
    address: str


class EmergencyNumbersOut(Schema):
    management_centre: ManagementCentreOut
    zones: list[ZoneOut] = Field(description="The caller's zones first, then the others.")


@router.get("/help/emergency-numbers", auth=None, response={200: EmergencyNumbersOut, **PUBLIC_ERRORS}, tags=["help"])
def help_emergency_numbers(request: HttpRequest):
    """Emergency and 24/7 assistance numbers per expatriation zone, and the management centre (public)."""
    actor = _optional_actor(request)
    zones = content_selectors.help_zones(actor=actor.profile if actor else None)
    insurer = settings.INSURER
    return {
        "management_centre": {"phone": insurer["phone"], "hours": insurer["hours"], "address": insurer["address"]},
        "zones": [
            {**_zone(zone), "mine": mine}
            for mine, group in ((True, zones.mine), (False, zones.others))
            for zone in group
        ],
    }


def _zone(zone) -> dict:
    return {
        "code": zone.code,
        "name": zone.name,
        "emergency_phone": zone.emergency_phone,
        "assistance_phone": zone.assistance_phone,
    }


class FaqOut(Schema):
    id: UUID = Field(alias="public_id")
    category: str
    category_label: str
    question: str
    answer: str

    @staticmethod
    def resolve_category_label(obj: FaqEntry) -> str:
        return str(FaqCategory(obj.category).label)


class FaqFilters(Schema):
    q: str = Field("", max_length=100, description="Words to find, in either language (case and accents ignored).")
    category: FaqCategory | None = Field(None, description="Only this section.")


@router.get("/faq", auth=None, response={200: list[FaqOut], **PUBLIC_ERRORS}, tags=["help"])
@paged()
def faq_search(request: HttpRequest, filters: Query[FaqFilters]):
    """The published questions and answers, in the request's language (public)."""
    return content_selectors.faq_search(query=filters.q, category=filters.category or "")
