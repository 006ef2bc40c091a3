"""The compulsory scheme's share of a care act from the base tariffs (issue 13): what staff see by default on an
item, and the base an invoice without one is paid on."""

from __future__ import annotations

from decimal import Decimal

from contracts.selectors import category_tariffs, tariff_on
from core.dated import version_on


def shares(*, act_code: str, category_id: int | None, on, expense: Decimal):
    """(tariff, base, compulsory share) of an act from the tariff in force on ``on``, or None without a tariff."""
    tariff = tariff_on(on=on, act_code=act_code, category_id=category_id)
    if tariff is None:
        return None
    base, share = tariff.shares(expense)
    return tariff, base, share


def items_tariffs(items) -> dict[int, tuple | None]:
    """The tariff values of each care item of a claim (its category's default act on its care date): item pk →
    (tariff, base, compulsory share) or None, in one query for the whole claim."""
    items = list(items)
    by_category = category_tariffs(item.category_id for item in items)
    found = {}
    for item in items:
        tariff = version_on(by_category.get(item.category_id, ()), item.care_date)
        found[item.pk] = None if tariff is None else (tariff, *tariff.shares(item.amount_eur))
    return found
