"""State changes of card payments: start one, apply what the provider says (SECURITY.md, money).

A notification is trusted only when the provider's signature checks (``providers``); it is applied once: its event
id is stored under a unique constraint in the same transaction as its effect, so a replay, or two copies arriving
together, change things once. The amount and currency are checked against the payment; a payment already settled
never changes again. On success the purpose's effect (allocating a contribution payment…) runs in that transaction.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal
from uuid import UUID

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.services import record
from core.validation import validate_row
from payments import purposes
from payments.choices import FINAL_STATUSES, IN_PROGRESS_STATUSES, INTENT_TRANSITIONS, IntentStatus
from payments.models import PaymentIntent, ProviderEvent
from payments.providers import InvalidNotificationError, Notification, RefundError, get_provider, provider_code

logger = logging.getLogger(__name__)

CHECKOUT_LIFETIME = timedelta(hours=1)  # the provider's page for a payment works this long after its last start
NOTIFICATION_GRACE = timedelta(minutes=5)  # a payer who submitted the card just before the end is still honoured


@dataclass(frozen=True)
class Started:
    intent: PaymentIntent
    url: str


def _transition(intent: PaymentIntent, status: str) -> None:
    if status not in INTENT_TRANSITIONS[intent.status]:
        raise ValidationError(_("This payment cannot change like this."), code="transition")
    intent.status = status


@transaction.atomic
def intent_start(
    *, actor, purpose: str, target_id: UUID, amount: Decimal, description: str, currency: str = "EUR"
) -> Started:
    """A payment of ``amount`` for an object, and the provider's hosted page to send the payer to.

    One charge per object: an object has at most one payment in progress (a database constraint). A second
    checkout by the same payer for the same amount takes that payment up (its page works for another hour);
    otherwise the payment in progress is cancelled, at the provider too, before a new one starts."""
    purposes.get(purpose)
    if amount <= 0:
        raise ValidationError(_("There is nothing to pay."), code="amount")
    provider = get_provider()
    open_intent = _in_progress(purpose, target_id)
    if open_intent is not None and (open_intent.amount, open_intent.currency, open_intent.created_by_id) == (
        amount,
        currency,
        actor.pk,
    ):
        return _take_up(open_intent, provider)
    if open_intent is not None:
        intent_cancel(actor=actor, intent=open_intent, reason="superseded")
    intent = PaymentIntent(
        provider=provider_code(),
        purpose=purpose,
        target_id=target_id,
        description=description[:140],
        amount=amount,
        currency=currency,
        created_by=actor,
        expires_at=timezone.now() + CHECKOUT_LIFETIME,
    )
    validate_row(intent)
    try:
        with transaction.atomic():  # the one-in-progress index is the database's: a concurrent checkout may have won
            intent.save()
    except IntegrityError:
        winner = _in_progress(purpose, target_id)
        if winner is None:  # not the race
            raise
        return _take_up(winner, provider)  # a concurrent checkout of the same object opened one first: take it up
    url = provider.start(intent)
    _transition(intent, IntentStatus.PENDING)
    intent.save(update_fields=["status", "updated_at"])
    record(
        actor=actor,
        action="payment_intent.started",
        target=intent,
        data={"purpose": purpose, "target": str(target_id), "amount": str(amount), "provider": intent.provider},
    )
    return Started(intent, url)


def _in_progress(purpose: str, target_id: UUID) -> PaymentIntent | None:
    return (
        PaymentIntent.objects.select_for_update()
        .filter(purpose=purpose, target_id=target_id, status__in=IN_PROGRESS_STATUSES)
        .first()
    )


def _take_up(intent: PaymentIntent, provider) -> Started:
    intent.expires_at = timezone.now() + CHECKOUT_LIFETIME
    intent.save(update_fields=["expires_at", "updated_at"])
    return Started(intent, provider.start(intent))


@transaction.atomic
def intent_cancel(*, actor, intent: PaymentIntent, reason: str) -> PaymentIntent:
    """Give up a payment in progress, at the provider first (its page then refuses the card)."""
    get_provider().cancel(intent)
    _transition(intent, IntentStatus.CANCELLED)
    intent.failure_reason, intent.completed_at = reason, timezone.now()
    intent.save(update_fields=["status", "failure_reason", "completed_at", "updated_at"])
    record(actor=actor, action="payment_intent.cancelled", target=intent, data={"reason": reason})
    return intent


@transaction.atomic
def intent_refund(*, actor, intent: PaymentIntent, amount: Decimal, reason: str) -> PaymentIntent:
    """Give ``amount`` taken for ``intent`` back to the card through the provider (never more than was taken)."""
    intent = PaymentIntent.objects.select_for_update().get(pk=intent.pk)
    if amount <= 0 or intent.refunded_amount + amount > intent.amount:
        raise ValidationError(_("This refund is more than what was paid."), code="refund_amount")
    try:
        intent.refund_reference = get_provider().refund(intent, amount)[:80]
    except RefundError as exc:
        raise ValidationError(_("The payment provider did not refund this payment."), code="refund") from exc
    intent.refunded_amount += amount
    intent.save(update_fields=["refunded_amount", "refund_reference", "updated_at"])
    record(
        actor=actor,
        action="payment_intent.refunded",
        target=intent,
        data={"amount": str(amount), "reason": reason, "refund": intent.refund_reference},
    )
    return intent


@dataclass(frozen=True)
class Outcome:
    accepted: bool
    reason: str = ""
    intent: PaymentIntent | None = None


def notification_receive(*, body: bytes, headers) -> Outcome:
    """A notification posted by the provider: checked, then applied once. Unsigned ones change nothing."""
    try:
        notification = get_provider().parse_notification(body, headers)
    except InvalidNotificationError as exc:
        # Anyone can post here: an unsigned post is logged, not written to the audit trail (which it could flood);
        # signed notifications that are refused are audited below.
        logger.warning("Payment notification refused: %s", exc)
        return Outcome(False, "signature")
    return notification_apply(notification=notification)


def notification_apply(*, notification: Notification) -> Outcome:
    try:
        with transaction.atomic():
            return _apply(notification)
    except IntegrityError:  # the same event, applied by a concurrent delivery
        return Outcome(True, "duplicate")


def _apply(notification: Notification) -> Outcome:
    code = provider_code()
    if ProviderEvent.objects.filter(provider=code, event_id=notification.event_id).exists():
        return Outcome(True, "duplicate")
    intent = _locked_intent(notification.intent_id)
    reason = _refusal(intent, notification)
    ProviderEvent.objects.create(
        provider=code,
        event_id=notification.event_id,
        intent=intent,
        status=notification.status[:16],
        accepted=not reason,
        reason=reason,
    )
    if reason:
        record(
            actor=None,
            action="payment_notification.refused",
            target=intent,
            data={"event": notification.event_id, "reason": reason, "amount": str(notification.amount)},
        )
        if reason in LATE and notification.status == IntentStatus.SUCCEEDED and intent.status != IntentStatus.SUCCEEDED:
            _give_back(intent, notification, reason)
            return Outcome(True, "refunded", intent)
        return Outcome(reason == "already_settled", reason, intent)
    _settle(intent, notification)
    return Outcome(True, "", intent)


def _locked_intent(public_id: str) -> PaymentIntent | None:
    try:
        UUID(public_id)
    except ValueError:
        return None
    return PaymentIntent.objects.select_for_update().filter(public_id=public_id).first()


LATE = ("already_settled", "expired")


def _refusal(intent: PaymentIntent | None, notification: Notification) -> str:
    if intent is None:
        return "unknown_payment"
    if notification.amount != intent.amount or notification.currency != intent.currency:
        return "amount_mismatch"
    if intent.status in FINAL_STATUSES:
        return "already_settled"
    if intent.expires_at and timezone.now() > intent.expires_at + NOTIFICATION_GRACE:
        return "expired"
    if notification.status not in (IntentStatus.SUCCEEDED, IntentStatus.FAILED, IntentStatus.CANCELLED):
        return "unknown_status"
    return ""


def _settle(intent: PaymentIntent, notification: Notification) -> None:
    _transition(intent, notification.status)
    intent.provider_reference = notification.provider_reference
    intent.card_brand, intent.card_last4 = notification.card_brand, notification.card_last4
    intent.failure_reason = notification.reason
    intent.completed_at = timezone.now()
    validate_row(intent)
    intent.save()
    record(
        actor=None,
        action=f"payment_intent.{intent.status}",
        target=intent,
        data={
            "event": notification.event_id,
            "reference": intent.provider_reference,
            "amount": str(intent.amount),
            "card": f"{intent.card_brand} {intent.card_last4}".strip(),
            "reason": intent.failure_reason,
        },
    )
    if intent.status == IntentStatus.SUCCEEDED:
        purposes.get(intent.purpose).on_success(intent=intent)


def _give_back(intent: PaymentIntent, notification: Notification, reason: str) -> None:
    """The provider took money for a checkout the portal no longer honours (cancelled, replaced or expired): the
    payment is closed and the money refunded, never kept."""
    if intent.status not in FINAL_STATUSES:
        _transition(intent, IntentStatus.CANCELLED)
        intent.failure_reason, intent.completed_at = reason, timezone.now()
    intent.provider_reference = intent.provider_reference or notification.provider_reference
    intent.card_brand, intent.card_last4 = notification.card_brand, notification.card_last4
    intent.save()
    try:
        intent_refund(actor=None, intent=intent, amount=notification.amount - intent.refunded_amount, reason=reason)
    except ValidationError as exc:  # staff follow it up from the trail and the provider's back office
        logger.error("Payment %s: money taken after %s, refund failed: %s", intent.public_id, reason, exc.messages)
        record(actor=None, action="payment_intent.refund_failed", target=intent, data={"reason": reason})


def intent_refresh(*, intent: PaymentIntent) -> PaymentIntent:
    """Ask the provider about a payment still open (a notification lost on the way) and apply its answer."""
    if intent.status in FINAL_STATUSES:
        return intent
    notification = get_provider().fetch(intent)
    if notification is not None:
        notification_apply(notification=notification)
        intent.refresh_from_db()
    return intent
