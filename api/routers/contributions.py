"""Calls for contributions (SPEC M4, E4) for the mobile app and HR systems, scoped like the web pages
(``contributions.selectors``): a member sees the calls of the contracts they hold, a company those of its collective
contracts, an agent those of its mandated contracts; anything else answers 404 like a missing call."""

from datetime import date
from decimal import Decimal
from uuid import UUID

from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest
from ninja import Field, Router, Schema
from ninja.responses import Status

from api.errors import ApiError, ErrorCode
from api.schemas import CALL_ERRORS, OBJECT_ERRORS, PDF_RESPONSE, paged
from contracts.pdf import attachment_response, document_filename
from contributions import pdf, selectors
from contributions.models import ContributionCall
from contributions.payments import card_payment_start

router = Router(tags=["contributions"])


class CallOut(Schema):
    id: UUID = Field(alias="public_id")
    receipt_number: str
    contract_number: str
    period_start: date
    period_end: date
    due_date: date
    amount_due: Decimal = Field(description="EUR.")
    amount_paid: Decimal = Field(description="EUR.")
    remaining: Decimal = Field(description="EUR.")
    status: str = Field(description="issued, partly_paid, paid or cancelled.")
    status_label: str

    @staticmethod
    def resolve_contract_number(obj: ContributionCall) -> str:
        return obj.contract.number

    @staticmethod
    def resolve_status_label(obj: ContributionCall) -> str:
        return obj.get_status_display()


class CardPaymentOut(Schema):
    payment_id: UUID
    status: str
    redirect_url: str = Field(description="The payment provider's hosted page: send the payer there.")


def _call(request: HttpRequest, public_id: UUID) -> ContributionCall:
    call = selectors.call_get(actor=request.auth.profile, public_id=public_id)
    if call is None:
        raise Http404
    return call


@router.get("/contributions/calls", response={200: list[CallOut], **CALL_ERRORS})
@paged()
def contribution_calls(request: HttpRequest):
    """The calls for contributions the caller sees, latest period first."""
    return selectors.call_list(actor=request.auth.profile)


@router.get("/contributions/calls/{public_id}", response={200: CallOut, **OBJECT_ERRORS})
def contribution_call(request: HttpRequest, public_id: UUID):
    """One call for contributions."""
    return _call(request, public_id)


@router.get(
    "/contributions/calls/{public_id}/call.pdf", response={200: None, **OBJECT_ERRORS}, openapi_extra=PDF_RESPONSE
)
def contribution_call_pdf(request: HttpRequest, public_id: UUID):
    """The call for contributions as PDF, in the caller's language."""
    call, language = _call(request, public_id), request.auth.user.language
    return attachment_response(
        pdf.call_pdf(call=call, language=language), document_filename(pdf.CALL_NAME, call.receipt_number, language)
    )


@router.get(
    "/contributions/calls/{public_id}/receipt.pdf", response={200: None, **OBJECT_ERRORS}, openapi_extra=PDF_RESPONSE
)
def contribution_receipt_pdf(request: HttpRequest, public_id: UUID):
    """The receipt (quittance) of a paid call as PDF; 404 while the call is not paid in full."""
    call, language = _call(request, public_id), request.auth.user.language
    if call.status != "paid":
        raise Http404
    return attachment_response(
        pdf.receipt_pdf(call=call, language=language),
        document_filename(pdf.RECEIPT_NAME, call.receipt_number, language),
    )


@router.post("/contributions/calls/{public_id}/card-payments", response={201: CardPaymentOut, **OBJECT_ERRORS})
def contribution_card_payment(request: HttpRequest, public_id: UUID):
    """Start paying what remains of a call by card: open ``redirect_url`` in a browser; then read the payment's
    status at ``/api/payments/{payment_id}``."""
    call = _call(request, public_id)
    try:
        started = card_payment_start(actor=request.auth.user, call=call)
    except ValidationError as error:
        raise ApiError(422, ErrorCode.INVALID, field="public_id", message=" ".join(error.messages)) from error
    url = request.build_absolute_uri(started.url)
    return Status(201, {"payment_id": started.intent.public_id, "status": started.intent.status, "redirect_url": url})
