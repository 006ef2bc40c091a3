"""What the claims decision asks the ledger (two calls from ``claims.services.decisions``, kept apart to merge
easily): the items already paid through another channel, and the lines of the decided claim."""

from __future__ import annotations

from datetime import date

from claims import engine
from claims.choices import ItemDecision
from contracts.models import GuaranteeLine
from core.dated import version_on
from ledger import guarantees, selectors, services
from ledger.choices import Channel


def precomputed(claim, items) -> dict[int, engine.Reimbursement]:
    """item pk → a zero result for items not assessed yet (no base or compulsory share: nothing is assumed) and
    for accepted items whose act (date, category, expense) another channel paid."""
    results = {
        item.pk: engine.Reimbursement(engine.ZERO, (engine.Step("not_assessed", engine.ZERO),))
        for item in items
        if item.decision != ItemDecision.REFUSED and (item.base_amount is None or item.compulsory_paid is None)
    }
    return {**results, **duplicates(claim, [item for item in items if item.pk not in results])}


def duplicates(claim, items) -> dict[int, engine.Reimbursement]:
    """item pk → a zero result for accepted items whose act (date, category, expense) another channel paid."""
    accepted = [item for item in items if item.decision == ItemDecision.ACCEPTED]
    keys = {item.pk: (item.care_date, item.category_id, engine.cents(item.amount_eur)) for item in accepted}
    found = selectors.paid_acts(
        beneficiary_id=claim.beneficiary_id, acts=keys.values(), exclude_channel=Channel.ONLINE_CLAIM
    )
    return {pk: guarantees.duplicate_result(found[key]) for pk, key in keys.items() if key in found}


def paid_elsewhere(beneficiary_id, items) -> list[tuple]:
    """(item, ledger line) for the items (saved or not: a submission) whose act another channel than online claims
    already paid (the scheme's flow, a third-party-payment invoice, a correction): one query for all of them."""
    keys = [(item, (item.care_date, item.category_id, engine.cents(item.amount_eur))) for item in items]
    found = selectors.paid_acts(
        beneficiary_id=beneficiary_id, acts=[key for _item, key in keys], exclude_channel=Channel.ONLINE_CLAIM
    )
    return [(item, found[key]) for item, key in keys if key in found]


def dated_lines(product_id: int) -> dict[int, list[GuaranteeLine]]:
    """Every version of the product's guarantee lines, by category (one query)."""
    found: dict[int, list[GuaranteeLine]] = {}
    for line in GuaranteeLine.objects.filter(product_id=product_id).order_by("valid_from"):
        found.setdefault(line.category_id, []).append(line)
    return found


def line_on(lines: dict[int, list[GuaranteeLine]], category_id: int, on: date) -> GuaranteeLine | None:
    """The version in force on the care date."""
    return version_on(lines.get(category_id, ()), on)


def record_decided(*, actor, claim, items) -> None:
    services.record_claim(actor=actor, claim=claim, items=items)
