"""The emails of a claim's life in the member's language (SPEC C5, X3): written to the outbox in the transaction
that decides them, sent by a task after the commit."""

from __future__ import annotations

from django.conf import settings
from django.urls import reverse

from claims.choices import ClaimStatus, RefusalReason
from claims.models import Claim
from core.mail import send_templated_email


def _recipient(claim: Claim) -> tuple[str, str, str]:
    user = claim.submitted_by
    return user.email or claim.member.email, user.language, claim.member.first_name


def notify(claim: Claim, template: str, **extra) -> None:
    """The email ``template`` about ``claim`` to the login that sent it; ``extra`` adds to the context."""
    email, language, first_name = _recipient(claim)
    if not email:
        return
    context = {
        "first_name": first_name,
        "reference": claim.reference,
        "status": claim.status,
        "status_label": ClaimStatus(claim.status).label,
        "reason_label": RefusalReason(claim.rejection_reason).label if claim.rejection_reason else "",
        "items": claim.items.select_related("category").order_by("position"),  # read only by templates that list them
        "total_claimed": claim.total_claimed,
        "total_reimbursed": claim.total_reimbursed,
        "note": claim.originals_note if template == "claim_originals" else claim.decision_note,
        "url": settings.PORTAL_URL + reverse("claims:detail", args=[claim.public_id]),
        **extra,
    }
    _send(email, language, f"claims/emails/{template}", context)


def _send(email: str, language: str, template: str, context: dict) -> None:
    send_templated_email(to=[email], template=template, context=context, language=language)


def notify_person(person, template: str, context: dict) -> None:
    """An email to the logins acting for ``person`` as a member (suspension, restoration of the service)."""
    from accounts.choices import ProfileKind
    from accounts.models import User

    users = User.objects.filter(profiles__person=person, profiles__kind=ProfileKind.MEMBER, is_active=True).distinct()
    recipients = [(u.email, u.language) for u in users if u.email] or ([(person.email, "fr")] if person.email else [])
    context = {"first_name": person.first_name, **context}
    for email, language in recipients:
        _send(email, language, f"claims/emails/{template}", context)
