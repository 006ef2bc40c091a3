"""Card payments (SPEC M4): the status of a payment, visible where the object it pays is visible (a call for
contributions the caller sees). Starting one is done on the object (``/api/contributions/calls/{id}/card-payments``)."""

from datetime import datetime
from decimal import Decimal
from uuid import UUID

from django.http import Http404, HttpRequest
from ninja import Field, Router, Schema

from api.schemas import OBJECT_ERRORS
from payments import selectors, services
from payments.models import PaymentIntent

router = Router(tags=["payments"])


class PaymentOut(Schema):
    id: UUID = Field(alias="public_id")
    description: str
    amount: Decimal
    currency: str
    status: str = Field(description="created, pending, succeeded, failed or cancelled.")
    status_label: str
    card_brand: str = Field(description="As returned by the provider: CB, VISA, MASTERCARD, AMEX.")
    card_last4: str
    provider_reference: str
    created_at: datetime
    completed_at: datetime | None

    @staticmethod
    def resolve_status_label(obj: PaymentIntent) -> str:
        return obj.get_status_display()


@router.get("/payments/{public_id}", response={200: PaymentOut, **OBJECT_ERRORS})
def payment_status(request: HttpRequest, public_id: UUID):
    """A card payment and its status (asked again of the provider while it is still open)."""
    intent = selectors.intent_get(actor=request.auth.profile, public_id=public_id)
    if intent is None:
        raise Http404
    return services.intent_refresh(intent=intent)
