"""What was read, shaped for the claim form and for staff: item fields to pre-fill, typed-vs-read comparison."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from reading.models import Reading

# Below this confidence a field is not proposed to pre-fill the form.
PREFILL_MIN_CONFIDENCE = 0.5
# A claim whose documents disagree with what was typed in this many fields (date, amount, practitioner, over all
# its items) is flagged in the staff queue.
FLAG_THRESHOLD = 2


def _value(fields: dict, name: str):
    found = fields.get(name)
    if found and found.get("confidence", 0) >= PREFILL_MIN_CONFIDENCE:
        return found["value"]
    return None


def item_prefill(reading: Reading) -> dict:
    """The claim item's form fields from a reading (names of ``claims.forms.ItemForm``); missing ones left out."""
    fields = reading.fields
    practitioner = " ".join(str(v) for v in (_value(fields, "practitioner"), _value(fields, "specialty")) if v)
    ident = _value(fields, "rpps") or _value(fields, "adeli") or _value(fields, "finess")
    if ident and practitioner:
        practitioner = f"{practitioner} ({ident})"
    out = {
        "care_date": _value(fields, "care_date"),
        "amount": _value(fields, "total"),
        "currency": _value(fields, "currency"),
        "category": _value(fields, "act"),
        "practitioner": practitioner or ident,
        "compulsory_paid": _value(fields, "compulsory_paid"),
    }
    return {k: v for k, v in out.items() if v}


def _same_amount(typed, read) -> bool:
    try:
        return abs(Decimal(str(typed)) - Decimal(str(read))) < Decimal("0.01")
    except (InvalidOperation, TypeError):
        return False


def cross_check(item, readings: list[Reading]) -> list[dict]:
    """Per field, what the member typed beside what was read, and whether they differ (staff review)."""
    read: dict = {}
    for reading in readings:
        for name, found in reading.fields.items():
            if name not in read or found["confidence"] > read[name]["confidence"]:
                read[name] = found
    rows = []
    if "care_date" in read:
        typed = item.care_date.isoformat()
        rows.append({"field": "care_date", "typed": typed, "read": read["care_date"]["value"],
                     "mismatch": typed != read["care_date"]["value"]})  # fmt: skip
    if "total" in read:
        rows.append({"field": "amount", "typed": str(item.amount), "read": read["total"]["value"],
                     "mismatch": not _same_amount(item.amount, read["total"]["value"])})  # fmt: skip
    ident = read.get("rpps") or read.get("adeli") or read.get("finess")
    if ident:
        rows.append({"field": "practitioner", "typed": item.practitioner, "read": ident["value"],
                     "mismatch": ident["value"] not in (item.practitioner or "").replace(" ", "")})  # fmt: skip
    return rows
