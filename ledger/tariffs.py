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


def _by_item(items):
    """(item, its category's default tariff on its care date or None) for each care item, in one query."""
    items = list(items)
    by_category = category_tariffs(item.category_id for item in items)
    return [(item, version_on(by_category.get(item.category_id, ()), item.care_date)) for item in items]


def items_tariffs(items) -> dict[int, tuple | None]:
    """The tariff values of each care item of a claim (its category's default act on its care date): item pk →
    (tariff, base, compulsory share) or None, in one query for the whole claim."""
    return {item.pk: None if t is None else (t, *t.shares(item.amount_eur)) for item, t in _by_item(items)}


def items_flat_fees(items) -> list[Decimal]:
    """The flat fee the compulsory scheme kept on each care item (``BaseTariff.flat_fee_kept``, from what the member
    or staff entered as its payment), in the items' order: one query for the whole claim."""
    zero = Decimal("0.00")
    return [
        zero
        if t is None
        else t.flat_fee_kept(expense=item.amount_eur, base=item.base_amount, paid=item.compulsory_paid)
        for item, t in _by_item(items)
    ]


class TariffBook:
    """Every base tariff, loaded once (one query) for an import of many acts: ``on(act_code, category_id, date)`` is
    ``contracts.selectors.tariff_on`` without a query: the act's own tariff, else its category's default."""

    def __init__(self):
        from contracts.models import BaseTariff

        self.by_act: dict[str, list] = {}
        self.by_category: dict[int, list] = {}
        for tariff in BaseTariff.objects.order_by("valid_from"):
            self.by_act.setdefault(tariff.act_code, []).append(tariff)
            if tariff.is_category_default:
                self.by_category.setdefault(tariff.category_id, []).append(tariff)

    def on(self, *, act_code: str, category_id: int | None, on):
        own = version_on(self.by_act.get(act_code, ()), on) if act_code else None
        return own or version_on(self.by_category.get(category_id, ()), on)
