"""Payment batches (SPEC C6, payment): every payable claim, and every automatic reimbursement of the compulsory
scheme's flow queued in the benefits ledger (issue 13), whose subscriber has a current bank account is put in one
SEPA credit-transfer file and marked paid, in one transaction, with its audit events.

Idempotent: the payable claims and the queued ledger lines are locked while the batch is made, and a claim or a
ledger line already on a line (unique constraints) or already paid is never taken again; with nothing left to pay,
no batch is made.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from audit.services import record
from benefits import selectors, sepa
from benefits.models import PaidBenefitLine, PaymentBatch, PaymentLine
from claims.models import Claim
from claims.services import claim_mark_paid
from claims.services.notify import notify, notify_person
from core import crypto
from documents.pdf import paris_today
from ledger import services as ledger_services

STORAGE_PREFIX = "payments"


@dataclass(frozen=True)
class BatchResult:
    batch: PaymentBatch | None
    blocked: list[selectors.Payable]
    blocked_flows: list[selectors.FlowPayable] = field(default_factory=list)


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


def _flow_lines(flows: list[selectors.FlowPayable], reference: str) -> list[PaymentLine]:
    """One transfer per subscriber for the automatic reimbursements of their family; the end-to-end identifier
    names the batch and the transfer (``AUTO-20261207-1A2B3C4D-0001``)."""
    return [
        PaymentLine(
            member=flow.member,
            amount=flow.amount,
            creditor_name=(flow.account.holder_name or flow.member.full_name)[:70],
            iban="".join(flow.account.iban.split()).upper(),
            iban_last4=flow.account.iban_last4,
            bic=flow.account.bic,
            end_to_end_id=f"AUTO-{reference.removeprefix('VIR-')}-{number:04d}",
        )
        for number, flow in enumerate(flows, start=1)
    ]


@transaction.atomic
def payment_batch_create(*, actor, execution_date: date | None = None, paid_at: datetime | None = None) -> BatchResult:
    """Pay every payable claim and every queued automatic reimbursement that has an account to be paid to; return
    the batch (None if nothing was payable) and what is left blocked."""
    list(Claim.objects.select_for_update().filter(pk__in=selectors.payable_claims().values("pk")).values_list("pk"))
    payables = selectors.payables()
    flows = selectors.flow_payables(lock=True)
    ready = [payable for payable in payables if payable.account is not None]
    ready_flows = [flow for flow in flows if flow.account is not None]
    blocked = [payable for payable in payables if payable.account is None]
    blocked_flows = [flow for flow in flows if flow.account is None]
    if not ready and not ready_flows:
        return BatchResult(None, blocked, blocked_flows)
    execution_date = execution_date or paris_today()
    reference = _reference(execution_date)
    lines = _lines(ready) + _flow_lines(ready_flows, reference)
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
    for payable, line in zip(ready, lines, strict=False):
        claim_mark_paid(actor=actor, claim=payable.claim, paid_at=paid_at)
        _notify_paid(batch, line)
    _pay_flows(actor, batch, ready_flows, lines[len(ready) :], paid_at)
    record(
        actor=actor,
        action="payment_batch.created",
        target=batch,
        data={
            "reference": reference,
            "count": batch.count,
            "total": str(batch.total),
            "claims": len(ready),
            "automatic": len(ready_flows),
            "blocked": len(blocked) + len(blocked_flows),
        },
    )
    # Stored last: a failure here undoes the batch; a rolled-back batch leaves no file behind.
    default_storage.save(batch.stored_name, ContentFile(crypto.encrypt(xml)))
    return BatchResult(batch, blocked, blocked_flows)


def _pay_flows(actor, batch, flows: list[selectors.FlowPayable], lines: list[PaymentLine], paid_at) -> None:
    """The ledger lines each automatic transfer pays (unique: a ledger line is paid once), then marked paid."""
    if not flows:
        return
    PaidBenefitLine.objects.bulk_create(
        [
            PaidBenefitLine(payment_line=line, benefit_line=benefit)
            for flow, line in zip(flows, lines, strict=True)
            for benefit in flow.lines
        ]
    )
    ledger_services.flow_lines_paid(
        actor=actor, lines=[benefit for flow in flows for benefit in flow.lines], paid_at=paid_at, batch=batch
    )
    url = settings.PORTAL_URL + reverse("benefits:feed")
    for flow, line in zip(flows, lines, strict=True):
        context = {
            "count": len(flow.lines),
            "amount": line.amount,
            "iban_last4": line.iban_last4,
            "execution_date": batch.execution_date,
            "transfer_reference": line.end_to_end_id,
            "url": url,
        }
        notify_person(flow.member, "automatic_paid", context)  # the payment receipt, as for a claim (SPEC X3)


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
