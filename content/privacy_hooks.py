"""What the content app holds about a login, for the privacy app (SPEC A4, G2): which terms it accepted, when.
That is proof of acceptance and is kept."""

from __future__ import annotations

from content.models import TermsAcceptance
from privacy.hooks import ErasureOutcome, Kept, PrivacyHook, Subject, register


def export(subject: Subject) -> list:
    if subject.user is None:
        return []
    rows = TermsAcceptance.objects.filter(user=subject.user).select_related("terms").order_by("accepted_at")
    return [{"terms_version": row.terms.version, "accepted_at": row.accepted_at} for row in rows]


def erase(subject: Subject, *, full: bool, actor=None) -> ErasureOutcome:
    outcome = ErasureOutcome()
    if subject.user is not None and TermsAcceptance.objects.filter(user=subject.user).exists():
        outcome.kept.append(Kept("terms_acceptances"))
    return outcome


register(PrivacyHook(name="terms_accepted", export=export, erase=erase, order=70))
