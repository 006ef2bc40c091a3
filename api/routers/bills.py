"""Bills read for the mobile app: upload a bill first, then poll what was read to pre-fill a care item.

A reading belongs to the profile that uploaded it; any other profile gets 404, as for one that does not exist.
Nothing is submitted from here: the app shows the fields to the member, who confirms them in ``POST /claims``.
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from ninja import Field, Router, Schema
from ninja.responses import Status

from api.errors import ErrorCode, error_response
from api.schemas import OBJECT_ERRORS, multipart_body
from claims.uploads import DocumentRejected
from reading import presenters, selectors, services

router = Router(tags=["bills"])
MEMBER = "member"


class ReadingOut(Schema):
    id: UUID = Field(alias="public_id")
    status: str = Field(description="pending (being read), done, or failed.")
    error: str = Field(description="Why it failed: bomb, pages, timeout, broken, encrypted or error.")
    method: str = Field(description="pdf_text (the PDF's own text) or ocr.")
    pages: int
    fields: dict[str, Any] = Field(
        description="Fields read, each {value, confidence 0..1}: care_date, total, currency, compulsory_paid, rpps, "
        "adeli, finess, siret, practitioner, specialty, act (a care category code); form: the item fields to pre-fill."
    )

    @staticmethod
    def resolve_fields(obj) -> dict:
        return {**obj.fields, "form": presenters.item_prefill(obj)} if obj.status == "done" else {}


@router.post(
    "/bills",
    response={202: ReadingOut, 403: Any, **OBJECT_ERRORS},
    openapi_extra=multipart_body(
        properties={"file": {"type": "string", "format": "binary", "description": "PDF, JPEG, PNG or HEIC."}},
        required=("file",),
    ),
)
def bill_read(request: HttpRequest):
    """Upload a bill (`multipart/form-data`, part `file`) to have it read in the background; answers 202 with the
    reading's id. Poll `GET /bills/{id}` until `status` is `done`, then show the fields for the member to confirm."""
    profile = request.auth.profile
    if profile.kind != MEMBER:
        return error_response(403, ErrorCode.PROFILE_NOT_ALLOWED)
    upload = request.FILES.get("file")
    if upload is None:
        raise ValidationError({"file": ["Send the bill in the part named file."]})
    try:
        reading = services.reading_start(actor=request.auth.user, profile=profile, upload=upload)
    except DocumentRejected as error:
        raise ValidationError({"file": error.messages}) from None
    return Status(202, reading)


@router.get("/bills/{public_id}", response={200: ReadingOut, **OBJECT_ERRORS})
def bill_detail(request: HttpRequest, public_id: UUID):
    """What was read from a bill the caller uploaded; 404 for a reading of anybody else."""
    return selectors.reading_get(actor=request.auth.profile, public_id=public_id)
