"""One access function per object a URL names: missing and forbidden give the same 404 (DESIGN, SECURITY V8)."""

from __future__ import annotations

from uuid import UUID

from django.http import Http404

from accounts.models import Profile
from professionals import selectors
from professionals.models import ContactMessage, Invoice, ProfessionalPayment


def _found(value):
    if value is None:
        raise Http404
    return value


def access_invoice(*, actor: Profile | None, public_id: UUID | str) -> Invoice:
    return _found(selectors.invoice_get(actor=actor, public_id=public_id))


def access_payment(*, actor: Profile | None, public_id: UUID | str) -> ProfessionalPayment:
    return _found(selectors.payment_get(actor=actor, public_id=public_id))


def access_message(*, actor: Profile | None, public_id: UUID | str) -> ContactMessage:
    return _found(selectors.message_get(actor=actor, public_id=public_id))


def access_invoice_for_staff(*, actor: Profile | None, public_id: UUID | str) -> Invoice:
    return _found(selectors.invoice_get_for_staff(actor=actor, public_id=public_id))


def access_payment_for_staff(*, actor: Profile | None, public_id: UUID | str) -> ProfessionalPayment:
    return _found(selectors.staff_payment_get(actor=actor, public_id=public_id))


def access_message_for_staff(*, actor: Profile | None, public_id: UUID | str) -> ContactMessage:
    return _found(selectors.message_get_for_staff(actor=actor, public_id=public_id))
