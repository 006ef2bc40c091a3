"""The compulsory scheme's share of a care act from the base tariffs (issue 13): what staff see by default on an
item, and the base an invoice without one is paid on."""

from __future__ import annotations

from decimal import Decimal

from contracts.selectors import tariff_on


def shares(*, act_code: str, category_id: int | None, on, expense: Decimal):
    """(tariff, base, compulsory share) of an act from the tariff in force on ``on``, or None without a tariff."""
    tariff = tariff_on(on=on, act_code=act_code, category_id=category_id)
    if tariff is None:
        return None
    base, share = tariff.shares(expense)
    return tariff, base, share


def item_tariff(item):
    """The tariff's values for a claim's care item (the category's default act)."""
    return shares(act_code="", category_id=item.category_id, on=item.care_date, expense=item.amount_eur)
