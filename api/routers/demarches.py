"""Requests (démarches) over the API (SPEC M5, E5, X5): the same kinds, checks and scoping as the website.

A request is seen only by the login and profile that sent it. Submitting is multipart: ``kind``, the kind's
fields as a JSON object in ``payload``, documents in ``attachments``; an ``Idempotency-Key`` header makes a
retry return the request the first call created instead of a second one.
"""

import json
from datetime import date, datetime
from typing import Annotated, Any
from uuid import UUID

from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext_lazy as _
from ninja import Field, File, Form, Header, Router, Schema
from ninja.files import UploadedFile
from ninja.responses import Status

from accounts.models import Profile
from api.errors import ApiError, ErrorCode, error_response
from api.schemas import CALL_ERRORS, OBJECT_ERRORS, paged
from demarches import kind_forms, kinds, selectors, services, uploads
from demarches.choices import RequestStatus
from demarches.downloads import attachment_response
from demarches.models import Request, RequestAttachment, RequestEvent, RequestMessage
from demarches.permissions import AUTHOR_PROFILE_KINDS, access_attachment, access_request

router = Router(tags=["requests"])

IDEMPOTENCY_HEADER = "Idempotency-Key"
_ENGINE_FIELDS = {"kind": "kind", "attachments": "attachments", "idempotency_key": IDEMPOTENCY_HEADER}
_BINARY = {"schema": {"type": "string", "format": "binary"}}
ATTACHMENT_RESPONSE = {
    "responses": {
        200: {
            "description": "The document, as an attachment, with the type read from its content on upload.",
            "content": dict.fromkeys((uploads.PDF, uploads.JPEG, uploads.PNG, uploads.HEIC), _BINARY),
        }
    }
}


# --- Schemas -------------------------------------------------------------------------------------------


class ChoiceOut(Schema):
    value: str
    label: str


class KindFieldOut(Schema):
    name: str = Field(description="The key to use in `payload`.")
    label: str
    type: str = Field(description="text, date, choice, choices, boolean, integer, decimal or reference:<record>.")
    required: bool
    max_length: int | None
    help_text: str
    choices: list[ChoiceOut] | None = Field(description="The accepted values, for a choice.")


class RequestKindOut(Schema):
    code: str
    label: str
    description: str
    attachment_hint: str
    min_attachments: int
    fields: list[KindFieldOut]


class AttachmentOut(Schema):
    id: UUID = Field(alias="public_id")
    filename: str = Field(alias="original_name")
    content_type: str
    size: int
    sha256: str


class EventOut(Schema):
    status: str = Field(alias="to_status")
    previous_status: str | None
    at: datetime = Field(alias="created_at")
    comment: str
    by_staff: bool

    @staticmethod
    def resolve_previous_status(obj: RequestEvent) -> str | None:
        return obj.from_status or None


class MessageOut(Schema):
    id: UUID = Field(alias="public_id")
    body: str
    from_staff: bool = Field(alias="by_staff")
    created_at: datetime
    attachments: list[AttachmentOut]

    @staticmethod
    def resolve_attachments(obj: RequestMessage) -> list[RequestAttachment]:
        return list(obj.attachments.all())


class RequestOut(Schema):
    id: UUID = Field(alias="public_id")
    reference: str
    kind: str
    kind_label: str
    status: str
    status_label: str
    submitted_at: datetime
    updated_at: datetime
    closed_at: datetime | None
    contract: str | None = Field(description="The number of the contract the request is about.")
    acknowledge_by: date | None = Field(description="Complaints: acknowledged at the latest on this day.")
    answer_by: date | None = Field(description="Complaints: answered at the latest on this day.")

    @staticmethod
    def resolve_kind_label(obj: Request) -> str:
        return str(obj.kind_label)

    @staticmethod
    def resolve_status_label(obj: Request) -> str:
        return str(obj.get_status_display())

    @staticmethod
    def resolve_contract(obj: Request) -> str | None:
        return obj.subject_contract.number if obj.subject_contract_id else None


class RequestDetailOut(RequestOut):
    data: dict[str, Any] = Field(alias="payload", description="The kind's fields as sent.")
    answer: dict[str, Any] = Field(
        description="Staff's structured answer once validated, for kinds that take one (a quote: we_pay and "
        "left_to_pay, EUR as strings); empty otherwise. The message is in the history."
    )
    attachments: list[AttachmentOut]
    history: list[EventOut]
    messages: list[MessageOut]

    @staticmethod
    def resolve_attachments(obj: Request) -> list[RequestAttachment]:
        return list(selectors.request_documents(request=obj))

    @staticmethod
    def resolve_history(obj: Request) -> list[RequestEvent]:
        return list(selectors.request_history(request=obj))

    @staticmethod
    def resolve_messages(obj: Request) -> list[RequestMessage]:
        return list(selectors.request_thread(request=obj, include_internal=False))


# --- Helpers -------------------------------------------------------------------------------------------


def _author(request: HttpRequest) -> Profile:
    """The caller's profile, when it is one that sends requests (members, companies, agents)."""
    profile = request.auth.profile
    if profile is None or profile.kind not in AUTHOR_PROFILE_KINDS:
        raise ApiError(403, ErrorCode.PROFILE_NOT_ALLOWED, field="profile")
    return profile


def _invalid(message: Any, field: str) -> ApiError:
    return ApiError(422, ErrorCode.INVALID, field=field, message=message)


def _payload_object(raw: str, kind: kinds.RequestKind | None) -> dict[str, Any]:
    """The ``payload`` form field: a JSON object holding the kind's own fields and nothing else."""
    try:
        value = json.loads(raw or "{}")
    except ValueError as error:
        raise _invalid(_("Send the kind's fields as a JSON object."), "payload") from error
    if not isinstance(value, dict):
        raise _invalid(_("Send the kind's fields as a JSON object."), "payload")
    if kind is not None:
        known = set(kind_forms.build_form(kind).fields)
        extra = sorted(set(value) - known)
        if extra:
            raise _invalid(_("This field is not accepted."), f"payload.{extra[0]}")
    return value


def _validation_response(error: ValidationError, *, payload_fields: set[str] = frozenset()) -> HttpResponse:
    """A service's errors, named as the caller sent them: payload fields as ``payload.<name>``."""
    items = error.message_dict.items() if hasattr(error, "error_dict") else [("__all__", error.messages)]
    errors = []
    for name, messages in items:
        if name in _ENGINE_FIELDS:
            field = _ENGINE_FIELDS[name]
        elif name in payload_fields or name.startswith("subject_"):
            field = f"payload.{name}" if name in payload_fields else "payload"
        else:
            field = None if name == "__all__" else name
        errors.extend({"field": field, "code": str(ErrorCode.INVALID), "message": str(text)} for text in messages)
    first = errors[0]
    return error_response(422, ErrorCode.INVALID, message=first["message"], field=first["field"], errors=errors)


def _status_filter(status: str | None) -> str | None:
    if status and status not in RequestStatus.values:
        raise _invalid(_("Unknown status."), "status")
    return status or None


# --- Endpoints -----------------------------------------------------------------------------------------


@router.get("/request-kinds", response={200: list[RequestKindOut], **CALL_ERRORS})
def request_kinds(request: HttpRequest):
    """The kinds of request the caller's profile may send, with the fields each expects in `payload`."""
    profile = request.auth.profile
    if profile is None or profile.kind not in AUTHOR_PROFILE_KINDS:
        return []
    return [
        {
            "code": kind.code,
            "label": str(kind.label),
            "description": str(kind.description),
            "attachment_hint": str(kind.attachment_hint),
            "min_attachments": kind.min_attachments,
            "fields": kind_forms.field_descriptions(kind),
        }
        for kind in kinds.for_profile(profile.kind)
    ]


@router.get("/requests", response={200: list[RequestOut], **CALL_ERRORS})
@paged()
def request_list(request: HttpRequest, status: str | None = None):
    """The requests sent in the caller's profile, newest first; `status` filters (in_progress, awaiting_return,
    validated, rejected)."""
    return selectors.request_list(actor=request.auth.profile, status=_status_filter(status))


@router.post("/requests", response={201: RequestDetailOut, **CALL_ERRORS})
def request_create(
    request: HttpRequest,
    kind: Annotated[str, Form(max_length=64, description="The code of a kind from `/api/request-kinds`.")],
    payload: Annotated[str, Form(max_length=100_000, description="The kind's fields, as a JSON object.")] = "{}",
    attachments: Annotated[list[UploadedFile] | None, File(description="Up to 5 documents.")] = None,
    idempotency_key: Annotated[str | None, Header(alias=IDEMPOTENCY_HEADER, max_length=64)] = None,
):
    """Send a request. Documents: PDF, JPEG, PNG or HEIC, at most 5 of 10 MB each, checked by their content.

    Send an `Idempotency-Key` header (8 to 64 letters, digits, `-` or `_`) to make retries safe: the same key
    returns the request the first call created. Errors name the field: `kind`, `payload.<field>`,
    `attachments` or `Idempotency-Key`.
    """
    profile = _author(request)
    registered = kinds.get(kind)
    data = _payload_object(payload, registered)
    try:
        created = services.request_submit(
            actor=profile,
            kind_code=kind,
            payload=data,
            attachments=attachments or [],
            idempotency_key=idempotency_key or None,
        )
    except ValidationError as error:
        fields = set(kind_forms.build_form(registered).fields) if registered else set()
        return _validation_response(error, payload_fields=fields)
    return Status(201, created)


@router.get("/requests/{public_id}", response={200: RequestDetailOut, **OBJECT_ERRORS})
def request_detail(request: HttpRequest, public_id: UUID):
    """One of the caller's requests with its history, messages (staff's internal notes excluded) and documents."""
    return access_request(actor=request.auth.profile, public_id=public_id)


@router.post("/requests/{public_id}/messages", response={201: MessageOut, **OBJECT_ERRORS})
def request_reply(
    request: HttpRequest,
    public_id: UUID,
    body: Annotated[str, Form(max_length=100_000, description="Your message (plain text).")],
    attachments: Annotated[list[UploadedFile] | None, File(description="Up to 5 documents.")] = None,
):
    """Write to the back office about a request; answering a request awaiting your return puts it back in
    progress. A closed request takes no more messages."""
    demarche = access_request(actor=request.auth.profile, public_id=public_id)
    try:
        message = services.request_message_add(
            actor_user=request.auth.user, request=demarche, body=body, attachments=attachments or []
        )
    except ValidationError as error:
        return _validation_response(error)
    return Status(201, message)


@router.get(
    "/requests/{public_id}/attachments/{attachment_id}",
    response={200: None, **OBJECT_ERRORS},
    openapi_extra=ATTACHMENT_RESPONSE,
)
def request_attachment(request: HttpRequest, public_id: UUID, attachment_id: UUID):
    """Download one document of the request (sent as an attachment, with its type as checked on upload)."""
    demarche = access_request(actor=request.auth.profile, public_id=public_id)
    return attachment_response(access_attachment(request=demarche, public_id=attachment_id, staff=False))
