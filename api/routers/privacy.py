"""Personal-data rights requests over the API (SPEC G2, X5): the same rights, identity check and scoping as the
website. A request is seen only by the login and profile that filed it; staff process them on the website.

Over the API the identity is confirmed with the membership number and the last 4 characters of the IBAN (an
identity document is sent on the website). An ``Idempotency-Key`` header makes a retry return the first request.
"""

from datetime import date, datetime
from typing import Annotated, Literal
from uuid import UUID

from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.http import Http404, HttpRequest
from ninja import Field, Header, Router, Schema
from ninja.responses import Status

from accounts.models import Profile
from api.errors import ApiError, ErrorCode, error_response
from api.schemas import CALL_ERRORS, OBJECT_ERRORS, InputSchema, paged
from contracts.pdf import attachment_response
from privacy import selectors, services
from privacy.choices import IdentityMethod, RightKind
from privacy.models import PrivacyRequest, PrivacyRequestEvent

router = Router(tags=["privacy"])

EXPORT_SCHEMA = {
    "type": "object",
    "description": "A person's data: one section per domain, then the operations the trail records about them.",
    "properties": {
        "schema": {"type": "string", "const": "openmutuelle.personal-data-export"},
        "schema_version": {"type": "string", "example": "1.0"},
        "generated_at": {"type": "string", "format": "date-time"},
        "controller": {"type": "object", "properties": {"name": {"type": "string"}, "dpo": {"type": "string"}}},
        "sections": {
            "type": "object",
            "description": "people (identity, contact, bank_accounts with the IBAN masked, reference_salaries), "
            "contracts (contracts_held, affiliations), claims (with care_items), payments, requests, members "
            "(consents_and_preferences, death_benefit_designations), login (username, email, profiles, "
            "connections), terms_accepted, privacy_requests. Codes (kind, status, role…) are the API's codes.",
            "additionalProperties": True,
        },
        "audit_events": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {
                    "at": {"type": "string", "format": "date-time"},
                    "action": {"type": "string"},
                    "by": {"type": "string", "enum": ["you", "staff", "system"]},
                    "about": {"type": "string"},
                },
            },
        },
    },
    "required": ["schema", "schema_version", "generated_at", "sections", "audit_events"],
}


class PrivacyEventOut(Schema):
    status: str = Field(alias="to_status")
    at: datetime = Field(alias="created_at")


class PrivacyRequestOut(Schema):
    id: UUID = Field(alias="public_id")
    reference: str
    kind: str
    status: str
    received_on: date
    due_on: date = Field(description="One month after receipt; three when extended (GDPR art. 12(3)).")
    extension_reason: str
    answer: str
    refusal_reason: str
    export_available: bool = Field(description="The copy can be downloaded from `export.json`.")
    export_expires_at: datetime | None
    history: list[PrivacyEventOut]

    @staticmethod
    def resolve_history(obj: PrivacyRequest) -> list[PrivacyRequestEvent]:
        return list(obj.events.all())


class PrivacyRequestIn(InputSchema):
    kind: Literal[tuple(RightKind.values)]  # type: ignore[valid-type]
    details: str = Field("", max_length=4000)
    membership_number: str = Field(max_length=20)
    iban_last4: str = Field(min_length=4, max_length=4, description="Last 4 characters of the current IBAN.")


def _profile(request: HttpRequest) -> Profile:
    profile = request.auth.profile
    if profile is None or profile.kind not in selectors.REQUESTER_KINDS:
        raise ApiError(403, ErrorCode.PROFILE_NOT_ALLOWED, field="profile")
    return profile


def _own(request: HttpRequest, public_id: UUID) -> PrivacyRequest:
    profile = request.auth.profile
    if profile is None or profile.kind not in selectors.REQUESTER_KINDS:
        raise Http404
    return selectors.access_my_request(profile=profile, public_id=public_id)


@router.get("/privacy/requests", response={200: list[PrivacyRequestOut], **CALL_ERRORS})
@paged()
def privacy_request_list(request: HttpRequest):
    """The rights requests filed in the caller's profile, newest first."""
    return selectors.my_requests(profile=_profile(request)).prefetch_related("events")


@router.post("/privacy/requests", response={201: PrivacyRequestOut, **CALL_ERRORS})
def privacy_request_create(
    request: HttpRequest,
    body: PrivacyRequestIn,
    idempotency_key: Annotated[str | None, Header(alias="Idempotency-Key", max_length=64)] = None,
):
    """File a request (access, rectification, erasure, portability, restriction, opposition, post_mortem).

    A wrong membership number, wrong digits or no bank account on file all get the same 422 on `iban_last4`;
    after 5 failures in an hour every try gets it until the hour is over.
    """
    profile = _profile(request)
    filing = services.Filing(
        kind=body.kind,
        method=IdentityMethod.IBAN_DIGITS,
        details=body.details,
        membership_number=body.membership_number,
        iban_last4=body.iban_last4,
    )
    if idempotency_key:
        filing.idempotency_key = idempotency_key
    try:
        created = services.request_submit(actor=request.auth.user, profile=profile, filing=filing)
    except services.IdentityRefusedError as error:
        return error_response(422, ErrorCode.INVALID, message=error.messages[0], field="iban_last4")
    except ValidationError as error:
        field = next(iter(error.message_dict)) if hasattr(error, "error_dict") else None
        return error_response(422, ErrorCode.INVALID, message=error.messages[0], field=field)
    return Status(201, created)


@router.get("/privacy/requests/{public_id}", response={200: PrivacyRequestOut, **OBJECT_ERRORS})
def privacy_request_detail(request: HttpRequest, public_id: UUID):
    return _own(request, public_id)


@router.get(
    "/privacy/requests/{public_id}/export.json",
    response={200: None, **OBJECT_ERRORS},
    openapi_extra={
        "responses": {
            200: {
                "description": "The copy of the data (JSON, see its `schema` key).",
                "content": {"application/json": {"schema": EXPORT_SCHEMA}},
            }
        }
    },
)
def privacy_request_export(request: HttpRequest, public_id: UUID):
    """The machine-readable copy of an answered access or portability request, while it is available (30 days)."""
    found = _own(request, public_id)
    if not found.export_available:
        raise Http404
    with default_storage.open(found.export_json_name) as handle:
        content = handle.read()
    services.export_downloaded(actor=request.auth.user, request=found, fmt="json")
    return attachment_response(content, f"personal-data-{found.reference}.json", "application/json")
