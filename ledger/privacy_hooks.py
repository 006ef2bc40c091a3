"""What the benefits ledger holds about a person, for the privacy app (SPEC G2, G3): every reimbursement of their
care, whatever the channel. Amounts paid are accounting records: kept on erasure (10 years)."""

from __future__ import annotations

from ledger.models import BenefitLine
from privacy.hooks import ErasureOutcome, Kept, PrivacyHook, Subject, register


def _lines(person):
    return BenefitLine.objects.filter(beneficiary=person).select_related("category").order_by("care_date", "pk")


def export(subject: Subject) -> list | None:
    if subject.person is None:
        return None
    return [
        {
            "care_date": line.care_date,
            "category": line.category.code,
            "act_code": line.act_code,
            "channel": line.channel,
            "reference": line.reference,
            "expense_eur": line.expense,
            "base_eur": line.base_amount,
            "compulsory_scheme_paid_eur": line.compulsory_paid,
            "paid_by_us_eur": line.paid_amount,
        }
        for line in _lines(subject.person)
    ]


def erase(subject: Subject, *, full: bool, actor=None) -> ErasureOutcome:
    outcome = ErasureOutcome()
    if subject.person is not None and _lines(subject.person).exists():
        outcome.kept.append(Kept("claims_accounting"))
    return outcome


register(PrivacyHook(name="ledger", export=export, erase=erase, order=31))
