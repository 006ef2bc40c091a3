"""A third-party-payment invoice through the guarantee engine (issue 13): the professional is paid what the
member's guarantee allows for the care, the ceiling is consumed, and the excess is refused with its reason.

Two calls from ``professionals.services.invoice_decide``: ``guaranteed`` caps the decision, ``record_decided``
writes the ledger line in the same transaction.
"""

from __future__ import annotations

from decimal import Decimal

from claims import engine
from ledger import guarantees, services, tariffs
from ledger.choices import Channel
from people.models import Person
from professionals.choices import PAYABLE, InvoiceStatus, RejectionReason

ZERO = Decimal("0.00")


def base_of(invoice, category=None) -> Decimal:
    """The base of reimbursement of the invoice: the one sent, else the base tariff of its act (or category),
    else what the compulsory scheme paid (never more than the base: a missing base never pays more)."""
    return _base_and_flat_fee(invoice, category)[0]


def _base_and_flat_fee(invoice, category=None) -> tuple[Decimal, Decimal]:
    """``base_of`` and the flat fee the compulsory scheme kept on the invoice's act (``BaseTariff.flat_fee_kept``),
    from the tariff of its act or category (one query)."""
    tariff = tariffs.tariff_on(
        on=invoice.care_date, act_code=invoice.act_code, category_id=getattr(category, "pk", None)
    )
    if invoice.base_amount is not None:
        base = invoice.base_amount
    elif tariff is not None:
        base = tariff.shares(invoice.total_amount)[0]
    else:
        base = invoice.compulsory_amount
    if tariff is None:
        return base, ZERO
    kept = tariff.flat_fee_kept(expense=invoice.total_amount, base=base, paid=invoice.compulsory_amount)
    return base, kept


def guaranteed(invoice, status: str, amount: Decimal, reason: str) -> tuple[str, Decimal, str]:
    """The decision capped by the guarantee: (status, amount accepted, reason); keeps the computation on the
    invoice (``invoice.explanation``) for the professional and the staff."""
    if status not in PAYABLE:
        invoice.explanation = {}
        return status, amount, reason
    Person.objects.select_for_update().filter(pk=invoice.beneficiary_id).first()  # ceilings: one at a time
    category = invoice.category or guarantees.category_for(invoice.domain)
    if category is None:
        invoice.explanation = guarantees.no_guarantee_result().as_json()
        return InvoiceStatus.REJECTED, ZERO, RejectionReason.NOT_COVERED
    base, kept = _base_and_flat_fee(invoice, category)
    act = engine.Act(expense=invoice.total_amount, base=base, already_paid=invoice.compulsory_amount, flat_fee=kept)
    assessment = guarantees.assess(
        beneficiary_id=invoice.beneficiary_id,
        category=category,
        care_date=invoice.care_date,
        act=act,
        channel=Channel.TP_INVOICE,
    )
    invoice.explanation = assessment.result.as_json()
    invoice._ledger = (assessment.contract, category)
    allowed = assessment.result.amount
    if assessment.contract is None:
        return InvoiceStatus.REJECTED, ZERO, RejectionReason.NO_RIGHTS
    if allowed >= amount:
        return status, amount, reason
    if allowed <= ZERO:
        if assessment.duplicate:
            return InvoiceStatus.REJECTED, ZERO, RejectionReason.DUPLICATE
        if assessment.line is None:
            return InvoiceStatus.REJECTED, ZERO, RejectionReason.NOT_COVERED
        return InvoiceStatus.REJECTED, ZERO, RejectionReason.ABOVE_GUARANTEE
    return InvoiceStatus.PARTIALLY_ACCEPTED, allowed, reason or RejectionReason.ABOVE_GUARANTEE


def record_decided(*, actor, invoice) -> None:
    """The ledger line of an accepted (wholly or partly) invoice."""
    if invoice.status not in PAYABLE or not hasattr(invoice, "_ledger"):
        return
    contract, category = invoice._ledger
    services.record_invoice(
        actor=actor,
        invoice=invoice,
        contract=contract,
        category=category,
        base_amount=base_of(invoice, category),
        explanation=invoice.explanation,
    )
