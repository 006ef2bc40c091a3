"""Suspension and restoration of a member's access to the online claims service (SPEC C7, seed 002 art. 5).

While suspended, the member's submissions are refused with the explanation given here; claims already in
progress stay with the back office, which rejects them (seed 002: "systematic rejection").
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from audit.services import record
from claims.choices import SuspensionReason
from claims.models import ClaimsSuspension
from claims.services.notify import notify_person


def claims_suspend(*, actor, person, reason: str, explanation: str) -> ClaimsSuspension:
    """Suspend ``person``'s access to the online claims; refused when it is already suspended."""
    if reason not in SuspensionReason.values:
        raise ValidationError({"reason": _("Choose a reason from the list.")}, code="reason")
    suspension = ClaimsSuspension(
        person=person,
        reason=reason,
        explanation=explanation.strip(),
        starts_at=timezone.now(),
        suspended_by=actor,
    )
    suspension.full_clean()
    try:
        with transaction.atomic():
            suspension.save()
            record(
                actor=actor,
                action="claims.service_suspended",
                target=person,
                data={"reason": reason, "suspension": suspension.public_id},
                profile="staff",
            )
            notify_person(person, "service_suspended", {"explanation": suspension.explanation})
    except IntegrityError:
        raise ValidationError(_("This member's claims service is already suspended."), code="suspended") from None
    return suspension


@transaction.atomic
def claims_restore(*, actor, suspension: ClaimsSuspension, note: str = "") -> ClaimsSuspension:
    """Give the member back their access to the online claims."""
    suspension = ClaimsSuspension.objects.select_for_update().get(pk=suspension.pk)
    if suspension.lifted_at is not None:
        raise ValidationError(_("This suspension is already lifted."), code="lifted")
    suspension.lifted_at, suspension.lifted_by, suspension.lift_note = timezone.now(), actor, note.strip()
    suspension.full_clean()
    suspension.save()
    record(
        actor=actor,
        action="claims.service_restored",
        target=suspension.person,
        data={"suspension": suspension.public_id},
        profile="staff",
    )
    notify_person(suspension.person, "service_restored", {})
    return suspension
