"""``{% typed_vs_read item %}``: on the staff review, what the member typed beside what was read from the bills."""

from __future__ import annotations

from django import template

from reading import presenters, selectors

register = template.Library()


@register.inclusion_tag("reading/_typed_vs_read.html")
def typed_vs_read(item) -> dict:
    readings = selectors.readings_of_item(item)
    rows = presenters.cross_check(item, readings) if readings else []
    return {"rows": rows, "mismatches": sum(row["mismatch"] for row in rows)}


@register.simple_tag
def read_mismatches(claims) -> set[int]:
    """The claims of a queue page whose items differ from their documents in ``FLAG_THRESHOLD`` fields or more."""
    return selectors.mismatched_claims([claim.pk for claim in claims])
