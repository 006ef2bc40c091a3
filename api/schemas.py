"""What the API reads and writes. Every field is listed explicitly: public ids, never database keys,
and no health data (SECURITY: field-level access). Inputs refuse fields they do not know."""

from __future__ import annotations

from datetime import date, datetime
from uuid import UUID

from django.core.exceptions import ValidationError as DjangoValidationError
from ninja import Field, Schema
from ninja.pagination import PageNumberPagination, paginate
from pydantic import ConfigDict, field_validator

from accounts.models import Profile
from api.models import validate_expiry_date
from api.selectors import profile_label
from contracts.models import Affiliation, Contract


class InputSchema(Schema):
    model_config = ConfigDict(extra="forbid")


# --- Errors ---------------------------------------------------------------------------


class ErrorOut(Schema):
    code: str = Field(description="Stable error code programs can branch on.")
    message: str = Field(description="Explanation for people, in the request's language.")
    field: str | None = Field(None, description="The input field at fault, when one is.")


class FieldErrorOut(Schema):
    field: str | None
    code: str
    message: str


class ValidationErrorOut(ErrorOut):
    errors: list[FieldErrorOut]


# The errors any authenticated endpoint may answer, for the OpenAPI document: 400 for a body that cannot be read
# or a token with several profiles that names none (``ProfileRequiredOut``, an ``ErrorOut`` with more fields).
CALL_ERRORS = {400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 422: ValidationErrorOut, 429: ErrorOut}
OBJECT_ERRORS = {**CALL_ERRORS, 404: ErrorOut}

# A PDF download: ``@router.get(..., response={200: None, **OBJECT_ERRORS}, openapi_extra=PDF_RESPONSE)``.
PDF_RESPONSE = {
    "responses": {
        200: {
            "description": "The PDF, as an attachment.",
            "content": {"application/pdf": {"schema": {"type": "string", "format": "binary"}}},
        }
    }
}


MAX_PAGE = 100_000  # beyond, the offset overflows the database's integers: a clear 422, not a 500


class BoundedPageNumberPagination(PageNumberPagination):
    class Input(Schema):
        page: int = Field(1, ge=1, le=MAX_PAGE)
        page_size: int | None = Field(None, ge=1)


MULTIPART = "multipart/form-data"
FORM = "application/x-www-form-urlencoded"


def multipart_body(
    *, properties: dict[str, dict], required: tuple[str, ...] = (), encoding: dict | None = None
) -> dict:
    """``openapi_extra`` for an operation that reads files from ``request.FILES`` by names of its own.

    Django-ninja describes only the parts it parses (its ``Form`` fields, as a form); ``properties`` adds the others
    (files: ``{"type": "string", "format": "binary"}``) and details of the form fields (a JSON field's schema).
    ``OpenMutuelleAPI`` then describes the body as ``multipart/form-data`` alone, form fields and files together.
    """
    content: dict = {"schema": {"type": "object", "properties": properties, "required": list(required)}}
    if encoding:
        content["encoding"] = encoding
    return {"requestBody": {"content": {MULTIPART: content}, "required": True}}


def fold_form_into_multipart(body: dict) -> None:
    """One body type for an operation taking files: the form fields ninja generated join the declared parts."""
    content = body.get("content", {})
    if MULTIPART not in content or FORM not in content:
        return
    generated, declared = content.pop(FORM)["schema"], content[MULTIPART].setdefault("schema", {})
    properties = dict(generated.get("properties", {}))
    for name, details in declared.get("properties", {}).items():
        properties[name] = {**properties.get(name, {}), **details}
    required = [*generated.get("required", []), *declared.get("required", [])]
    declared.update(
        title="MultiPartBodyParams",
        type="object",
        properties=properties,
        required=list(dict.fromkeys(required)),
    )


def paged(page_size: int = 20):
    """Every list endpoint pages the same way: ``?page=N&page_size=M``, at most 100 rows a page."""
    return paginate(BoundedPageNumberPagination, page_size=page_size, max_page_size=100)


class ProfileChoiceOut(Schema):
    id: UUID
    kind: str
    label: str


class ProfileRequiredOut(ErrorOut):
    profiles: list[ProfileChoiceOut] = Field(description="The profiles the token may act for: send one as `profile`.")


# --- Profiles and the caller -----------------------------------------------------------


class ProfileOut(Schema):
    id: UUID = Field(alias="public_id")
    kind: str
    label: str

    @staticmethod
    def resolve_label(obj: Profile) -> str:
        return profile_label(obj)


class MeOut(Schema):
    username: str
    language: str
    previous_login: datetime | None = Field(description="The connection before the latest one (SPEC A5).")
    active_profile: ProfileOut | None = Field(description="The profile this call acts in; null: it sees nothing.")
    profiles: list[ProfileOut]


# --- Tokens ----------------------------------------------------------------------------


def _expiry(value: date | None) -> date | None:
    try:
        validate_expiry_date(value)
    except DjangoValidationError as error:
        raise ValueError(error.messages[0]) from error
    return value


class TokenCreateIn(InputSchema):
    name: str = Field("API", min_length=1, max_length=80, description="What the token is for.")
    expires_on: date | None = Field(None, description="Last day of validity; none: until revoked.")

    _check_expiry = field_validator("expires_on")(_expiry)


class TokenObtainIn(TokenCreateIn):
    username: str = Field(min_length=1, max_length=150, description="Username or membership number.")
    password: str = Field(min_length=1, max_length=1024)
    profile: UUID | None = Field(None, description="The profile to act in, when the login holds several.")


class TokenOut(Schema):
    id: UUID = Field(alias="public_id")
    name: str
    prefix: str = Field(description="The first characters of the token, to recognise it.")
    profile: ProfileOut
    created_at: datetime
    last_used_at: datetime | None
    expires_at: datetime | None
    revoked_at: datetime | None


class TokenCreatedOut(TokenOut):
    token: str = Field(alias="secret", description="The token itself: shown this once, never again.")


# --- Contracts -------------------------------------------------------------------------


class ContractOut(Schema):
    id: UUID = Field(alias="public_id")
    number: str
    kind: str
    product_code: str
    product_name: str
    holder: str
    effective_date: date
    end_date: date | None
    payment_frequency: str

    @staticmethod
    def resolve_product_code(obj: Contract) -> str:
        return obj.product.code

    @staticmethod
    def resolve_product_name(obj: Contract) -> str:
        return obj.product.name

    @staticmethod
    def resolve_holder(obj: Contract) -> str:
        return str(obj.holder_company or obj.holder_person)


class BeneficiaryOut(Schema):
    id: UUID = Field(alias="public_id", description="The affiliation's public id.")
    first_name: str
    last_name: str
    birth_date: date
    role: str
    start_date: date = Field(description="Covered from.")
    end_date: date | None = Field(description="Covered until (none: still covered).")

    @staticmethod
    def resolve_first_name(obj: Affiliation) -> str:
        return obj.person.first_name

    @staticmethod
    def resolve_last_name(obj: Affiliation) -> str:
        return obj.person.last_name

    @staticmethod
    def resolve_birth_date(obj: Affiliation) -> date:
        return obj.person.birth_date
