"""Card payment of a call for contributions through the ``payments`` app (SPEC M4, E4).

The call registers as a payment purpose: a payment is visible where its call is, and when the provider's signed
notification says it succeeded, the money is recorded and allocated in that same transaction.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from contributions import selectors
from contributions.choices import PaymentSource
from contributions.models import ContributionCall, ReceivedPayment
from contributions.services import payment_record, payment_refunded
from payments import purposes
from payments.models import PaymentIntent
from payments.services import Started, intent_refund, intent_start

PURPOSE = "contribution_call"


def card_payment_start(*, actor, call: ContributionCall) -> Started:
    """Start paying what remains of ``call`` by card; the caller has checked the call is visible to ``actor``."""
    if not call.is_open:
        raise ValidationError(_("This call has nothing left to pay."), code="closed")
    return intent_start(
        actor=actor, purpose=PURPOSE, target_id=call.public_id, amount=call.remaining, description=call.receipt_number
    )


def on_card_payment_succeeded(*, intent) -> None:
    call = ContributionCall.objects.select_related("contract").get(public_id=intent.target_id)
    payment_record(
        actor=None,
        source=PaymentSource.CARD,
        reference=intent.provider_reference or str(intent.public_id),
        amount=intent.amount,
        received_on=timezone.localdate(intent.completed_at),
        call=call,
        payer=intent.created_by.get_full_name() or intent.created_by.get_username(),
        card_brand=intent.card_brand,
        card_last4=intent.card_last4,
    )


@transaction.atomic
def card_overpayment_refund(*, actor, payment: ReceivedPayment) -> ReceivedPayment:
    """Refund to the card what a card payment left unallocated (no open call took it), through the provider."""
    intent = (
        PaymentIntent.objects.filter(purpose=PURPOSE, provider_reference=payment.reference).first()
        if payment.source == PaymentSource.CARD
        else None
    )
    if intent is None:
        raise ValidationError(_("Only a card payment can be refunded from here."), code="not_card")
    amount = payment.unallocated
    intent = intent_refund(actor=actor, intent=intent, amount=amount, reason="over_payment")
    return payment_refunded(actor=actor, payment=payment, amount=amount, refund_reference=intent.refund_reference)


def register() -> None:
    purposes.register(
        purposes.Purpose(
            name=PURPOSE,
            visible_targets=selectors.visible_call_ids,
            on_success=on_card_payment_succeeded,
            target_url=lambda target_id: reverse("contributions:detail", args=[target_id]),
        )
    )
