"""What the professional space holds about a person, for the privacy app (SPEC G2, G3): the third-party-payment
invoices professionals sent for their care. They are accounting records of the payments to professionals, kept
ten years: never erased here; an invoice still being processed is an open matter."""

from __future__ import annotations

from privacy.hooks import ErasureOutcome, Kept, PrivacyHook, Subject, register
from professionals.choices import InvoiceStatus
from professionals.models import Invoice


def _invoices(person):
    return Invoice.objects.filter(beneficiary=person).select_related("professional")


def export(subject: Subject) -> list | None:
    if subject.person is None:
        return None
    return [
        {
            "professional": invoice.professional.name,
            "invoice_number": invoice.number,
            "date": invoice.care_date,
            "domain": invoice.domain,
            "total_eur": invoice.total_amount,
            "paid_by_us_eur": invoice.accepted_amount,
            "status": invoice.status,
        }
        for invoice in _invoices(subject.person).order_by("care_date", "pk")
    ]


def erase(subject: Subject, *, full: bool, actor=None) -> ErasureOutcome:
    outcome = ErasureOutcome()
    if subject.person is not None and _invoices(subject.person).exists():
        outcome.kept.append(Kept("claims_accounting"))
    return outcome


def open_matters(person) -> list[str]:
    return list(_invoices(person).filter(status=InvoiceStatus.RECEIVED).values_list("number", flat=True))


def audit_targets(subject: Subject) -> list[tuple[str, str]]:
    if subject.person is None:
        return []
    ids = _invoices(subject.person).values_list("public_id", flat=True)
    return [("professionals.invoice", str(public_id)) for public_id in ids]


register(
    PrivacyHook(
        name="tp_invoices", export=export, erase=erase, open_matters=open_matters, audit_targets=audit_targets, order=36
    )
)
