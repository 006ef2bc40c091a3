"""Payment batches (SPEC C6, payment): every payable claim whose subscriber has a current bank account is put in one
SEPA credit-transfer file and marked paid, in one transaction, with its audit event.

Idempotent: the payable claims are locked while the batch is made, and a claim already on a line (a unique
constraint) or already paid is never taken again; with nothing left to pay, no batch is made.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone

from audit.services import record
from benefits import selectors, sepa
from benefits.models import PaymentBatch, PaymentLine
from claims.models import Claim
from claims.services import claim_mark_paid
from claims.services.notify import notify
from core import crypto
from documents.pdf import paris_today

STORAGE_PREFIX = "payments"


@dataclass(frozen=True)
class BatchResult:
    batch: PaymentBatch | None
    blocked: list[selectors.Payable]


def _reference(on: date) -> str:
    return f"VIR-{on:%Y%m%d}-{uuid.uuid4().hex[:8].upper()}"


def _lines(payables: list[selectors.Payable]) -> list[PaymentLine]:
    lines = []
    for payable in payables:
        account, claim = payable.account, payable.claim
        lines.append(
            PaymentLine(
                claim=claim,
                amount=claim.total_reimbursed,
                creditor_name=(account.holder_name or claim.member.full_name)[:70],
                iban="".join(account.iban.split()).upper(),
                iban_last4=account.iban_last4,
                bic=account.bic,
                end_to_end_id=claim.reference,
            )
        )
    return lines


@transaction.atomic
def payment_batch_create(*, actor, execution_date: date | None = None, paid_at: datetime | None = None) -> BatchResult:
    """Pay every payable claim that has an account to be paid to; return the batch (None if nothing was payable)
    and the claims left blocked."""
    list(Claim.objects.select_for_update().filter(pk__in=selectors.payable_claims().values("pk")).values_list("pk"))
    payables = selectors.payables()
    ready = [payable for payable in payables if payable.account is not None]
    blocked = [payable for payable in payables if payable.account is None]
    if not ready:
        return BatchResult(None, blocked)
    execution_date = execution_date or paris_today()
    reference = _reference(execution_date)
    lines = _lines(ready)
    xml = sepa.credit_transfer_xml(reference=reference, execution_date=execution_date, lines=lines)
    batch = PaymentBatch(
        reference=reference,
        execution_date=execution_date,
        count=len(lines),
        total=sum((line.amount for line in lines), Decimal("0.00")),
        created_by=actor,
        stored_name=f"{STORAGE_PREFIX}/{uuid.uuid4().hex}.xml.enc",
    )
    batch.full_clean()
    batch.save()
    for line in lines:
        line.batch = batch
    PaymentLine.objects.bulk_create(lines)
    paid_at = paid_at or timezone.now()
    for payable, line in zip(ready, lines, strict=True):
        claim_mark_paid(actor=actor, claim=payable.claim, paid_at=paid_at)
        _notify_paid(batch, line)
    record(
        actor=actor,
        action="payment_batch.created",
        target=batch,
        data={"reference": reference, "count": batch.count, "total": str(batch.total), "blocked": len(blocked)},
    )
    # Stored last: a failure here undoes the batch; a rolled-back batch leaves no file behind.
    default_storage.save(batch.stored_name, ContentFile(crypto.encrypt(xml)))
    return BatchResult(batch, blocked)


def _notify_paid(batch: PaymentBatch, line: PaymentLine) -> None:
    """The payment receipt (SPEC X3): amount, account and transfer reference, sent after the commit."""
    notify(
        line.claim,
        "claim_paid",
        amount=line.amount,
        iban_last4=line.iban_last4,
        execution_date=batch.execution_date,
        transfer_reference=batch.reference,
    )


def batch_file(*, actor, batch: PaymentBatch) -> bytes:
    """The batch's pain.001 XML, decrypted; every download is recorded (the file holds IBANs)."""
    with default_storage.open(batch.stored_name, "rb") as stored:
        content = crypto.decrypt(stored.read())
    record(actor=actor, action="payment_batch.downloaded", target=batch, data={"reference": batch.reference})
    return content
