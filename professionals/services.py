"""State changes of the professional space (SPEC H1-H3): every write here, audited in the same transaction.

Invoices arrive from the professionals' billing flow (``invoice_receive``, idempotent on the professional's invoice
number), are decided by claims staff (``invoice_decide``) and paid by a payment settling some accepted invoices of
one professional (``payment_record``). The rights check (``rights_check``) writes no record but its audit event:
it reveals health-insurance data, so who checked which card, when and with what answer is evidence.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from audit.services import record
from core.validation import constraint_errors, field_error, validate_row
from demarches import uploads
from documents.transactional import StoredFiles
from ledger import invoices as ledger_invoices
from professionals import emails, selectors, throttling
from professionals.choices import (
    PAYABLE,
    Decision,
    InvoiceAction,
    InvoiceStatus,
    MessageStatus,
    RejectionReason,
    RightsResult,
    allowed,
)
from professionals.models import ContactMessage, ContactReply, Invoice, ProfessionalPayment

if TYPE_CHECKING:
    from accounts.models import Profile, User
    from people.models import Person
    from providers.models import HealthProfessional

CENT = Decimal("0.01")


def _check_transition(invoice: Invoice | None, action: str, target: str) -> None:
    current = invoice.status if invoice is not None else None
    if not allowed(current, action, target):
        raise ValidationError(_("This invoice cannot change to this status now."), code="transition")


# --- Invoices -----------------------------------------------------------------------------------------


@transaction.atomic
def invoice_receive(
    *,
    actor: User | None,
    professional: HealthProfessional,
    number: str,
    care_date: date,
    domain: str,
    card_number: str,
    beneficiary: Person,
    total_amount: Decimal,
    compulsory_amount: Decimal,
    claimed_amount: Decimal,
    received_at: datetime | None = None,
    category=None,
    act_code: str = "",
    base_amount: Decimal | None = None,
) -> Invoice:
    """Record an invoice the professional sent; the same number sent again gives back the first one."""
    existing = Invoice.objects.filter(professional=professional, number=number).first()
    if existing is not None:
        return existing
    _check_transition(None, InvoiceAction.RECEIVE, InvoiceStatus.RECEIVED)
    invoice = Invoice(
        professional=professional,
        number=number,
        care_date=care_date,
        domain=domain,
        card_number=card_number,
        beneficiary=beneficiary,
        total_amount=total_amount,
        compulsory_amount=compulsory_amount,
        claimed_amount=claimed_amount,
        received_at=received_at or timezone.now(),
        category=category,
        act_code=act_code,
        base_amount=base_amount,
    )
    validate_row(invoice)
    with constraint_errors(invoice):
        invoice.save()
    data = {"number": number, "professional": professional.identifier, "claimed": str(claimed_amount)}
    record(actor=actor, action="tp_invoice.received", target=invoice, data=data)
    return invoice


def _decision_values(invoice: Invoice, decision: str, accepted_amount: Decimal | None, reason: str):
    """(status, amount accepted, reason) for a decision, or a field error saying what is missing."""
    if decision == Decision.ACCEPT:
        return InvoiceStatus.ACCEPTED, invoice.claimed_amount, ""
    if not reason:
        raise field_error("reason", _("Give the reason of the decision."), code="required")
    if decision == Decision.REJECT:
        return InvoiceStatus.REJECTED, Decimal("0.00"), reason
    if decision != Decision.PARTIAL:
        raise field_error("decision", _("Choose a decision."), code="invalid")
    if accepted_amount is None or not (0 < accepted_amount < invoice.claimed_amount):
        raise field_error(
            "accepted_amount",
            _("A partial acceptance is more than zero and less than the amount claimed (%(claimed)s EUR)."),
            code="range",
            claimed=str(invoice.claimed_amount),
        )
    return InvoiceStatus.PARTIALLY_ACCEPTED, accepted_amount.quantize(CENT), reason


@transaction.atomic
def invoice_decide(
    *,
    actor: User,
    invoice: Invoice,
    decision: str,
    accepted_amount: Decimal | None = None,
    reason: str = "",
    note: str = "",
    decided_at: datetime | None = None,
) -> Invoice:
    """Accept, partly accept or reject a received invoice; the professional is told by email unless all is paid.
    ``decided_at`` is for decisions taken elsewhere and loaded later (the demo's history); default: now."""
    invoice = Invoice.objects.select_for_update().select_related("professional").get(pk=invoice.pk)
    status, amount, reason = _decision_values(invoice, decision, accepted_amount, reason)
    status, amount, reason = ledger_invoices.guaranteed(invoice, status, amount, reason)  # issue 13
    _check_transition(invoice, InvoiceAction.DECIDE, status)
    invoice.status, invoice.accepted_amount, invoice.rejection_reason = status, amount, reason
    invoice.decision_note, invoice.decided_by = note.strip(), actor
    invoice.decided_at = decided_at or timezone.now()
    validate_row(invoice)
    invoice.save()
    data = {"number": invoice.number, "status": status, "accepted": str(amount), "reason": reason}
    record(actor=actor, action="tp_invoice.decided", target=invoice, data=data)
    ledger_invoices.record_decided(actor=actor, invoice=invoice)  # issue 13: the ceiling is consumed
    if status != InvoiceStatus.ACCEPTED:
        _notify_decision(invoice)
    return invoice


def _notify_decision(invoice: Invoice) -> None:
    context = {
        "number": invoice.number,
        "status": invoice.status,
        "status_label": InvoiceStatus(invoice.status).label,  # lazy: worded in the recipient's language
        "reason_label": RejectionReason(invoice.rejection_reason).label,
        "note": invoice.decision_note,
        "claimed": invoice.claimed_amount,
        "accepted": invoice.accepted_amount,
        "care_date": invoice.care_date,
    }
    emails.notify(
        invoice.professional, "invoice_decided", context, url_name="professionals:invoice", public_id=invoice.public_id
    )


# --- Payments -----------------------------------------------------------------------------------------


def _reference(on: date) -> str:
    return f"VTP-{on:%Y%m%d}-{uuid.uuid4().hex[:8].upper()}"


def _payable(professional: HealthProfessional, invoice_ids: list) -> list[Invoice]:
    invoices = list(
        Invoice.objects.select_for_update()
        .filter(professional=professional, public_id__in=invoice_ids)
        .order_by("care_date", "pk")
    )
    if not invoices or len(invoices) != len(set(invoice_ids)):
        raise field_error("invoices", _("Choose accepted invoices of this professional."), code="invalid")
    if any(invoice.status not in PAYABLE or invoice.payment_id or not invoice.accepted_amount for invoice in invoices):
        raise field_error("invoices", _("Some of these invoices are not waiting for payment any more."), code="paid")
    return invoices


@transaction.atomic
def payment_record(
    *, actor: User, professional: HealthProfessional, invoice_ids: list, paid_on: date
) -> ProfessionalPayment:
    """Pay the chosen accepted invoices of one professional in one transfer; each invoice is paid once."""
    invoices = _payable(professional, invoice_ids)
    for invoice in invoices:
        _check_transition(invoice, InvoiceAction.PAY, InvoiceStatus.PAID)
    payment = ProfessionalPayment(
        professional=professional,
        reference=_reference(paid_on),
        paid_on=paid_on,
        amount=sum((invoice.accepted_amount for invoice in invoices), Decimal("0.00")),
        invoice_count=len(invoices),
        created_by=actor,
    )
    validate_row(payment)
    with constraint_errors(payment):
        payment.save()
    Invoice.objects.filter(pk__in=[invoice.pk for invoice in invoices]).update(
        status=InvoiceStatus.PAID, payment=payment, updated_at=timezone.now()
    )
    data = {"reference": payment.reference, "amount": str(payment.amount), "invoices": [i.number for i in invoices]}
    record(actor=actor, action="tp_payment.recorded", target=payment, data=data)
    for invoice in invoices:  # each invoice's own trail shows how it was paid
        paid = {"number": invoice.number, "payment": payment.reference, "amount": str(invoice.accepted_amount)}
        record(actor=actor, action="tp_invoice.paid", target=invoice, data=paid)
    context = {"reference": payment.reference, "amount": payment.amount, "paid_on": paid_on, "count": len(invoices)}
    emails.notify(professional, "payment_made", context, url_name="professionals:payment", public_id=payment.public_id)
    return payment


# --- Rights check -------------------------------------------------------------------------------------


class RightsThrottled(Exception):
    """Too many checks from this login or address: the caller answers 429."""


class NoAgreement(Exception):
    """The professional's third-party-payment agreement is not in force: it may not check rights (403)."""


@dataclass(frozen=True)
class RightsQuery:
    card_number: str
    last_name: str
    first_name: str
    birth_date: date
    care_date: date


def rights_check(*, actor: Profile, ip: str | None, query: RightsQuery) -> selectors.RightsAnswer | None:
    """Check a member's rights as the card shows them; every check is recorded, found or not (SPEC H2)."""
    professional = selectors.professional_of(actor)
    if professional is None:
        raise PermissionError("only a professional checks rights")
    if not selectors.has_agreement_in_force(professional):
        raise NoAgreement
    if not throttling.rights_check_allowed(user_id=actor.user_id, ip=ip):
        record(actor=actor.user, action="tp_rights.throttled", target=professional, profile=actor.kind)
        raise RightsThrottled
    answer = selectors.rights_lookup(
        card_number=query.card_number,
        last_name=query.last_name,
        first_name=query.first_name,
        birth_date=query.birth_date,
        on=query.care_date,
    )
    if answer is None:
        throttling.rights_check_missed(user_id=actor.user_id)
    result = RightsResult.COVERED if answer else RightsResult.NOT_FOUND
    data = {
        "card_number": query.card_number.strip().upper()[:20],
        "care_date": query.care_date.isoformat(),
        "result": result.value,
        "covered": [person.name for person in answer.covered] if answer else [],
    }
    record(actor=actor.user, action="tp_rights.checked", target=professional, data=data, profile=actor.kind)
    return answer


# --- Messages (H3) ------------------------------------------------------------------------------------


def _checked(attachment: UploadedFile | None) -> uploads.CheckedFile | None:
    if attachment is None:
        return None
    try:
        return uploads.check_file(attachment)
    except ValidationError as error:
        raise ValidationError({"attachment": error.error_list}) from error


def message_send(
    *,
    actor: Profile,
    subject: str,
    body: str,
    attachment: UploadedFile | None = None,
    idempotency_key: str | None = None,
) -> ContactMessage:
    """A professional writes to the insurer; the same key sent twice (double click) gives back the first message.

    The attachment is removed if the message does not commit, never once it has."""
    with StoredFiles() as stored, stored.atomic():
        return _message_create(
            actor=actor,
            subject=subject,
            body=body,
            attachment=attachment,
            idempotency_key=idempotency_key,
            stored=stored,
        )


def _message_create(*, actor, subject, body, attachment, idempotency_key, stored: StoredFiles) -> ContactMessage:
    professional = selectors.professional_of(actor)
    if professional is None:
        raise PermissionError("only a professional writes from its space")
    if idempotency_key:
        existing = ContactMessage.objects.filter(author=actor.user, idempotency_key=idempotency_key).first()
        if existing is not None:
            return existing
    checked = _checked(attachment)
    message = ContactMessage(
        professional=professional,
        author=actor.user,
        subject=subject.strip(),
        body=body.strip(),
        idempotency_key=idempotency_key or None,
        last_activity_at=timezone.now(),
    )
    if checked is not None:
        message.attachment_original_name, message.attachment_type = checked.original_name, checked.content_type
        message.attachment_size = checked.size
        message.attachment_name = "pending"
    validate_row(message)
    if checked is not None:
        message.attachment_name = stored.add(uploads.store(checked, folder="professionals"))
    with constraint_errors(message):
        message.save()
    data = {"subject": message.subject, "attachment": bool(checked)}
    record(actor=actor.user, action="pro_message.sent", target=message, data=data, profile=actor.kind)
    return message


@transaction.atomic
def message_reply(*, actor: User, message: ContactMessage, body: str, from_staff: bool) -> ContactReply:
    """Add to the thread: an answer of the insurer (the professional is told by email) or a follow-up."""
    message = ContactMessage.objects.select_for_update().select_related("professional").get(pk=message.pk)
    reply = ContactReply(message=message, author=actor, from_staff=from_staff, body=body.strip())
    validate_row(reply)
    reply.save()
    message.status = MessageStatus.ANSWERED if from_staff else MessageStatus.OPEN
    message.last_activity_at = timezone.now()
    message.save(update_fields=["status", "last_activity_at", "updated_at"])
    action = "pro_message.answered" if from_staff else "pro_message.followed_up"
    record(actor=actor, action=action, target=message, data={"reply": str(reply.public_id)})
    if from_staff:
        context = {"subject": message.subject, "answer": reply.body}
        emails.notify(
            message.professional,
            "message_answered",
            context,
            url_name="professionals:message",
            public_id=message.public_id,
        )
    return reply
