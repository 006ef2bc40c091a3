"""Reads of the reading app: a member sees only the readings of their own profile."""

from __future__ import annotations

from django.http import Http404

from reading.models import Reading


def reading_get(*, actor, public_id) -> Reading:
    """The reading if it belongs to ``actor`` (a profile); 404 otherwise, as for one that does not exist."""
    found = Reading.objects.filter(profile=actor, public_id=public_id).first()
    if found is None:
        raise Http404
    return found


def readings_by_item(claim_id) -> dict[int, list[Reading]]:
    """What was read from the documents of a claim, by care item (one query for the whole claim)."""
    found: dict[int, list[Reading]] = {}
    rows = Reading.objects.filter(document__item__claim_id=claim_id, status="done").select_related("document")
    for reading in rows.order_by("pk"):
        found.setdefault(reading.document.item_id, []).append(reading)
    return found


def directory_match(fields: dict):
    """The professional of the directory whose RPPS, ADELI or FINESS was read (with a valid key), if any."""
    from providers.models import HealthProfessional

    for key in ("rpps", "finess", "adeli"):
        found = fields.get(key)
        if found and (found.get("checked") or key == "adeli"):
            match = HealthProfessional.objects.filter(**{key: found["value"]}).first()
            if match:
                return match
    return None


def mismatched_claims(claim_ids: list[int]) -> set[int]:
    """Of these claims, those where what was read differs from what was typed in ``FLAG_THRESHOLD`` fields or more
    (over all their items): one query for the whole page."""
    from reading.presenters import FLAG_THRESHOLD, cross_check

    by_item: dict = {}
    readings = Reading.objects.filter(document__item__claim_id__in=claim_ids, status="done").select_related(
        "document__item"
    )
    for reading in readings.order_by("pk"):
        by_item.setdefault(reading.document.item, []).append(reading)
    counts: dict[int, int] = {}
    for item, found in by_item.items():
        counts[item.claim_id] = counts.get(item.claim_id, 0) + sum(row["mismatch"] for row in cross_check(item, found))
    return {claim_id for claim_id, count in counts.items() if count >= FLAG_THRESHOLD}
