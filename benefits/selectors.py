"""Reads of benefits, scoped by who looks: the claims a member may see (``claims.selectors.claim_list``: those they
sent as subscriber, for themself or their covered family, and those where they are the beneficiary), paid.

``card_for(person, on)`` is the third-party-payment card a health professional checks (SPEC M10): it takes a person,
not a viewer, so that the professional's space can call it once it has found the person by member number.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time
from decimal import Decimal

from django.conf import settings
from django.db.models import Count, Prefetch, Q, QuerySet, Sum
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext, gettext_lazy

from benefits.models import PaymentBatch, PaymentLine
from claims.choices import ItemDecision
from claims.models import CareItem, Claim
from claims.selectors import claim_list, payable_claims
from contracts.choices import AffiliationRole, GuaranteeBasis
from contracts.models import Affiliation, GuaranteeLine
from documents.pdf import PARIS
from ledger import selectors as ledger_selectors
from ledger.models import BenefitLine
from people.models import BankAccount, Person
from people.selectors import current_bank_accounts

# The domains printed on the card, in the order professionals expect them.
TP_DOMAINS = ("PHAR", "MED", "LABO", "RADL", "AUXM", "HOSP", "OPTI", "DENT", "AUDI", "TRSP")


# --- Member: benefits paid and monthly statements -------------------------------------------------


def benefit_list(*, actor) -> QuerySet[Claim]:
    """The paid claims ``actor`` may see, last paid first, with the account they were paid to."""
    return (
        claim_list(actor=actor).filter(paid_at__isnull=False).select_related("payment_line").order_by("-paid_at", "-pk")
    )


def statement_months(*, actor) -> list[date]:
    """The first day of each month (Paris time) in which something was paid, last first."""
    months = claim_list(actor=actor).filter(paid_at__isnull=False).datetimes("paid_at", "month", tzinfo=PARIS)
    return sorted({moment.date() for moment in months}, reverse=True)


def month_bounds(year: int, month: int) -> tuple[datetime, datetime] | None:
    """[start, end) of a month in Paris time, or None for a month that does not exist."""
    if not (1 <= month <= 12 and 2000 <= year <= 2999):
        return None
    start = datetime.combine(date(year, month, 1), time.min, tzinfo=PARIS)
    following = date(year + month // 12, month % 12 + 1, 1)
    return start, datetime.combine(following, time.min, tzinfo=PARIS)


@dataclass(frozen=True)
class Statement:
    """A benefit statement (*relevé de prestations*): the items of the claims paid in a month."""

    month: date
    items: list[CareItem]
    claims: list[Claim]
    spent: Decimal
    compulsory: Decimal
    reimbursed: Decimal
    remaining: Decimal


def statement_for(*, actor, year: int, month: int) -> Statement | None:
    """The month's statement as ``actor`` may see it, or None when nothing of theirs was paid that month."""
    bounds = month_bounds(year, month)
    if bounds is None:
        return None
    claims = list(
        claim_list(actor=actor)
        .filter(paid_at__gte=bounds[0], paid_at__lt=bounds[1])
        .select_related("payment_line")
        .prefetch_related(
            Prefetch(
                "items",
                queryset=CareItem.objects.filter(decision=ItemDecision.ACCEPTED)
                .select_related("category")
                .order_by("care_date", "position"),
            )
        )
        .order_by("paid_at", "reference")
    )
    if not claims:
        return None
    items = [item for claim in claims for item in claim.items.all()]
    spent = sum((item.amount_eur for item in items), Decimal("0.00"))
    compulsory = sum((item.compulsory_paid or Decimal("0.00") for item in items), Decimal("0.00"))
    reimbursed = sum((item.reimbursed_amount or 0 for item in items), Decimal("0.00"))
    return Statement(
        month=date(year, month, 1),
        items=items,
        claims=claims,
        spent=spent,
        compulsory=compulsory,
        reimbursed=reimbursed,
        remaining=spent - compulsory - reimbursed,
    )


# --- Back office: payable claims and batches -----------------------------------------------------


@dataclass(frozen=True)
class Payable:
    """A payable claim and the subscriber's current account (None: the claim is blocked)."""

    claim: Claim
    account: BankAccount | None

    @property
    def blocked_reason(self) -> str:
        return "" if self.account else gettext("No current bank account for the subscriber.")


def payables() -> list[Payable]:
    """Every payable claim with the account it would be paid to: three queries whatever their number."""
    claims = list(payable_claims().exclude(payment_line__isnull=False))
    accounts = current_bank_accounts({claim.member_id for claim in claims})
    return [Payable(claim, accounts.get(claim.member_id)) for claim in claims]


@dataclass(frozen=True)
class FlowPayable:
    """The automatic reimbursements (compulsory scheme's flow) queued for one subscriber's family, paid in one
    transfer to the subscriber's current account (None: blocked)."""

    member: Person
    lines: list[BenefitLine]
    account: BankAccount | None

    @property
    def amount(self) -> Decimal:
        return sum((line.paid_amount for line in self.lines), Decimal("0.00"))

    @property
    def blocked_reason(self) -> str:
        return "" if self.account else gettext("No current bank account for the subscriber.")


def flow_payables(*, lock: bool = False) -> list[FlowPayable]:
    """The queued automatic-flow lines grouped by the subscriber they are paid to (the beneficiary's subscriber on
    the line's contract), with the subscriber's current account: four queries whatever their number."""
    lines = list(ledger_selectors.queued_lines(lock=lock))
    if not lines:
        return []
    rows = Affiliation.objects.filter(
        person_id__in={line.beneficiary_id for line in lines}, contract_id__in={line.contract_id for line in lines}
    ).values_list("person_id", "contract_id", "principal__person_id")
    subscriber = {(person, contract): principal or person for person, contract, principal in rows}
    grouped: dict[int, list[BenefitLine]] = {}
    for line in lines:
        member_id = subscriber.get((line.beneficiary_id, line.contract_id), line.beneficiary_id)
        grouped.setdefault(member_id, []).append(line)
    people = Person.objects.in_bulk(list(grouped))
    accounts = current_bank_accounts(list(grouped))
    return [FlowPayable(people[pk], found, accounts.get(pk)) for pk, found in sorted(grouped.items())]


def batch_list() -> QuerySet[PaymentBatch]:
    return PaymentBatch.objects.select_related("created_by").order_by("-created_at", "-pk")


def batch_get(*, public_id) -> PaymentBatch | None:
    return PaymentBatch.objects.select_related("created_by").filter(public_id=public_id).first()


def batch_lines(batch: PaymentBatch) -> QuerySet[PaymentLine]:
    return batch.lines.select_related("claim", "member").annotate(acts=Count("flow_lines")).order_by("pk")


def payable_total() -> Decimal:
    return payable_claims().aggregate(total=Sum("total_reimbursed"))["total"] or Decimal("0.00")


# --- The third-party-payment card (M10) -----------------------------------------------------------


# Words on the card stay lazy: the card is read by pages and the API in the request's language and printed in the
# member's (``benefits.pdf``), so each reader words it in its own language.


@dataclass(frozen=True)
class CardBeneficiary:
    name: str
    birth_date: date
    role: str | Promise


@dataclass(frozen=True)
class CardDomain:
    code: str
    coverage: str | Promise


@dataclass(frozen=True)
class Card:
    """What the card shows and what a professional checks: who is covered, until when, for which domains."""

    insurer_name: str
    organisation_number: str
    member_number: str
    holder_name: str
    contract_number: str
    product_name: str
    valid_from: date
    valid_to: date
    beneficiaries: list[CardBeneficiary] = field(default_factory=list)
    domains: list[CardDomain] = field(default_factory=list)

    @property
    def qr_payload(self) -> str:
        return (
            f"OMTP|{self.organisation_number}|{self.member_number}|{self.contract_number}"
            f"|{self.valid_from:%Y%m%d}|{self.valid_to:%Y%m%d}"
        )

    def covers(self, on: date) -> bool:
        return self.valid_from <= on <= self.valid_to


def _open_on(on: date, prefix: str = "") -> Q:
    return Q(**{f"{prefix}start_date__lte": on}) & (
        Q(**{f"{prefix}end_date__isnull": True}) | Q(**{f"{prefix}end_date__gte": on})
    )


def _coverage(lines: list[GuaranteeLine]) -> str | Promise:
    """One domain's coverage in words: the best percentage ("100 %"), else "Actual cost", else "Flat rate"."""
    rates = [line.rate for line in lines if line.basis == GuaranteeBasis.PERCENT_OF_BASE and line.rate]
    if rates:
        best = max(rates)
        return f"{best.normalize() if best % 1 else best.to_integral_value()} %"
    if any(line.basis == GuaranteeBasis.ACTUAL_COST for line in lines):
        return gettext_lazy("Actual cost")
    if any(line.basis == GuaranteeBasis.PERCENT_OF_COST for line in lines):
        return gettext_lazy("% of cost")
    return gettext_lazy("Flat rate")


def card_domains(product_id: int) -> list[CardDomain]:
    lines = GuaranteeLine.objects.in_force(timezone.localdate()).filter(product_id=product_id)
    lines = lines.exclude(category__tp_domain="")
    by_domain: dict[str, list[GuaranteeLine]] = {}
    for line in lines.select_related("category"):
        by_domain.setdefault(line.category.tp_domain.upper(), []).append(line)
    order = {code: n for n, code in enumerate(TP_DOMAINS)}
    codes = sorted(by_domain, key=lambda code: (order.get(code, len(order)), code))
    return [CardDomain(code, _coverage(by_domain[code])) for code in codes]


def _subscriber_affiliations(person, on: date) -> list[Affiliation]:
    """The subscriber affiliations covering ``person`` on ``on`` (theirs, or their subscriber's when a dependant)."""
    own = Q(person=person, role=AffiliationRole.SUBSCRIBER) | Q(dependants__person=person) & _open_on(
        on, "dependants__"
    )
    return list(
        Affiliation.objects.filter(own, _open_on(on), role=AffiliationRole.SUBSCRIBER)
        .filter(Q(contract__end_date__isnull=True) | Q(contract__end_date__gte=on), contract__effective_date__lte=on)
        .filter(contract__is_confidential=False)
        .select_related("person", "contract", "contract__product")
        .distinct()
        .order_by("contract__effective_date", "pk")
    )


def card_validity(affiliation: Affiliation, on: date) -> tuple[date, date]:
    """From the later of 1 January / the start of cover to the earlier of 31 December / the end of cover."""
    contract = affiliation.contract
    start = max(date(on.year, 1, 1), affiliation.start_date, contract.effective_date)
    ends = [end for end in (affiliation.end_date, contract.end_date) if end is not None]
    return start, min([*ends, date(on.year, 12, 31)])


def card_for(person, on: date) -> Card | None:
    """``person``'s third-party-payment card on ``on``: the first health contract covering them whose guarantees
    have third-party-payment domains; None when nothing covers them that day."""
    for affiliation in _subscriber_affiliations(person, on):
        domains = card_domains(affiliation.contract.product_id)
        if not domains:
            continue
        covered = (
            Affiliation.objects.filter(_open_on(on), principal=affiliation, person__is_confidential=False)
            .select_related("person")
            .order_by("person__birth_date", "pk")
        )
        valid_from, valid_to = card_validity(affiliation, on)
        return Card(
            insurer_name=settings.INSURER["name"],
            organisation_number=settings.INSURER["organisation_number"],
            member_number=affiliation.person.membership_number,
            holder_name=affiliation.person.full_name,
            contract_number=affiliation.contract.number,
            product_name=affiliation.contract.product.name,
            valid_from=valid_from,
            valid_to=valid_to,
            beneficiaries=[
                CardBeneficiary(row.person.full_name, row.person.birth_date, AffiliationRole(row.role).label)
                for row in [affiliation, *covered]
            ],
            domains=domains,
        )
    return None


def payable_count() -> int:
    return payable_claims().count()


def paid_items(*, actor) -> QuerySet[CareItem]:
    """The accepted care items of the paid claims ``actor`` may see, last paid first (the API's benefits list)."""
    claims = claim_list(actor=actor).filter(paid_at__isnull=False).values("pk")
    return (
        CareItem.objects.filter(claim__in=claims, decision=ItemDecision.ACCEPTED)
        .select_related("claim", "claim__beneficiary", "claim__payment_line", "category")
        .order_by("-claim__paid_at", "claim__reference", "position")
    )
