"""The back office's work on a claim (SPEC C5, C6, B3): assessment of each item, decision with the guarantee
engine, rejection, originals requested, payment recorded."""

from __future__ import annotations

from collections import Counter
from datetime import datetime
from decimal import Decimal

from dateutil.relativedelta import relativedelta
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from audit.services import record
from claims import conf, engine, selectors
from claims.choices import ClaimAction, ClaimStatus, ItemDecision, RefusalReason, allowed
from claims.models import CareItem, Claim
from claims.services.notify import notify
from contracts.choices import PractitionerSector
from contracts.models import GuaranteeLine
from ledger import claims_hooks  # issue 13: one ledger of benefits (ceilings, duplicates across channels)
from ledger.tariffs import items_flat_fees
from people.models import Person


def _check(claim: Claim, action: str, target: str) -> None:
    if not allowed(claim.status, action, target):
        raise ValidationError(_("This claim can no longer be changed this way."), code="transition")


def _locked(claim: Claim, *related: str) -> Claim:
    """The claim, locked: its lock guards its items too (every change to them takes it first). Only the claim's own
    row is locked, not the rows ``related`` joins."""
    return Claim.objects.select_for_update(of=("self",)).select_related(*related).get(pk=claim.pk)


def _clean(row, fields: list[str]) -> None:
    """The field checks (types, lengths, choices, validators) of the fields a step changes, without a query: the
    step checks its own rules, and the database holds the keys and constraints behind them."""
    row.clean_fields(exclude=[field.name for field in row._meta.fields if field.name not in fields])


ASSESSED = [
    "base_amount",
    "compulsory_paid",
    "practitioner_sector",
    "decision",
    "refusal_reason",
    "staff_comment",
    "reimbursed_amount",
    "explanation",
    "updated_at",
]
DECIDED_ITEM = ["decision", "refusal_reason", "reimbursed_amount", "explanation", "updated_at"]
CLOSED = ["status", "decided_at", "decided_by", "decision_note", "total_reimbursed", "rejection_reason", "updated_at"]
_CHECKED_ON_CLOSING = [name for name in CLOSED if name != "decided_by"]  # the acting login exists


def _assess(
    item: CareItem,
    *,
    base_amount: Decimal,
    compulsory_paid: Decimal,
    decision: str,
    refusal_reason: str = "",
    comment: str = "",
    practitioner_sector: str = "",
) -> dict:
    """Put the assessment on ``item`` and check it; returns what the audit event keeps of it."""
    item.base_amount, item.compulsory_paid = engine.cents(base_amount), engine.cents(compulsory_paid)
    item.practitioner_sector = practitioner_sector or ""
    item.decision = decision
    item.refusal_reason = refusal_reason if decision == ItemDecision.REFUSED else ""
    item.staff_comment = comment.strip()
    if decision == ItemDecision.REFUSED and not item.refusal_reason:
        raise ValidationError({"refusal_reason": _("Give the reason of the refusal.")}, code="reason")
    for name in ("base_amount", "compulsory_paid"):
        if getattr(item, name) < 0:
            raise ValidationError({name: ValidationError(_("Enter an amount of 0 or more."), code="negative")})
    if item.compulsory_paid > item.amount_eur:
        message = _("What others paid cannot exceed the expense (%(amount)s EUR).")
        raise ValidationError(
            {"compulsory_paid": ValidationError(message, code="paid", params={"amount": item.amount_eur})}
        )
    _clean(item, ASSESSED)
    return {
        "decision": decision,
        "reason": item.refusal_reason,
        "base": item.base_amount,
        "compulsory_paid": item.compulsory_paid,
    } | ({"sector": item.practitioner_sector} if item.practitioner_sector else {})


def _frozen(item: CareItem) -> bool:
    """Accepted with an amount: an earlier decision paid it (the claim is examined again after a missing document)."""
    return item.decision == ItemDecision.ACCEPTED and item.reimbursed_amount is not None


def _keep_frozen(item: CareItem, fields: dict) -> None:
    """An item an earlier decision froze (a claim examined again after a missing document) keeps its assessment: the
    ledger and the payment hold it."""
    if not _frozen(item):
        item.reimbursed_amount, item.explanation = None, {}  # a refusal's zero is computed again
        return
    same = (
        fields.get("decision") == item.decision
        and engine.cents(fields.get("base_amount", 0)) == item.base_amount
        and engine.cents(fields.get("compulsory_paid", 0)) == item.compulsory_paid
        and (fields.get("practitioner_sector") or "") == item.practitioner_sector
    )
    if not same:
        message = _("Care %(position)s was decided already: its assessment can no longer change.")
        raise ValidationError(message, code="frozen_item", params={"position": item.position})


@transaction.atomic
def claim_assess(*, actor, claim: Claim, assessments: dict[int, dict]) -> list[CareItem]:
    """Staff enter, for each item (``assessments``: item pk → fields), the official base, what the compulsory
    scheme or the CFE paid, and accept or refuse it: all are saved in one statement, or none; one audit event."""
    claim = _locked(claim)
    if claim.status != ClaimStatus.IN_PROGRESS:
        raise ValidationError(_("This claim is decided: its items can no longer change."), code="decided")
    items = {item.pk: item for item in claim.items.filter(pk__in=list(assessments))}
    if set(assessments) - set(items):
        raise ValidationError(_("This care item is not part of the claim."), code="unknown_item")
    for pk, fields in assessments.items():
        _keep_frozen(items[pk], fields)
    now = timezone.now()
    assessed = {}
    for pk, fields in assessments.items():
        items[pk].updated_at = now
        assessed[items[pk].position] = _assess(items[pk], **fields)
    CareItem.objects.bulk_update(items.values(), ASSESSED)
    data = {"claim": claim.reference, "items": dict(sorted(assessed.items()))}
    record(actor=actor, action="claim.items_assessed", target=claim, data=data, profile="staff")
    return [items[pk] for pk in assessments]


def care_item_assess(*, actor, item: CareItem, **fields) -> CareItem:
    """The assessment of one item (see ``claim_assess``)."""
    return claim_assess(actor=actor, claim=item.claim, assessments={item.pk: fields})[0]


def _guarantee_lines(claim: Claim) -> dict[int, list[GuaranteeLine]]:
    return claims_hooks.dated_lines(claim.contract.product_id)


def compute(claim: Claim, items: list[CareItem]) -> dict[int, engine.Reimbursement]:
    """What each accepted item would be paid now: the engine, in order of care, with the ceilings consumed by
    earlier decided claims of the same beneficiary and by the items before it in this claim (one query for the
    guarantee lines, one for the ceilings of every period the items fall in)."""
    lines = _guarantee_lines(claim)
    anchor = claim.contract.effective_date.year
    results: dict[int, engine.Reimbursement] = claims_hooks.precomputed(claim, items)
    acts = []
    for item in sorted(items, key=lambda i: (i.care_date, i.position)):
        if item.pk in results:
            continue
        line = claims_hooks.line_on(lines, item.category_id, item.care_date)  # issue 13: version of the care date
        if item.decision == ItemDecision.REFUSED or line is None:
            code = "refused" if item.decision == ItemDecision.REFUSED else "no_guarantee"
            results[item.pk] = engine.Reimbursement(engine.ZERO, (engine.Step(code, engine.ZERO),))
            continue
        guarantee = engine.Guarantee.from_line(line, non_optam=item.practitioner_sector == PractitionerSector.NON_OPTAM)
        start, end = engine.ceiling_period(item.care_date, years=guarantee.period_years, anchor_year=anchor)
        acts.append((item, guarantee, (item.category_id, start, end)))
    used = selectors.ceilings_used(
        beneficiary_id=claim.beneficiary_id,
        contract_id=claim.contract_id,
        periods=[period for _item, _guarantee, period in acts],
        exclude_claim_id=claim.pk,
    )
    kept = items_flat_fees(item for item, _guarantee, _period in acts) if acts else []
    for (item, guarantee, (category_id, start, _end)), flat_fee in zip(acts, kept, strict=True):
        key = (category_id, start)
        act = engine.Act(
            expense=item.amount_eur, base=item.base_amount, already_paid=item.compulsory_paid, flat_fee=flat_fee
        )
        results[item.pk] = engine.reimburse(guarantee, act, consumed=used[key])
        used[key] += results[item.pk].amount
    return results


def _decided_status(items: list[CareItem]) -> str:
    decisions = {item.decision for item in items}
    if decisions == {ItemDecision.ACCEPTED}:
        return ClaimStatus.VALIDATED
    if decisions == {ItemDecision.REFUSED}:
        return ClaimStatus.REJECTED
    return ClaimStatus.PARTIALLY_VALIDATED


_FOR_CLOSING = ("contract", "member", "submitted_by")  # the engine's contract, the email's recipient


def _items(claim: Claim) -> list[CareItem]:
    return list(claim.items.select_related("category").order_by("position"))


def _freeze(items: list[CareItem], results: dict[int, engine.Reimbursement]) -> None:
    """Keep each item's amount and explanation, in one statement."""
    now = timezone.now()
    for item in items:
        result = results[item.pk]
        item.reimbursed_amount, item.explanation, item.updated_at = result.amount, result.as_json(), now
        _clean(item, DECIDED_ITEM)
    CareItem.objects.bulk_update(items, DECIDED_ITEM)


@transaction.atomic
def claim_decide(*, actor, claim: Claim, note: str = "") -> Claim:
    """Compute and freeze every item, then validate (all accepted), partly validate, or reject (all refused)."""
    claim = _locked(claim, *_FOR_CLOSING)
    Person.objects.select_for_update().filter(pk=claim.beneficiary_id).first()  # ceilings: one decision at a time
    items = _items(claim)
    if any(item.decision == ItemDecision.PENDING for item in items):
        raise ValidationError(_("Accept or refuse every care item before deciding."), code="pending_items")
    status = _decided_status(items)
    _check(claim, ClaimAction.DECIDE, status)
    # A claim examined again after a missing document (issue 14): what its first decision froze stays, and the
    # ledger already holds those lines; only the items without an amount are computed and recorded now.
    fresh = [item for item in items if not _frozen(item)]
    _freeze(fresh, compute(claim, fresh))
    if status == ClaimStatus.REJECTED:
        claim.rejection_reason = Counter(item.refusal_reason for item in items).most_common(1)[0][0]
    claims_hooks.record_decided(actor=actor, claim=claim, items=fresh)
    return _close(actor=actor, claim=claim, status=status, note=note, items=items)


def _close(*, actor, claim: Claim, status: str, note: str, items: list[CareItem]) -> Claim:
    before = claim.status
    claim.status, claim.decided_at, claim.decided_by = status, timezone.now(), actor
    claim.decision_note = note.strip()
    claim.total_reimbursed = sum((item.reimbursed_amount or engine.ZERO for item in items), engine.ZERO)
    _clean(claim, _CHECKED_ON_CLOSING)
    claim.save(update_fields=CLOSED)
    data = {
        "reference": claim.reference,
        "from": before,
        "to": status,
        "total_reimbursed": claim.total_reimbursed,
        "rejection_reason": claim.rejection_reason,
        "items": {item.position: [item.decision, item.refusal_reason, str(item.reimbursed_amount)] for item in items},
    }
    record(actor=actor, action="claim.decided", target=claim, data=data, profile="staff")
    notify(claim, "claim_decided", items=items)
    return claim


@transaction.atomic
def claim_reject(*, actor, claim: Claim, reason: str, note: str = "") -> Claim:
    """Reject the whole claim for one reason (documents missing, illegible, inappropriate; expired rights…)."""
    claim = _locked(claim, *_FOR_CLOSING)
    _check(claim, ClaimAction.DECIDE, ClaimStatus.REJECTED)
    if reason not in RefusalReason.values:
        raise ValidationError({"reason": _("Choose a reason from the list.")}, code="reason")
    items = _items(claim)
    if any(_frozen(item) for item in items):  # examined again: a part was validated and recorded
        raise ValidationError(
            _("Part of this claim was validated already: refuse the care examined again and decide."), code="frozen"
        )
    refused = engine.Reimbursement(engine.ZERO, (engine.Step("refused", engine.ZERO),))
    for item in items:
        item.decision, item.refusal_reason = ItemDecision.REFUSED, reason
    _freeze(items, dict.fromkeys((item.pk for item in items), refused))
    claim.rejection_reason = reason
    return _close(actor=actor, claim=claim, status=ClaimStatus.REJECTED, note=note, items=items)


@transaction.atomic
def claim_request_originals(*, actor, claim: Claim, note: str) -> Claim:
    """Ask the member for the original bills (within 2 years of the submission); the status does not change."""
    claim = _locked(claim)
    _check(claim, ClaimAction.REQUEST_ORIGINALS, claim.status)
    limit = claim.submitted_at + relativedelta(years=conf.get("CLAIM_ORIGINALS_YEARS"))
    if timezone.now() > limit:
        raise ValidationError(_("The originals can be asked for within 2 years of the claim only."), code="too_late")
    if not note.strip():
        raise ValidationError({"note": _("Say which originals to send and where.")}, code="required")
    claim.originals_requested_at, claim.originals_note = timezone.now(), note.strip()
    claim.full_clean()
    claim.save(update_fields=["originals_requested_at", "originals_note", "updated_at"])
    data = {"reference": claim.reference, "status": claim.status}
    record(actor=actor, action="claim.originals_requested", target=claim, data=data, profile="staff")
    notify(claim, "claim_originals")
    return claim


@transaction.atomic
def claim_mark_paid(*, actor, claim: Claim, paid_at: datetime | None = None) -> Claim:
    """Record that the reimbursement was paid (called by the payment batches); idempotent."""
    claim = _locked(claim)
    if claim.paid_at is not None:
        return claim
    _check(claim, ClaimAction.MARK_PAID, claim.status)
    claim.paid_at = paid_at or timezone.now()
    claim.save(update_fields=["paid_at", "updated_at"])
    record(
        actor=actor,
        action="claim.paid",
        target=claim,
        data={"reference": claim.reference, "amount": claim.total_reimbursed},
    )
    return claim
