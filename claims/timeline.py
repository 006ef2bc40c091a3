"""A claim's life as the member reads it on its page: sent → documents read → examined → decided → paid (issue 14).

Only what is recorded is shown: the claim's own dates, the staff's first assessment in the audit trail and the
reading of its documents. A step done has its date; the first step not done yet is the current one.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from claims import selectors
from claims.choices import ClaimStatus
from claims.models import Claim
from core.money import euros


@dataclass(frozen=True)
class Step:
    label: str
    when: datetime | None = None
    detail: str = ""
    state: str = "todo"  # done, current or todo


def _documents(history: selectors.ClaimHistory) -> list[Step]:
    total = history.documents_read + history.documents_reading
    if not total:
        return []
    if history.documents_reading:
        detail = _("%(read)s of %(total)s read") % {"read": history.documents_read, "total": total}
        return [Step(_("Reading your documents"), detail=detail)]
    label = ngettext("Your document was read", "Your %(count)s documents were read", total) % {"count": total}
    return [Step(label, history.last_read_at, state="done")]


def _decision(claim: Claim, history: selectors.ClaimHistory) -> list[Step]:
    steps = []
    if history.assessed_at:
        steps.append(Step(_("Examined by our management centre"), history.assessed_at, state="done"))
    elif not claim.is_decided:
        steps.append(Step(_("Examination by our management centre")))
    if claim.originals_requested_at:
        steps.append(Step(_("Original documents asked for"), claim.originals_requested_at, state="done"))
    if claim.is_decided:
        label = _("Decided: %(status)s") % {"status": claim.get_status_display()}
        steps.append(Step(label, claim.decided_at, state="done"))
    else:
        steps.append(Step(_("Decision")))
    return steps


def _payment(claim: Claim) -> list[Step]:
    if claim.status == ClaimStatus.REJECTED:
        return []
    if claim.paid_at:
        detail = _("%(amount)s transferred to your account") % {"amount": euros(claim.total_reimbursed)}
        return [Step(_("Paid"), claim.paid_at, detail, state="done")]
    return [Step(_("Payment"))]


def claim_timeline(claim: Claim) -> list[Step]:
    history = selectors.claim_history(claim)
    steps = [Step(_("Claim sent"), claim.submitted_at, state="done")]
    steps += _documents(history) + _decision(claim, history) + _payment(claim)
    done = sorted((step for step in steps if step.state == "done"), key=lambda step: step.when)
    waiting = [step for step in steps if step.state != "done"]
    if waiting:
        waiting[0] = Step(waiting[0].label, waiting[0].when, waiting[0].detail, state="current")
    return done + waiting
