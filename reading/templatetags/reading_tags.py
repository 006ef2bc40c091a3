"""``{% typed_vs_read item %}``: on the staff review, what the member typed beside what was read from the bills."""

from __future__ import annotations

from django import template

from reading import presenters, selectors

register = template.Library()
_READINGS = "reading.readings_by_item"


@register.inclusion_tag("reading/_typed_vs_read.html", takes_context=True)
def typed_vs_read(context, item) -> dict:
    """The readings of the whole claim are fetched once per page (kept in the render context), not once per item."""
    by_item = context.render_context.get(_READINGS)
    if by_item is None or by_item[0] != item.claim_id:
        by_item = context.render_context[_READINGS] = (item.claim_id, selectors.readings_by_item(item.claim_id))
    readings = by_item[1].get(item.pk, [])
    rows = presenters.cross_check(item, readings) if readings else []
    return {"rows": rows, "mismatches": sum(row["mismatch"] for row in rows)}


@register.simple_tag
def read_mismatches(claims) -> set[int]:
    """The claims of a queue page whose items differ from their documents in ``FLAG_THRESHOLD`` fields or more."""
    return selectors.mismatched_claims([claim.pk for claim in claims])
