"""A claim's life as the member reads it on its page: sent → documents read → examined → decided → paid (issue 14).

Only what is recorded is shown: the claim's own dates, the staff's first assessment and the missing documents the
member added in the audit trail, and the reading of its documents. A step done has its date; the first step not done
yet is the current one. The decision and the payment to come carry the date they are expected by, in working days
(``core.workdays``: weekends and French public holidays do not count): ``CLAIM_DECISION_WORKING_DAYS`` after the
claim became complete (its submission, or the last missing document added), ``CLAIM_PAYMENT_WORKING_DAYS`` after the
decision (or after the expected decision while there is none).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from claims import conf, selectors
from claims.choices import ClaimStatus
from claims.models import Claim
from core.money import euros
from core.workdays import add_working_days


@dataclass(frozen=True)
class Step:
    label: str
    when: datetime | None = None
    detail: str = ""
    state: str = "todo"  # done, current or todo
    expected: date | None = None  # a step to come: the date it is expected by

    @property
    def late(self) -> bool:
        return self.expected is not None and self.expected < timezone.localdate()


@dataclass(frozen=True)
class Expected:
    decision: date | None
    payment: date | None


def expected_dates(claim: Claim, history: selectors.ClaimHistory) -> Expected:
    """When the decision and the payment are expected (None once done, or no payment for a rejected claim)."""
    complete = max((claim.submitted_at, *history.documents_added))
    decision = None
    if not claim.is_decided:
        decision = add_working_days(timezone.localdate(complete), conf.get("CLAIM_DECISION_WORKING_DAYS"))
    payment = None
    if claim.status != ClaimStatus.REJECTED and not claim.paid_at:
        decided_on = timezone.localdate(claim.decided_at) if claim.decided_at else decision
        payment = add_working_days(decided_on, conf.get("CLAIM_PAYMENT_WORKING_DAYS"))
    return Expected(decision, payment)


def _documents(history: selectors.ClaimHistory) -> list[Step]:
    total = history.documents_read + history.documents_reading
    if not total:
        return []
    if history.documents_reading:
        detail = _("%(read)s of %(total)s read") % {"read": history.documents_read, "total": total}
        return [Step(_("Reading your documents"), detail=detail)]
    label = ngettext("Your document was read", "Your %(count)s documents were read", total) % {"count": total}
    return [Step(label, history.last_read_at, state="done")]


def _decision(claim: Claim, history: selectors.ClaimHistory, expected: Expected) -> list[Step]:
    steps = [Step(_("Missing document sent"), when, state="done") for when in history.documents_added]
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
        steps.append(Step(_("Decision"), expected=expected.decision))
    return steps


def _payment(claim: Claim, expected: Expected) -> list[Step]:
    if claim.status == ClaimStatus.REJECTED:
        return []
    if claim.paid_at:
        detail = _("%(amount)s transferred to your account") % {"amount": euros(claim.total_reimbursed)}
        return [Step(_("Paid"), claim.paid_at, detail, state="done")]
    return [Step(_("Payment"), expected=expected.payment)]


def claim_timeline(claim: Claim) -> list[Step]:
    history = selectors.claim_history(claim)
    steps = [Step(_("Claim sent"), claim.submitted_at, state="done")]
    expected = expected_dates(claim, history)
    steps += _documents(history) + _decision(claim, history, expected) + _payment(claim, expected)
    done = sorted((step for step in steps if step.state == "done"), key=lambda step: step.when)
    waiting = [step for step in steps if step.state != "done"]
    if waiting:
        first = waiting[0]
        waiting[0] = Step(first.label, first.when, first.detail, state="current", expected=first.expected)
    return done + waiting


def delays() -> dict[str, int]:
    """The announced delays, in working days, for the sentence under the timeline."""
    return {"decision": conf.get("CLAIM_DECISION_WORKING_DAYS"), "payment": conf.get("CLAIM_PAYMENT_WORKING_DAYS")}
