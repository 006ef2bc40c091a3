"""Calls for contributions as each profile may see them (DESIGN: one place decides who sees what).

- member: the calls of the contracts they hold (a dependant sees none: the holder pays);
- company: the calls of its collective contracts;
- agent: the calls of the contracts under a mandate in force or in its grace period;
- staff of the contributions and administrators: every call, in the back office.
Contracts withheld from the portal (SPEC X8) are left out for everyone but staff (``contracts.selectors``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from uuid import UUID

from django.db.models import Count, F, Min, Q, QuerySet, Sum
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.translation import gettext, ngettext

from accounts.choices import ProfileKind, StaffRole
from contracts.choices import PaymentMethod
from contracts.models import Contract
from contracts.selectors import contract_list
from contributions.choices import OPEN_STATUSES, CallStatus
from contributions.models import AnnualCertificate, ContributionCall, ReceivedPayment
from core.home import Awaited
from core.money import euros

CONTRIBUTIONS_ROLES = (StaffRole.CONTRIBUTIONS, StaffRole.ADMINISTRATOR)
PAYERS = (ProfileKind.MEMBER, ProfileKind.COMPANY, ProfileKind.AGENT)


def contracts_paid_by(*, actor) -> QuerySet[Contract]:
    """The contracts whose calls ``actor`` sees."""
    if actor is None or actor.kind not in PAYERS:
        return Contract.objects.none()
    contracts = contract_list(actor=actor)
    if actor.kind == ProfileKind.MEMBER:
        contracts = contracts.filter(holder_person_id=actor.person_id)
    return contracts


def call_list(*, actor, contract: Contract | None = None) -> QuerySet[ContributionCall]:
    calls = ContributionCall.objects.filter(contract__in=contracts_paid_by(actor=actor).values("pk"))
    if contract is not None:
        calls = calls.filter(contract=contract)
    return calls.select_related("contract__product").order_by("-period_start", "-receipt_number")


def call_get(*, actor, public_id) -> ContributionCall | None:
    """One call if ``actor`` may see it; None for missing and forbidden alike."""
    return call_list(actor=actor).filter(public_id=public_id).first()


def call_detail(call: ContributionCall) -> ContributionCall:
    return (
        ContributionCall.objects.select_related(
            "contract__product", "contract__holder_person", "contract__holder_company"
        )
        .prefetch_related("lines", "allocations__payment")
        .get(pk=call.pk)
    )


def visible_call_ids(actor):
    return call_list(actor=actor).values("public_id")


def contract_get(*, actor, public_id) -> Contract | None:
    """One contract whose calls ``actor`` sees; None for missing, forbidden and malformed ids alike."""
    try:
        UUID(str(public_id))
    except ValueError:
        return None
    return contracts_paid_by(actor=actor).filter(public_id=public_id).first()


def record_years(*, actor, contract: Contract) -> list[int]:
    """The years a contribution record exists for: those with calls."""
    dates = call_list(actor=actor, contract=contract).dates("period_start", "year", order="DESC")
    return [day.year for day in dates]


@dataclass(frozen=True)
class ContributionRecord:
    """The *relevé de cotisations* of a contract for a year: every call with what was paid."""

    contract: Contract
    year: int
    calls: list[ContributionCall]

    @property
    def total_due(self):
        return sum(call.amount_due for call in self.calls if call.status != CallStatus.CANCELLED)

    @property
    def total_paid(self):
        return sum(call.amount_paid for call in self.calls)

    @property
    def total_remaining(self):
        return sum(call.remaining for call in self.calls)


def record_for(*, actor, contract: Contract, year: int) -> ContributionRecord | None:
    calls = list(call_list(actor=actor, contract=contract).filter(period_start__year=year).order_by("period_start"))
    return ContributionRecord(contract, year, calls) if calls else None


def certificate_list(*, actor) -> QuerySet[AnnualCertificate]:
    """The annual certificates of the holder the actor acts for (a member, a company); agents see their clients'."""
    if actor is None or actor.kind not in PAYERS:
        return AnnualCertificate.objects.none()
    if actor.kind == ProfileKind.MEMBER:
        return AnnualCertificate.objects.filter(holder_person_id=actor.person_id)
    if actor.kind == ProfileKind.COMPANY:
        return AnnualCertificate.objects.filter(holder_company_id=actor.company_id)
    contracts = contracts_paid_by(actor=actor)
    return AnnualCertificate.objects.filter(
        Q(holder_person__in=contracts.values("holder_person"))
        | Q(holder_company__in=contracts.values("holder_company"))
    )


def certificate_get(*, actor, public_id) -> AnnualCertificate | None:
    return (
        certificate_list(actor=actor)
        .filter(public_id=public_id)
        .select_related("holder_person", "holder_company")
        .first()
    )


# --- Back office ----------------------------------------------------------------------------------------


def backoffice_calls(*, filters: dict, today: date) -> QuerySet[ContributionCall]:
    calls = ContributionCall.objects.select_related("contract__holder_person", "contract__holder_company")
    if filters.get("status"):
        calls = calls.filter(status=filters["status"])
    if filters.get("overdue"):
        calls = calls.filter(status__in=OPEN_STATUSES, due_date__lt=today)
    if filters.get("quarter"):
        calls = calls.filter(quarter=filters["quarter"])
    if filters.get("contract"):
        calls = calls.filter(contract__number__istartswith=filters["contract"].strip())
    return calls.order_by("due_date", "receipt_number")


def overdue_count(today: date | None = None) -> int:
    from documents.pdf import paris_today

    return ContributionCall.objects.filter(status__in=OPEN_STATUSES, due_date__lt=today or paris_today()).count()


def unallocated_payments() -> QuerySet[ReceivedPayment]:
    return ReceivedPayment.objects.filter(unallocated__gt=0).select_related("contract").order_by("received_on", "pk")


def backoffice_call_get(*, public_id) -> ContributionCall | None:
    return ContributionCall.objects.filter(public_id=public_id).first()


def backoffice_payment_get(*, public_id) -> ReceivedPayment | None:
    return ReceivedPayment.objects.filter(public_id=public_id).select_related("contract").first()


def standing(calls: QuerySet[ContributionCall], *, today: date) -> dict:
    """What is overdue and what is coming over ``calls``, apart (one query): a call not due yet is not "to pay"."""
    left = F("amount_due") - F("amount_paid")
    overdue, upcoming = Q(due_date__lt=today), Q(due_date__gte=today)
    debit = Q(contract__payment_method=PaymentMethod.DIRECT_DEBIT)
    totals = calls.filter(status__in=OPEN_STATUSES).aggregate(
        overdue=Sum(left, filter=overdue),
        overdue_count=Count("pk", filter=overdue),
        oldest_overdue=Min("due_date", filter=overdue),
        upcoming=Sum(left, filter=upcoming),
        upcoming_count=Count("pk", filter=upcoming),
        next_due=Min("due_date", filter=upcoming),
        direct_debit=Count("pk", filter=debit),
        overdue_direct_debit=Count("pk", filter=overdue & debit),
        all_open=Count("pk"),
    )
    return {
        "overdue": totals["overdue"] or Decimal("0.00"),
        "overdue_count": totals["overdue_count"],
        "oldest_overdue": totals["oldest_overdue"],
        "upcoming": totals["upcoming"] or Decimal("0.00"),
        "upcoming_count": totals["upcoming_count"],
        "next_due": totals["next_due"],
        "by_direct_debit": bool(totals["all_open"]) and totals["direct_debit"] == totals["all_open"],
        "overdue_by_direct_debit": bool(totals["overdue_count"])
        and totals["overdue_direct_debit"] == totals["overdue_count"],
    }


def overdue_awaited(totals: dict) -> list[Awaited]:
    """The overdue calls of ``standing(...)`` as the one thing a payer's home asks them to do (no query)."""
    if not totals["overdue_count"]:
        return []
    text = ngettext(
        "%(amount)s of contributions overdue since %(date)s.",
        "%(amount)s of contributions overdue since %(date)s (%(count)s calls).",
        totals["overdue_count"],
    ) % {
        "amount": euros(totals["overdue"]),
        "date": date_format(totals["oldest_overdue"], "SHORT_DATE_FORMAT"),
        "count": totals["overdue_count"],
    }
    kind = "contributions"
    if totals["overdue_by_direct_debit"]:
        text += " " + gettext("It will be taken again by direct debit; make sure the account can pay it.")
        kind = "contributions_debit"
    return [Awaited(kind, text, reverse("contributions:list") + "#overdue")]


def open_calls(calls: QuerySet[ContributionCall], *, today: date, overdue: bool, limit: int = 20):
    """The open calls of ``calls`` already due (``overdue``) or still to come, the most urgent first."""
    due = Q(due_date__lt=today) if overdue else Q(due_date__gte=today)
    return calls.filter(due, status__in=OPEN_STATUSES).order_by("due_date", "receipt_number")[:limit]
