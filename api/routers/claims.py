"""Online reimbursement claims (SPEC C1-C5) for the mobile app: submit with photos, follow, check eligibility.

Scoped exactly like the web pages (``claims.selectors``): a member sees the claims they sent and those where they
are the beneficiary; every other profile sees none. Submitting twice with the same ``Idempotency-Key`` returns the
first claim (200) instead of creating another (201).
"""

import json
import re
import uuid
from datetime import date, datetime
from decimal import Decimal
from uuid import UUID

from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest
from django.utils.translation import get_language
from django_countries import countries
from ninja import Field, Form, Query, Router, Schema
from ninja.responses import Status
from pydantic import ConfigDict, field_validator
from pydantic import ValidationError as PydanticValidationError

from api.errors import error_response
from api.schemas import CALL_ERRORS, OBJECT_ERRORS, ValidationErrorOut, multipart_body, paged
from claims import conf, currency, eligibility, selectors, services, uploads
from claims.eligibility import ItemInput, Problem
from claims.explanations import explain
from claims.models import CareDocument, CareItem, Claim
from claims.permissions import access_awaiting_item
from claims.presenters import warnings_text
from claims.services import NewDocument
from core.middleware import current_request_context

router = Router(tags=["claims"])

FILE_FIELD = re.compile(r"^item(\d{1,2})_doc(\d{1,2})$")
FORBIDDEN_CODES = {"not_member", "suspended", "read_only"}


# --- Schemas ------------------------------------------------------------------------------------


class ProblemOut(Schema):
    code: str
    message: str
    field: str | None


class ExplanationLineOut(Schema):
    text: str
    amount: str
    applied: bool


class ClaimDocumentOut(Schema):
    id: UUID = Field(alias="public_id")
    name: str = Field(alias="original_name")
    type: str = Field(alias="detected_type")
    pages: int
    warnings: list[str] = Field(description="Quality warnings (blurred or small picture), in the caller's language.")

    @staticmethod
    def resolve_warnings(obj: CareDocument) -> list[str]:
        return warnings_text(obj.quality_warnings)


class CareItemOut(Schema):
    id: UUID = Field(alias="public_id")
    position: int
    care_date: date
    category: str
    category_name: str
    practitioner: str
    country: str
    amount: Decimal = Field(description="In the currency paid.")
    currency: str
    exchange_rate: Decimal = Field(description="Units of the currency per euro (1 for EUR).")
    rate_date: date = Field(description="Date of the reference rate used.")
    amount_eur: Decimal
    decision: str = Field(description="pending, accepted or refused.")
    refusal_reason: str
    reimbursed_amount: Decimal | None = Field(description="Frozen when the claim is decided; null before.")
    possible_duplicate: bool = Field(
        alias="is_duplicate",
        description="Flagged at submission: the same care is in another claim or was already paid through another "
        "channel (the compulsory scheme's automatic flow, a third-party-payment invoice). It is never paid twice.",
    )
    explanation: list[ExplanationLineOut] = Field(description="How the reimbursed amount was computed.")
    documents: list[ClaimDocumentOut]

    @staticmethod
    def resolve_category(obj: CareItem) -> str:
        return obj.category.code

    @staticmethod
    def resolve_category_name(obj: CareItem) -> str:
        return obj.category.name

    @staticmethod
    def resolve_country(obj: CareItem) -> str:
        return obj.country.code

    @staticmethod
    def resolve_explanation(obj: CareItem) -> list[dict]:
        return explain(obj.explanation)

    @staticmethod
    def resolve_documents(obj: CareItem) -> list[CareDocument]:
        return list(obj.documents.all())


class ClaimSummaryOut(Schema):
    id: UUID = Field(alias="public_id")
    reference: str
    status: str = Field(description="in_progress, validated, partially_validated or rejected.")
    beneficiary: str
    contract_number: str
    submitted_at: datetime
    total_claimed: Decimal = Field(description="EUR.")
    total_reimbursed: Decimal = Field(description="EUR; 0 until the claim is decided.")
    rejection_reason: str
    originals_requested_at: datetime | None
    paid_at: datetime | None

    @staticmethod
    def resolve_beneficiary(obj: Claim) -> str:
        return str(obj.beneficiary)

    @staticmethod
    def resolve_contract_number(obj: Claim) -> str:
        return obj.contract.number


class ClaimOut(ClaimSummaryOut):
    originals_note: str
    decision_note: str
    terms_version: str
    items: list[CareItemOut]

    @staticmethod
    def resolve_terms_version(obj: Claim) -> str:
        return obj.terms.version

    @staticmethod
    def resolve_items(obj: Claim) -> list[CareItem]:
        return list(obj.items.all())


class ItemIn(Schema):
    model_config = ConfigDict(extra="forbid")

    care_date: date
    category: str = Field(min_length=1, max_length=32, description="A care category code (see eligibility).")
    practitioner: str = Field(min_length=1, max_length=160)
    country: str = Field(min_length=2, max_length=2, description="ISO 3166 code of the country of care.")
    amount: Decimal = Field(gt=0, max_digits=12, decimal_places=2, description="In the currency paid.")
    currency: str = Field("EUR", min_length=3, max_length=3, description="ISO 4217 code (see /api/currencies).")

    @field_validator("country")
    @classmethod
    def _known_country(cls, value: str) -> str:
        if value.upper() not in dict(countries):
            raise ValueError("Unknown country code.")
        return value.upper()


class CategoryOut(Schema):
    code: str
    name: str
    required_documents: str


class BeneficiaryChoiceOut(Schema):
    id: UUID = Field(description="The affiliation's public id: send it as `beneficiary`.")
    name: str
    role: str
    contract_number: str
    categories: list[CategoryOut]


class ConversionOut(Schema):
    amount_eur: Decimal
    rate: Decimal
    rate_date: date


class EligibilityOut(Schema):
    eligible: bool
    problems: list[ProblemOut]
    max_total_eur: Decimal
    max_items: int
    max_documents_per_item: int
    terms_version: str | None
    beneficiaries: list[BeneficiaryChoiceOut]
    conversion: ConversionOut | None


class EligibilityQuery(Schema):
    model_config = ConfigDict(extra="forbid")

    beneficiary: UUID | None = None
    care_date: date | None = None
    category: str | None = Field(None, max_length=32)
    practitioner: str | None = Field(None, max_length=160)
    country: str | None = Field(None, max_length=2)
    amount: Decimal | None = Field(None, gt=0, max_digits=12, decimal_places=2)
    currency: str = Field("EUR", min_length=3, max_length=3)


class CurrencyOut(Schema):
    code: str
    name: str
    rate: Decimal | None = Field(description="Units per euro at the last published rate (1 for EUR).")
    rate_date: date | None


# --- Helpers ------------------------------------------------------------------------------------


def _refusal(problems: list[Problem]):
    codes = {p.code for p in problems}
    status = 503 if "maintenance" in codes else 403 if codes & FORBIDDEN_CODES else 422
    first = problems[0]
    return error_response(
        status, first.code, message=first.message, field=first.field, errors=[p.as_dict() for p in problems]
    )


def _category_out(category) -> dict:
    language_en = (get_language() or "fr").startswith("en")
    return {
        "code": category.code,
        "name": category.name,
        "required_documents": category.required_documents_en if language_en else category.required_documents_fr,
    }


def _beneficiary_out(choice: eligibility.Beneficiary) -> dict:
    return {
        "id": choice.affiliation.public_id,
        "name": str(choice.person),
        "role": choice.affiliation.role,
        "contract_number": choice.contract.number,
        "categories": [_category_out(c) for c in choice.categories],
    }


def _asked(problem: Problem, given: set[str]) -> bool:
    """An item problem counts only for the fields the caller sent (the others are not asked about yet)."""
    prefix = "items[0]."
    field = problem.field or ""
    return not field.startswith(prefix) or field.removeprefix(prefix) in given


def _parse_items(raw: str) -> list[ItemInput]:
    try:
        data = json.loads(raw)
    except ValueError:
        raise ValidationError({"items": ["Send the items as a JSON list."]}) from None
    if not isinstance(data, list):
        raise ValidationError({"items": ["Send the items as a JSON list."]})
    items = []
    for index, entry in enumerate(data):
        try:
            item = ItemIn.model_validate(entry)
        except PydanticValidationError as error:
            first = error.errors()[0]
            name = ".".join(str(part) for part in first.get("loc", ()))
            raise ValidationError(
                {f"items[{index}].{name}".rstrip("."): [first.get("msg", "Invalid value.")]}
            ) from None
        items.append(
            ItemInput(
                item.care_date, item.category, item.practitioner, item.country, item.amount, item.currency.upper()
            )
        )
    return items


def _files_by_item(request: HttpRequest, count: int) -> list[list]:
    grouped: list[list[tuple[int, object]]] = [[] for _ in range(count)]
    for name in request.FILES:
        match = FILE_FIELD.match(name)
        if not match or not 1 <= int(match.group(1)) <= count:
            raise ValidationError({name: ["Name each file item{n}_doc{m}, n being the item's number from 1."]})
        grouped[int(match.group(1)) - 1] += [(int(match.group(2)), f) for f in request.FILES.getlist(name)]
    return [[f for _, f in sorted(files, key=lambda pair: pair[0])] for files in grouped]


def _idempotency_key(request: HttpRequest) -> str:
    key = request.headers.get("Idempotency-Key", "").strip()
    if len(key) > 80 or not key.isprintable():
        raise ValidationError({"Idempotency-Key": ["Send at most 80 printable characters."]})
    return key or f"auto-{uuid.uuid4()}"


# --- Endpoints ----------------------------------------------------------------------------------


@router.get("/claims", response={200: list[ClaimSummaryOut], **CALL_ERRORS})
@paged()
def claims(request: HttpRequest):
    """The caller's claims, newest first: a member's own and their family's; other profiles see none."""
    return selectors.claim_list(actor=request.auth.profile)


@router.get("/claims/eligibility", response={200: EligibilityOut, **CALL_ERRORS})
def claim_eligibility(request: HttpRequest, query: Query[EligibilityQuery]):
    """What the form checks before submission: the service open to the caller, the beneficiaries and care types
    they may claim for and, given a care item, whether it can be claimed and its amount in euros."""
    profile = request.auth.profile
    problems = eligibility.service_problems(profile)
    closed = bool(problems)  # the service is closed to the caller: no one to claim for
    conversion = None
    if query.beneficiary is not None:
        item = ItemInput(
            query.care_date,
            query.category or "",
            query.practitioner or "",
            (query.country or "").upper(),
            query.amount,
            query.currency.upper(),
        )
        result = eligibility.assess(profile, query.beneficiary, [item], check_documents=False)
        given = {name for name, value in query.dict().items() if value not in (None, "")}
        problems = [p for p in result.problems if _asked(p, given)]
        conversion = result.conversions[0] if result.conversions else None
    terms = services.terms_current()
    return {
        "eligible": not problems,
        "problems": [p.as_dict() for p in problems],
        "max_total_eur": conf.get("CLAIM_MAX_TOTAL_EUR"),
        "max_items": conf.get("CLAIM_MAX_ITEMS"),
        "max_documents_per_item": conf.get("CLAIM_MAX_DOCUMENTS_PER_ITEM"),
        "terms_version": terms.version if terms else None,
        "beneficiaries": [] if closed else [_beneficiary_out(b) for b in eligibility.beneficiaries(profile)],
        "conversion": conversion
        and {"amount_eur": conversion.amount_eur, "rate": conversion.rate, "rate_date": conversion.rate_date},
    }


def _claim_body() -> dict:
    """The multipart body of a claim as the OpenAPI document tells it: the form fields ninja parses, the items' JSON
    schema and one binary part per document (``item{n}_doc{m}``, read by ``_files_by_item``)."""
    items, documents = conf.get("CLAIM_MAX_ITEMS"), conf.get("CLAIM_MAX_DOCUMENTS_PER_ITEM")
    example = [
        {"care_date": "2026-01-15", "category": "T_GP", "practitioner": "Dr Martin", "country": "FR",
         "amount": "30.00", "currency": "EUR"},
    ]  # fmt: skip
    parts = {
        f"item{n}_doc{m}": {
            "type": "string",
            "format": "binary",
            "description": f"Document {m} of item {n} (PDF, JPEG, PNG or HEIC): 1 to {documents} per item.",
        }
        for n in range(1, items + 1)
        for m in range(1, documents + 1)
    }
    fields = {
        "beneficiary": {"description": "The `id` of a beneficiary from `GET /api/claims/eligibility`."},
        "items": {
            "description": f"The care items, 1 to {items}, as a JSON list of objects with "
            f"{', '.join(f'`{name}`' for name in ItemIn.model_fields)} (schema in `contentSchema`); the n-th item's "
            "documents are the parts `item{n}_doc1`, `item{n}_doc2`…",
            "contentMediaType": "application/json",
            "contentSchema": {"type": "array", "minItems": 1, "maxItems": items, "items": ItemIn.model_json_schema()},
            "example": json.dumps(example),
        },
        "accept_terms": {"description": "`true`: the claims service's terms are accepted (required)."},
        "terms_version": {"description": "The version accepted (`terms_version` of the eligibility endpoint)."},
    }
    return multipart_body(
        properties={**fields, **parts},
        required=("beneficiary", "items", "item1_doc1"),
        encoding={"items": {"contentType": "application/json"}},
    )


@router.post(
    "/claims",
    response={201: ClaimOut, 200: ClaimOut, 403: ValidationErrorOut, 503: ValidationErrorOut, **OBJECT_ERRORS},
    openapi_extra=_claim_body(),
)
def claim_create(
    request: HttpRequest,
    beneficiary: Form[UUID],
    items: Form[str],
    accept_terms: Form[bool] = False,
    terms_version: Form[str | None] = None,
):
    """Submit a claim as `multipart/form-data`: `beneficiary` (an id from the eligibility endpoint), `items` (a JSON
    list of {care_date, category, practitioner, country, amount, currency}), `accept_terms=true` (acceptance of the
    claims service terms, recorded with their version) and 1 to 5 files per item, parts named `item{n}_doc{m}` (PDF,
    JPEG, PNG, HEIC). Send an `Idempotency-Key` header: the same key again returns the first claim with 200."""
    profile, user = request.auth.profile, request.auth.user
    key = _idempotency_key(request)
    parsed = _parse_items(items)
    files = _files_by_item(request, len(parsed))
    for item, docs in zip(parsed, files, strict=True):
        item.documents = len(docs)
    found = services.claim_precheck(
        actor=user, profile=profile, beneficiary_id=beneficiary, items=parsed, idempotency_key=key
    )  # None: a replay, answered by claim_submit
    if found is not None and found.problems:
        return _refusal(found.problems)
    documents = _checked_documents(files)
    try:
        result = services.claim_submit(
            actor=user,
            profile=profile,
            beneficiary_id=beneficiary,
            items=parsed,
            documents=[[NewDocument(checked=c) for c in docs] for docs in documents],
            idempotency_key=key,
            accept_terms=accept_terms,
            terms_version=terms_version,
            channel="api",
            ip=current_request_context().ip,
            assessment=found,
        )
    except services.ClaimRefused as refused:
        return _refusal(refused.problems)
    finally:
        for docs in documents:
            uploads.cleanup(docs)
    claim = selectors.claim_get(actor=profile, public_id=result.claim.public_id)
    return Status(201 if result.created else 200, claim)


def _checked_documents(files: list[list]) -> list[list[uploads.CheckedFile]]:
    """Every file checked; one refused file refuses the claim (its field is named) and removes the others' copies."""
    checked: list[list[uploads.CheckedFile]] = []
    try:
        for index, docs in enumerate(files, start=1):
            checked.append([])
            for number, upload in enumerate(docs, start=1):
                try:
                    checked[-1].append(uploads.check_upload(upload))
                except uploads.DocumentRejected as error:
                    raise ValidationError({f"item{index}_doc{number}": error.messages}) from None
    except BaseException:
        for done in checked:
            uploads.cleanup(done)
        raise
    return checked


@router.get("/claims/{public_id}", response={200: ClaimOut, **OBJECT_ERRORS})
def claim_detail(request: HttpRequest, public_id: UUID):
    """One claim with its items, amounts reimbursed and how they were computed; 404 when missing or not visible."""
    claim = selectors.claim_get(actor=request.auth.profile, public_id=public_id)
    if claim is None:
        raise Http404
    return claim


def _documents_body() -> dict:
    limit = conf.get("CLAIM_MAX_DOCUMENTS_PER_ITEM")
    return multipart_body(
        properties={
            "documents": {
                "type": "array",
                "items": {"type": "string", "format": "binary"},
                "minItems": 1,
                "maxItems": limit,
                "description": f"The missing document(s): PDF, JPEG, PNG or HEIC; {limit} per care item at most.",
            }
        },
        required=("documents",),
    )


@router.post(
    "/claims/{public_id}/items/{item_id}/documents",
    response={200: ClaimOut, **OBJECT_ERRORS},
    openapi_extra=_documents_body(),
)
def claim_item_documents_add(request: HttpRequest, public_id: UUID, item_id: UUID):
    """Add the document a care item was refused for (missing or illegible), as `multipart/form-data` parts named
    `documents`: checked like a claim's, the item goes back to review and a decided claim back to `in_progress`.
    Only the subscriber who sent the claim, on an item refused for a missing or illegible document of a claim not
    paid yet; anything else is 404. Answers the claim."""
    profile = request.auth.profile
    item = access_awaiting_item(actor=profile, public_id=public_id, item_id=item_id)
    services.claim_item_documents_add(actor=request.auth.user, item=item, files=request.FILES.getlist("documents"))
    return selectors.claim_get(actor=profile, public_id=public_id)


@router.get("/currencies", response={200: list[CurrencyOut], **CALL_ERRORS})
def currencies(request: HttpRequest):
    """The currencies a claim may be paid in: the euro and those with published reference rates."""
    latest = {rate.currency: rate for rate in currency.latest_rates()}
    rows = []
    for code in currency.known_currencies():
        rate = latest.get(code)
        rows.append(
            {
                "code": code,
                "name": str(currency.CURRENCY_NAMES.get(code, code)),
                "rate": Decimal(1) if code == currency.EURO else rate and rate.rate,
                "rate_date": rate.date if rate else None,
            }
        )
    return rows
