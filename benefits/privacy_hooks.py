"""What the payments hold about a person, for the privacy app (SPEC G2, G3): the transfers of reimbursements, with
the account masked. Payments are accounting records kept ten years: never erased here."""

from __future__ import annotations

from django.db.models import Q

from benefits.models import PaymentLine
from privacy.hooks import ErasureOutcome, Kept, PrivacyHook, Subject, register


def _lines(subject: Subject):
    """The transfers of the person's claims and of their family's automatic reimbursements (scheme flow)."""
    mine = Q(claim__member=subject.person) | Q(member=subject.person)
    return PaymentLine.objects.filter(mine).select_related("batch", "claim")


def export(subject: Subject) -> list | None:
    if subject.person is None:
        return None
    return [
        {
            "claim_reference": line.claim.reference if line.claim else "",
            "transfer_reference": line.end_to_end_id,
            "execution_date": line.batch.execution_date,
            "amount_eur": line.amount,
            "account": f"•••• {line.iban_last4}",
        }
        for line in _lines(subject).order_by("batch__execution_date", "pk")
    ]


def erase(subject: Subject, *, full: bool, actor=None) -> ErasureOutcome:
    outcome = ErasureOutcome()
    if subject.person is not None and _lines(subject).exists():
        outcome.kept.append(Kept("payments"))
    return outcome


register(PrivacyHook(name="payments", export=export, erase=erase, order=35))
