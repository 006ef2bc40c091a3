"""Demo records of the privacy app: the demo member's access request, filed 26 days ago, near its deadline (B7)."""

from __future__ import annotations

from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from accounts.choices import ProfileKind
from accounts.models import Profile
from audit.services import record
from demo.members import holder_number
from privacy.choices import IdentityMethod, RequestStatus, RightKind
from privacy.models import PrivacyRequest, PrivacyRequestEvent, PrivacyRequestSequence
from privacy.services import due_date

AGE_DAYS = 26


@transaction.atomic
def build(ctx) -> None:
    profile = (
        Profile.objects.filter(kind=ProfileKind.MEMBER, person__membership_number=holder_number(0), is_active=True)
        .select_related("user", "person")
        .first()
    )
    if profile is None or PrivacyRequest.objects.filter(user=profile.user).exists():
        return
    received_on = ctx.today - timedelta(days=AGE_DAYS)
    request = PrivacyRequest.objects.create(
        reference=f"DPR-{received_on.year}-{PrivacyRequestSequence.take_next(received_on.year):06d}",
        kind=RightKind.ACCESS,
        user=profile.user,
        profile=profile,
        person=profile.person,
        details="Je souhaite connaître les données de santé que vous conservez sur ma famille et leurs destinataires.",
        language=profile.user.language,
        status=RequestStatus.IN_PROGRESS,
        identity_method=IdentityMethod.IBAN_DIGITS,
        identity_verified_at=timezone.now() - timedelta(days=AGE_DAYS),
        received_on=received_on,
        due_on=due_date(received_on),
        idempotency_key="demo-access-request",
    )
    PrivacyRequestEvent.objects.create(request=request, actor=profile.user, to_status=RequestStatus.RECEIVED)
    PrivacyRequestEvent.objects.create(
        request=request, actor=profile.user, from_status=RequestStatus.RECEIVED, to_status=RequestStatus.IN_PROGRESS
    )
    record(actor=profile.user, action="privacy_request.submitted", target=request, data={"kind": request.kind})
    ctx.stats["privacy requests"] += 1
