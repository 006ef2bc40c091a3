"""Card payments as each profile may see them: a payment is visible where the object it pays is visible."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from payments import purposes
from payments.models import PaymentIntent


def intent_list(*, actor) -> QuerySet[PaymentIntent]:
    if actor is None:
        return PaymentIntent.objects.none()
    scope = Q(pk__in=[])
    for purpose in purposes.PURPOSES.values():
        scope |= Q(purpose=purpose.name, target_id__in=purpose.visible_targets(actor))
    return PaymentIntent.objects.filter(scope)


def intent_get(*, actor, public_id) -> PaymentIntent | None:
    """One payment if ``actor`` may see what it pays; None for missing and forbidden alike."""
    return intent_list(actor=actor).filter(public_id=public_id).first()
