"""Demo contributions: the calls of the last four quarters (and of the coming one when it is less than 45 days away, as
the insurer issues them in advance) for the contracts the demo logins see and a sample of others for the back-office
lists (every contract would take a minute: each call is validated and audited), through the services. Calls already
due are paid the way each contract pays, on their due date, except a few left overdue; the demo member (holder 0)
keeps their latest call open and the one before overdue, so there is something to pay by card."""

from __future__ import annotations

from datetime import timedelta

from django.db.models import Q

from contracts.choices import PaymentMethod
from contracts.models import Contract
from contributions import services
from contributions.choices import OPEN_STATUSES, PaymentSource
from contributions.models import ContributionCall
from demo.members import holder_number

ISSUE_AHEAD_DAYS = 45
SOURCES = {
    PaymentMethod.DIRECT_DEBIT: PaymentSource.DIRECT_DEBIT,
    PaymentMethod.TRANSFER: PaymentSource.TRANSFER,
    PaymentMethod.CARD: PaymentSource.CARD,
    PaymentMethod.CHEQUE: PaymentSource.CHEQUE,
}


def quarters(ctx) -> list[services.Quarter]:
    current = services.Quarter.of(ctx.today)
    found = [current]
    for _ in range(3):
        found.insert(0, found[0].previous())
    following = services.Quarter.of(current.end + timedelta(days=1))
    if (following.start - ctx.today).days <= ISSUE_AHEAD_DAYS:
        found.append(following)
    return found


def _pay(ctx, call: ContributionCall) -> None:
    services.payment_record(
        actor=None,
        source=SOURCES[call.contract.payment_method],
        reference=f"DEMO-{call.receipt_number}",
        amount=call.amount_due,
        received_on=min(call.due_date, ctx.today),
        call=call,
        notify=False,
    )


SAMPLE_OTHERS = 30


def showcase_contracts():
    """The contracts of the demo logins (held, of their company, under their mandates) and a few others."""
    shown = (
        Q(holder_person__profiles__isnull=False)
        | Q(holder_company__profiles__isnull=False)
        | Q(mandates__agent__profiles__isnull=False)
    )
    ids = set(Contract.objects.filter(shown).values_list("pk", flat=True))
    ids.update(Contract.objects.order_by("pk").values_list("pk", flat=True)[:SAMPLE_OTHERS])
    return Contract.objects.filter(pk__in=ids)


def build(ctx) -> None:
    among = showcase_contracts()
    for quarter in quarters(ctx):
        issued_on = max(quarter.start - timedelta(days=20), ctx.today - timedelta(days=400))
        today = min(issued_on, ctx.today)
        created = services.calls_generate(actor=None, quarter=quarter, today=today, notify=False, among=among)
        ctx.stats["contribution calls"] += len(created)
    demo_member = Contract.objects.filter(holder_person__membership_number=holder_number(0)).values_list(
        "pk", flat=True
    )
    kept = set()
    for position, contract_id in enumerate(sorted(demo_member)):
        calls = ContributionCall.objects.filter(contract_id=contract_id).order_by("-period_start")
        kept.update(calls.values_list("pk", flat=True)[: 2 if position == 0 else 1])  # open; and one overdue
    due = ContributionCall.objects.filter(status__in=OPEN_STATUSES, due_date__lte=ctx.today).exclude(pk__in=kept)
    for call in due.select_related("contract").order_by("due_date", "pk"):
        if ctx.rng.random() < 0.03:  # a few late payers
            continue
        _pay(ctx, call)
        ctx.stats["contribution payments"] += 1
