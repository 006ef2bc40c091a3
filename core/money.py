"""Amounts in euros as the reader's language writes them: "55 300,00 €" in French, "€55,300.00" in English."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django.utils.numberformat import format as number_format
from django.utils.translation import get_language

NBSP = "\u00a0"


def euros(value) -> str:
    """``value`` (a Decimal, a number or its text) grouped by thousands with two decimals and the euro sign."""
    if value is None or value == "":
        return ""
    try:
        amount = Decimal(str(value)).quantize(Decimal("0.01"))
    except InvalidOperation:
        return str(value)
    language = get_language() or "fr"
    if language.startswith("en"):
        text = number_format(abs(amount), ".", 2, 3, ",", force_grouping=True)
        return f"-€{text}" if amount < 0 else f"€{text}"
    text = number_format(amount, ",", 2, 3, NBSP, force_grouping=True)
    return f"{text}{NBSP}€"
