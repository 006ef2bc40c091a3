"""Demo records of the privacy app: the demo member's access request, filed 26 days ago, near its deadline (B7)."""

from __future__ import annotations

from datetime import timedelta

from accounts.choices import ProfileKind
from accounts.models import Profile
from demo.members import holder_number
from people.selectors import current_bank_account
from privacy.choices import IdentityMethod, RightKind
from privacy.models import PrivacyRequest
from privacy.services import Filing, request_submit

AGE_DAYS = 26


def build(ctx) -> None:
    profile = (
        Profile.objects.filter(kind=ProfileKind.MEMBER, person__membership_number=holder_number(0), is_active=True)
        .select_related("user", "person")
        .first()
    )
    if profile is None or PrivacyRequest.objects.filter(user=profile.user).exists():
        return
    account = current_bank_account(profile.person)
    if account is None:
        return
    filing = Filing(
        kind=RightKind.ACCESS,
        method=IdentityMethod.IBAN_DIGITS,
        details="Je souhaite connaître les données de santé que vous conservez sur ma famille et leurs destinataires.",
        membership_number=profile.person.membership_number,
        iban_last4=account.iban_last4,
        idempotency_key="demo-access-request",
    )
    request_submit(actor=profile.user, profile=profile, filing=filing, received_on=ctx.today - timedelta(days=AGE_DAYS))
    ctx.stats["privacy requests"] += 1
