"""Reads of the benefits ledger: what a ceiling period consumed, which acts were already paid, the member's feed."""

from __future__ import annotations

import operator
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from functools import reduce

from django.db import connection
from django.db.models import Q, QuerySet, Sum

from ledger.models import BenefitLine, FlowRejection

ZERO = Decimal("0.00")


def consumed(*, beneficiary_id, contract_id, category_id, start: date, end: date) -> Decimal:
    """What the insurer paid this beneficiary under this contract for this category with care in [start, end],
    every channel together (online claims, third-party payment, the compulsory scheme's flow, corrections)."""
    lines = BenefitLine.objects.filter(
        beneficiary_id=beneficiary_id,
        contract_id=contract_id,
        category_id=category_id,
        care_date__range=(start, end),
    )
    return lines.aggregate(total=Sum("paid_amount"))["total"] or ZERO


def ceilings_used(
    *, beneficiary_id, contract_id, periods: Iterable[tuple[int, date, date]]
) -> dict[tuple[int, date], Decimal]:
    """``consumed`` for every (category, start, end) period of a claim at once, keyed by (category, start): one
    aggregate query whatever the number of periods."""
    periods = list(dict.fromkeys(periods))
    if not periods:
        return {}
    conditions = [Q(category_id=category, care_date__range=(start, end)) for category, start, end in periods]
    lines = BenefitLine.objects.filter(beneficiary_id=beneficiary_id, contract_id=contract_id).filter(
        reduce(operator.or_, conditions)
    )
    totals = lines.aggregate(**{f"p{n}": Sum("paid_amount", filter=c) for n, c in enumerate(conditions)})
    return {(category, start): totals[f"p{n}"] or ZERO for n, (category, start, _end) in enumerate(periods)}


ActKey = tuple[date, int, Decimal]  # (care date, category id, expense in EUR)


def paid_acts(*, beneficiary_id, acts: Iterable[ActKey], exclude_channel: str = "") -> dict[ActKey, BenefitLine]:
    """The acts among ``acts`` (same beneficiary, care date, category and expense) the ledger already holds from
    another channel than ``exclude_channel``: the same care received twice (a claim and the scheme's flow)."""
    acts = set(acts)
    if not acts:
        return {}
    lines = BenefitLine.objects.filter(
        beneficiary_id=beneficiary_id,
        care_date__in={act[0] for act in acts},
        expense__in={act[2] for act in acts},
    )
    if exclude_channel:
        lines = lines.exclude(channel=exclude_channel)
    found = {}
    for line in lines.only("care_date", "category_id", "expense", "channel", "reference", "paid_amount"):
        key = (line.care_date, line.category_id, line.expense)
        if key in acts:
            found.setdefault(key, line)
    return found


def feed(*, person_ids: Iterable[int]) -> QuerySet[BenefitLine]:
    """The reimbursement feed of these beneficiaries: every channel, newest care first."""
    return _feed(Q(beneficiary_id__in=list(person_ids)))


def _feed(whose: Q) -> QuerySet[BenefitLine]:
    return (
        BenefitLine.objects.filter(whose, contract__is_confidential=False)
        .select_related("beneficiary", "category")
        .order_by("-care_date", "-pk")
    )


def _dependants(person_id: int):
    """The person's dependants whose reimbursements they see: the affiliations under theirs, on contracts that are
    not confidential (``member_feed``, ``member_recent`` and ``feed_people`` alike)."""
    from contracts.models import Affiliation

    return Affiliation.objects.filter(principal__person_id=person_id, contract__is_confidential=False)


def member_feed(*, person_id: int) -> QuerySet[BenefitLine]:
    """``feed`` of ``feed_people(person)`` as one query: the member's lines and their dependants' (the home reads
    it, where a query more per section counts)."""
    return _feed(Q(beneficiary_id=person_id) | Q(beneficiary_id__in=_dependants(person_id).values("person_id")))


# The member and their dependants (``_dependants``' SQL), each with their own last lines through benefit_recent_idx
# (not confidential: as ``_feed``), then merged: the cost is that of ``limit`` lines a person, whatever the history.
_RECENT_SQL = """
SELECT {columns}
FROM (SELECT %s::bigint AS person_id UNION {dependants}) AS family
CROSS JOIN LATERAL (
    SELECT own.* FROM ledger_benefitline own
    JOIN contracts_contract under ON under.id = own.contract_id
    WHERE own.beneficiary_id = family.person_id AND NOT under.is_confidential
    ORDER BY own.created_at DESC, own.id DESC
    LIMIT %s
) AS line
JOIN people_person beneficiary ON beneficiary.id = line.beneficiary_id
ORDER BY line.created_at DESC, line.id DESC
LIMIT %s
"""
_RECENT_COLUMNS = {
    "pk": "line.id",
    "beneficiary__first_name": "beneficiary.first_name",
    "beneficiary__last_name": "beneficiary.last_name",
}


def member_recent(*, person_id: int, fields: Iterable[str], limit: int) -> list[dict]:
    """The last ``limit`` lines of ``member_feed`` by the time they were written (newest first), as dicts of
    ``fields`` (the line's own columns, ``pk`` and the beneficiary's names). One query; on PostgreSQL its cost does
    not grow with the family's history (each person's last lines by index, then merged); elsewhere ``member_feed``
    sorted."""
    fields = tuple(fields)
    if connection.vendor != "postgresql":
        return list(member_feed(person_id=person_id).order_by("-created_at", "-pk").values(*fields)[:limit])
    columns = ", ".join(
        _RECENT_COLUMNS.get(name) or f"line.{connection.ops.quote_name(BenefitLine._meta.get_field(name).column)}"
        for name in fields
    )
    dependants, params = _dependants(person_id).values("person_id").query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(_RECENT_SQL.format(columns=columns, dependants=dependants), [person_id, *params, limit, limit])
        return [dict(zip(fields, row, strict=True)) for row in cursor.fetchall()]


def used_by_period(*, beneficiary_id, contract_id, periods: dict[int, tuple[date, date]]) -> dict[int, Decimal]:
    """What each category's current ceiling period consumed (one query): ``periods`` maps category id → period."""
    if not periods:
        return {}
    condition = Q()
    for category_id, (start, end) in periods.items():
        condition |= Q(category_id=category_id, care_date__range=(start, end))
    rows = (
        BenefitLine.objects.filter(condition, beneficiary_id=beneficiary_id, contract_id=contract_id)
        .values("category_id")
        .annotate(total=Sum("paid_amount"))
    )
    totals = {row["category_id"]: row["total"] for row in rows}
    return {category_id: totals.get(category_id) or ZERO for category_id in periods}


def feed_people(person) -> list:
    """The member and the dependants covered under their subscriber affiliations: whose reimbursements they see."""
    from people.models import Person

    ids = {person.pk, *_dependants(person.pk).values_list("person_id", flat=True)}
    return sorted(Person.objects.filter(pk__in=ids), key=lambda p: (p.pk != person.pk, p.first_name))


@dataclass(frozen=True)
class Counter:
    """One ceiling of one beneficiary: "Glasses: 150 EUR per 1 year(s), 150 EUR used, renews on 1 January"."""

    person: object
    category: object
    ceiling: Decimal
    years: int
    used: Decimal
    renews_on: date

    @property
    def left(self) -> Decimal:
        return max(ZERO, self.ceiling - self.used)


def ceiling_counters(people: list, on: date) -> list[Counter]:
    """The ceilings in force on ``on`` for each person's contract, with what every channel used of them."""
    from claims.engine import ceiling_period
    from contracts.models import Affiliation, GuaranteeLine

    counters = []
    for person in people:
        affiliation = (
            Affiliation.objects.filter(person=person, start_date__lte=on, contract__is_confidential=False)
            .exclude(end_date__lt=on)
            .select_related("contract")
            .first()
        )
        if affiliation is None:
            continue
        contract = affiliation.contract
        lines = GuaranteeLine.objects.in_force(on).filter(product_id=contract.product_id, annual_ceiling__isnull=False)
        lines = list(lines.select_related("category"))
        periods = {
            line.category_id: ceiling_period(
                on, years=line.ceiling_period_years, anchor_year=contract.effective_date.year
            )
            for line in lines
        }
        used = used_by_period(beneficiary_id=person.pk, contract_id=contract.pk, periods=periods)
        for line in lines:
            start, end = periods[line.category_id]
            counters.append(
                Counter(
                    person=person,
                    category=line.category,
                    ceiling=line.annual_ceiling,
                    years=line.ceiling_period_years,
                    used=used[line.category_id],
                    renews_on=end + timedelta(days=1),
                )
            )
    return counters


def flow_imports():
    from ledger.models import FlowImport

    return FlowImport.objects.select_related("imported_by").order_by("-created_at", "-pk")


def open_rejections():
    from ledger.models import FlowRejection

    return FlowRejection.objects.filter(resolved_at__isnull=True).select_related("flow_import").order_by("pk")


def queued_for_payment() -> dict:
    """The automatic-flow lines waiting for the member's transfer: count and total."""
    from django.db.models import Count

    from ledger.choices import PaymentState

    found = BenefitLine.objects.filter(payment_state=PaymentState.QUEUED).aggregate(
        n=Count("pk"), total=Sum("paid_amount")
    )
    return {"count": found["n"], "total": found["total"] or ZERO}


def queued_lines(*, lock: bool = False) -> QuerySet[BenefitLine]:
    """The automatic-flow lines waiting for the member's transfer (``lock``: for the payment batch taking them)."""
    from ledger.choices import PaymentState

    lines = BenefitLine.objects.filter(payment_state=PaymentState.QUEUED, paid_amount__gt=0).order_by("pk")
    return lines.select_for_update() if lock else lines


def rejection_get(*, public_id) -> FlowRejection | None:
    """A rejected statement line of the staff queue (the views are for claims staff only)."""
    return FlowRejection.objects.filter(public_id=public_id).first()


def tariff_list():
    """Every version of the base tariffs, by category and act, for staff."""
    from contracts.models import BaseTariff

    return BaseTariff.objects.select_related("category").order_by("category__position", "act_code", "valid_from")


def tariff_versions(*, act_code: str) -> list:
    """Every version of one act's base tariff, oldest first (empty: no such act)."""
    from contracts.models import BaseTariff

    return list(BaseTariff.objects.filter(act_code=act_code).select_related("category").order_by("valid_from"))
