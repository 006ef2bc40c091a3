"""Every state change of the contributions (SPEC M4, E4, B4): keyword-only, atomic, audited, emails after commit.

- ``calls_generate``: the calls of a quarter, idempotent (a contract's period is called once: a unique constraint);
- ``payment_record``: a payment received, idempotent on (source, reference), allocated at once to the call it names
  and then to the oldest open calls of the same contract; what is left stays unallocated on the payment;
- ``payments_import``: the lines of a bank statement, each recorded like ``payment_record``;
- ``payment_allocate``: staff put an unallocated payment against a call by hand;
- ``reminders_send``: one reminder per overdue call and level;
- ``annual_certificates_issue``: the certificates of a year, once per holder.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q, QuerySet, Sum
from django.utils.translation import gettext as _

from audit.services import record
from contracts.choices import PaymentFrequency
from contracts.models import Contract
from contributions import emails, imports, pricing
from contributions.choices import CALL_TRANSITIONS, OPEN_STATUSES, CallStatus, PaymentSource
from contributions.models import (
    Allocation,
    AnnualCertificate,
    CallLine,
    ContributionCall,
    PaymentImport,
    ReceiptSequence,
    ReceivedPayment,
    Reminder,
)
from core.validation import constraint_errors, validate_row

ZERO = Decimal("0.00")


# --- Quarters and periods ------------------------------------------------------------------------


@dataclass(frozen=True)
class Quarter:
    year: int
    number: int

    @classmethod
    def parse(cls, text: str) -> Quarter:
        """``2026-Q1`` (or ``2026Q1``); a ValidationError otherwise."""
        cleaned = text.strip().upper().replace("-", "")
        if len(cleaned) != 6 or cleaned[4] != "Q" or not cleaned[:4].isdigit() or cleaned[5] not in "1234":
            raise ValidationError(_("Give a quarter as 2026-Q1."), code="quarter")
        return cls(int(cleaned[:4]), int(cleaned[5]))

    @classmethod
    def of(cls, day: date) -> Quarter:
        return cls(day.year, (day.month - 1) // 3 + 1)

    def __str__(self) -> str:
        return f"{self.year}-Q{self.number}"

    @property
    def start(self) -> date:
        return date(self.year, 3 * self.number - 2, 1)

    @property
    def end(self) -> date:
        return pricing.months_of(date(self.year, 3 * self.number, 1), date(self.year, 3 * self.number, 1))[0][1]

    def previous(self) -> Quarter:
        return Quarter(self.year - 1, 4) if self.number == 1 else Quarter(self.year, self.number - 1)


def _month_end(day: date) -> date:
    return pricing.months_of(day, day)[0][1]


def periods_for(contract: Contract, quarter: Quarter) -> list[tuple[date, date]]:
    """The periods of ``contract`` called in ``quarter``, by its payment frequency, within its cover.

    Monthly: the quarter's three months; quarterly: the quarter; half-yearly and yearly: the half-year or the year
    that begins with the quarter, or, for a contract that starts in the quarter, from its first month.
    """
    frequency, starts_here = contract.payment_frequency, quarter.start <= contract.effective_date <= quarter.end
    if frequency == PaymentFrequency.MONTHLY:
        periods = pricing.months_of(quarter.start, quarter.end)
    elif frequency == PaymentFrequency.HALF_YEARLY and (quarter.number in (1, 3) or starts_here):
        first = quarter.number if quarter.number in (1, 3) else quarter.number - 1
        periods = [(Quarter(quarter.year, first).start, Quarter(quarter.year, first + 1).end)]
    elif frequency == PaymentFrequency.YEARLY and (quarter.number == 1 or starts_here):
        periods = [(date(quarter.year, 1, 1), date(quarter.year, 12, 31))]
    elif frequency == PaymentFrequency.QUARTERLY:
        periods = [(quarter.start, quarter.end)]
    else:
        periods = []
    first_month = contract.effective_date.replace(day=1)
    last_day = _month_end(contract.end_date) if contract.end_date else None
    clipped = [(max(start, first_month), min(end, last_day) if last_day else end) for start, end in periods]
    return [(start, end) for start, end in clipped if start <= end]


# --- Calls ---------------------------------------------------------------------------------------------


def _transition(call: ContributionCall, status: str) -> None:
    if status != call.status and status not in CALL_TRANSITIONS[call.status]:
        raise ValidationError(
            _("A call that is %(status)s cannot change like this.") % {"status": call.get_status_display().lower()},
            code="transition",
        )
    call.status = status


def receipt_number(year: int) -> str:
    """Receipt numbers stay consecutive (accounting expects an unbroken series), so the year's row is locked until
    commit: ``call_issue`` takes it last, after pricing, and only the scheduled generator issues calls."""
    return f"Q-{year}-{ReceiptSequence.take_consecutive(year):06d}"


def call_issue(
    *, actor, contract: Contract, start: date, end: date, quarter: Quarter, today: date, notify: bool = True
) -> ContributionCall | None:
    """The call of ``contract`` for a period, with its lines; None when that period is already called (or owes
    nothing)."""
    with transaction.atomic():
        Contract.objects.select_for_update().filter(pk=contract.pk).first()  # one generator per contract at a time
        called = ContributionCall.objects.filter(contract=contract, period_start=start, period_end=end)
        if called.exclude(status=CallStatus.CANCELLED).exists():
            return None
        lines = pricing.price(contract, start, end)
        if not lines:
            return None
        call = ContributionCall(
            contract=contract,
            receipt_number=receipt_number(start.year),
            period_start=start,
            period_end=end,
            quarter=str(quarter),
            issued_on=today,
            due_date=max(pricing.due_date(start), today),
            amount_due=sum((line.amount for line in lines), ZERO),
        )
        validate_row(call)
        with constraint_errors(call):
            call.save()
        CallLine.objects.bulk_create(
            CallLine(
                call=call,
                position=n,
                basis=line.basis,
                person=line.person,
                label=line.label[:200],
                role=line.role,
                age=line.age,
                months=line.months,
                monthly_amount=pricing.cents(line.monthly_amount),
                amount=line.amount,
            )
            for n, line in enumerate(lines, start=1)
        )
        record(
            actor=actor,
            action="contribution_call.issued",
            target=call,
            data={"receipt_number": call.receipt_number, "contract": contract.number, "amount": str(call.amount_due)},
        )
        if notify:
            emails.call_issued(call)
        return call


def contracts_to_call(quarter: Quarter, among: QuerySet | None = None):
    in_force = Q(end_date__isnull=True) | Q(end_date__gte=quarter.start)
    contracts = Contract.objects.all() if among is None else among
    return (
        contracts.filter(in_force, effective_date__lte=quarter.end)
        .select_related("product", "zone", "holder_person", "holder_company")
        .order_by("pk")
    )


def calls_generate(
    *, actor, quarter: Quarter, today: date, notify: bool = True, among: QuerySet | None = None
) -> list[ContributionCall]:
    """Issue every call of ``quarter`` not issued yet (of the contracts ``among``, by default all); running it again
    creates nothing. Each contract is issued in a transaction of its own, so a failure stops nothing already issued."""
    created = []
    for contract in contracts_to_call(quarter, among):
        for start, end in periods_for(contract, quarter):
            call = call_issue(
                actor=actor, contract=contract, start=start, end=end, quarter=quarter, today=today, notify=notify
            )
            if call is not None:
                created.append(call)
    return created


@transaction.atomic
def call_cancel(*, actor, call: ContributionCall, reason: str) -> ContributionCall:
    """Cancel a call nothing was paid on (an error of the contract's data); it can then be issued again."""
    call = ContributionCall.objects.select_for_update().get(pk=call.pk)
    if call.amount_paid > 0:
        raise ValidationError(_("A call already paid in part cannot be cancelled."), code="paid")
    previous = call.status
    _transition(call, CallStatus.CANCELLED)
    call.save(update_fields=["status", "updated_at"])
    record(
        actor=actor,
        action="contribution_call.cancelled",
        target=call,
        data={"receipt_number": call.receipt_number, "from": previous, "reason": reason[:500]},
    )
    return call


# --- Payments and allocation ------------------------------------------------------------------------------


def _allocate(*, actor, payment: ReceivedPayment, call: ContributionCall, on: date) -> Decimal:
    """Put as much of ``payment`` as ``call`` still needs against it; both must be locked by the caller."""
    amount = min(payment.unallocated, call.remaining)
    if amount <= 0 or not call.is_open:
        return ZERO
    Allocation.objects.create(
        payment=payment, call=call, amount=amount, allocated_by=actor if _is_user(actor) else None
    )
    previous = call.status
    call.amount_paid += amount
    _transition(call, CallStatus.PAID if call.amount_paid == call.amount_due else CallStatus.PARTLY_PAID)
    call.paid_on = on if call.status == CallStatus.PAID else None
    validate_row(call)
    call.save(update_fields=["amount_paid", "status", "paid_on", "updated_at"])
    payment.unallocated -= amount
    payment.save(update_fields=["unallocated", "updated_at"])
    record(
        actor=actor,
        action=f"contribution_call.{call.status}",
        target=call,
        data={
            "receipt_number": call.receipt_number,
            "from": previous,
            "allocated": str(amount),
            "payment": str(payment.public_id),
            "remaining": str(call.remaining),
        },
    )
    return amount


def _is_user(actor) -> bool:
    return actor is not None and getattr(actor, "is_authenticated", False)


def _open_calls(contract_id: int):
    return (
        ContributionCall.objects.select_for_update()
        .filter(contract_id=contract_id, status__in=OPEN_STATUSES)
        .order_by("due_date", "period_start", "pk")
    )


def _allocate_oldest(*, actor, payment: ReceivedPayment, first: ContributionCall | None) -> list[ContributionCall]:
    touched = []
    calls = list(_open_calls(payment.contract_id))
    if first is not None:
        calls.sort(key=lambda call: call.pk != first.pk)  # the call the payment names comes first
    for call in calls:
        if payment.unallocated <= 0:
            break
        if _allocate(actor=actor, payment=payment, call=call, on=payment.received_on) > 0:
            touched.append(call)
    return touched


@dataclass
class Recorded:
    payment: ReceivedPayment
    created: bool
    calls: list[ContributionCall] = field(default_factory=list)


def payment_record(
    *,
    actor,
    source: str,
    reference: str,
    amount: Decimal,
    received_on: date,
    call: ContributionCall | None = None,
    contract: Contract | None = None,
    payer: str = "",
    card_brand: str = "",
    card_last4: str = "",
    payment_import=None,
    notify: bool = True,
) -> Recorded:
    """Record a payment once (a second call with the same source and reference returns the first) and allocate it:
    first to ``call`` when it names one, then to the oldest open calls of its contract."""
    existing = ReceivedPayment.objects.filter(source=source, reference=reference).first()
    if existing is not None:
        return Recorded(existing, False)
    try:
        with transaction.atomic():
            return _payment_create(
                actor=actor,
                payment=ReceivedPayment(
                    source=PaymentSource(source),
                    reference=reference,
                    contract=call.contract if call else contract,
                    amount=amount,
                    unallocated=amount,
                    received_on=received_on,
                    payer=payer[:200],
                    card_brand=card_brand,
                    card_last4=card_last4,
                    payment_import=payment_import,
                ),
                call=call,
                notify=notify,
            )
    except IntegrityError:  # the same payment recorded at the same moment by another process
        return Recorded(ReceivedPayment.objects.get(source=source, reference=reference), False)


def _payment_create(*, actor, payment: ReceivedPayment, call, notify: bool) -> Recorded:
    validate_row(payment)
    payment.save()
    record(
        actor=actor,
        action="contribution_payment.recorded",
        target=payment,
        data={
            "source": payment.source,
            "reference": payment.reference,
            "amount": str(payment.amount),
            "contract": payment.contract.number if payment.contract_id else None,
        },
    )
    calls = _allocate_oldest(actor=actor, payment=payment, first=call) if payment.contract_id else []
    if notify and payment.contract_id:
        emails.payment_received(payment.contract, amount=payment.amount, received_on=payment.received_on, calls=calls)
    return Recorded(payment, True, calls)


@transaction.atomic
def payment_allocate(*, actor, payment: ReceivedPayment, call: ContributionCall) -> Decimal:
    """Staff put an unallocated payment against a call by hand (a bank line whose reference named no call)."""
    payment = ReceivedPayment.objects.select_for_update().get(pk=payment.pk)
    call = ContributionCall.objects.select_for_update().select_related("contract").get(pk=call.pk)
    if payment.unallocated <= 0:
        raise ValidationError(_("This payment is already fully allocated."), code="allocated")
    if not call.is_open:
        raise ValidationError(_("This call has nothing left to pay."), code="closed")
    if payment.contract_id and payment.contract_id != call.contract_id:
        raise ValidationError(_("This payment belongs to another contract."), code="contract")
    if payment.contract_id is None:
        payment.contract = call.contract
        payment.save(update_fields=["contract", "updated_at"])
    amount = _allocate(actor=actor, payment=payment, call=call, on=payment.received_on)
    emails.payment_received(call.contract, amount=amount, received_on=payment.received_on, calls=[call])
    return amount


def payment_refunded(*, actor, payment: ReceivedPayment, amount: Decimal, refund_reference: str) -> ReceivedPayment:
    """What was not allocated of a payment went back to the payer (over-payment): it leaves the list to allocate."""
    payment = ReceivedPayment.objects.select_for_update().get(pk=payment.pk)
    if amount <= 0 or amount > payment.unallocated:
        raise ValidationError(_("Only what is not allocated can be refunded."), code="refund_amount")
    payment.unallocated -= amount
    payment.refunded += amount
    payment.save(update_fields=["unallocated", "refunded", "updated_at"])
    record(
        actor=actor,
        action="contribution_payment.refunded",
        target=payment,
        data={"amount": str(amount), "refund": refund_reference},
    )
    return payment


@dataclass
class ImportResult:
    payment_import: PaymentImport
    unmatched: list[ReceivedPayment] = field(default_factory=list)


@transaction.atomic
def payments_import(*, actor, file_name: str, content: bytes) -> ImportResult:
    """Record every line of a bank statement file (see ``contributions.imports`` for its format): a line naming a
    receipt number goes to that call, then to the oldest open calls of its contract; the others stay unallocated;
    a line already imported is skipped."""
    lines = imports.parse(content)
    numbers = {match for line in lines for match in imports.RECEIPT.findall(line.reference)}
    calls = {
        call.receipt_number: call
        for call in ContributionCall.objects.filter(receipt_number__in=numbers).select_related("contract")
    }
    known = set(
        ReceivedPayment.objects.filter(
            source=PaymentSource.TRANSFER, reference__in=[line.key for line in lines]
        ).values_list("reference", flat=True)
    )
    batch = PaymentImport.objects.create(
        file_name=file_name[:200], lines=len(lines), matched=0, unmatched=0, duplicates=0, created_by=actor
    )
    result = ImportResult(batch)
    for line in lines:
        if line.key in known:
            batch.duplicates += 1
            continue
        known.add(line.key)
        call = next((calls[number] for number in imports.RECEIPT.findall(line.reference) if number in calls), None)
        recorded = payment_record(
            actor=actor,
            source=PaymentSource.TRANSFER,
            reference=line.key,
            amount=line.amount,
            received_on=line.day,
            call=call,
            payment_import=batch,
        )
        if call is None:
            batch.unmatched += 1
            result.unmatched.append(recorded.payment)
        else:
            batch.matched += 1
    batch.save(update_fields=["matched", "unmatched", "duplicates", "updated_at"])
    record(
        actor=actor,
        action="contribution_payments.imported",
        target=batch,
        data={
            "file": batch.file_name,
            "lines": batch.lines,
            "matched": batch.matched,
            "unmatched": batch.unmatched,
            "duplicates": batch.duplicates,
        },
    )
    return result


# --- Reminders and certificates ---------------------------------------------------------------------------


def reminder_level(call: ContributionCall, today: date) -> int | None:
    """The highest reminder level ``call`` has reached (days overdue from ``tariffs.json``), None if none."""
    overdue = (today - call.due_date).days
    levels = [step["level"] for step in pricing.tariffs()["reminders"] if overdue >= step["days_overdue"]]
    return max(levels) if levels else None


def reminders_send(*, actor, today: date) -> int:
    """Send the reminder each overdue call has reached and not received yet; returns how many were sent."""
    first_delay = min(step["days_overdue"] for step in pricing.tariffs()["reminders"])
    overdue = ContributionCall.objects.filter(
        status__in=OPEN_STATUSES, due_date__lte=today - timedelta(days=first_delay)
    ).select_related("contract__holder_person", "contract__holder_company")
    sent = 0
    for call in overdue.prefetch_related("reminders"):
        level = reminder_level(call, today)
        if level is None or any(reminder.level >= level for reminder in call.reminders.all()):
            continue
        sent += _reminder_send(actor=actor, call=call, level=level, today=today)
    return sent


def _reminder_send(*, actor, call: ContributionCall, level: int, today: date) -> int:
    try:
        with transaction.atomic():
            reminder = Reminder(call=call, level=level, sent_on=today, recipients=0)
            reminder.recipients = emails.reminder(call, level)
            reminder.save()
            record(
                actor=actor,
                action="contribution_call.reminded",
                target=call,
                data={"receipt_number": call.receipt_number, "level": level, "remaining": str(call.remaining)},
            )
    except IntegrityError:  # sent by a concurrent run
        return 0
    return 1


def _holder_key(contract: Contract) -> tuple[str, int]:
    return (
        ("person", contract.holder_person_id) if contract.holder_person_id else ("company", contract.holder_company_id)
    )


def annual_certificates_issue(*, actor, year: int, today: date) -> int:
    """The annual contribution certificates of ``year``, one per holder with calls that year; idempotent."""
    calls = (
        ContributionCall.objects.filter(period_start__year=year)
        .exclude(status=CallStatus.CANCELLED)
        .select_related("contract__product")
        .order_by("contract__number")
    )
    paid = dict(
        Allocation.objects.filter(payment__received_on__year=year)
        .values_list("call__contract_id")
        .annotate(total=Sum("amount"))
        .values_list("call__contract_id", "total")
    )
    holders: dict[tuple[str, int], dict[int, dict]] = {}
    for call in calls:
        contract = call.contract
        row = holders.setdefault(_holder_key(contract), {}).setdefault(
            contract.pk,
            {
                "contract": contract.number,
                "product_fr": contract.product.name_fr,
                "product_en": contract.product.name_en,
                "called": ZERO,
                "paid": pricing.cents(Decimal(paid.get(contract.pk) or 0)),
            },
        )
        row["called"] += call.amount_due
    return sum(
        _certificate_issue(actor=actor, year=year, holder=holder, rows=list(rows.values()), today=today)
        for holder, rows in holders.items()
    )


def _certificate_issue(*, actor, year: int, holder: tuple[str, int], rows: list[dict], today: date) -> int:
    kind, pk = holder
    lookup = {"holder_person_id": pk} if kind == "person" else {"holder_company_id": pk}
    if AnnualCertificate.objects.filter(year=year, **lookup).exists():
        return 0
    with transaction.atomic():
        certificate = AnnualCertificate(
            year=year,
            reference=f"AC-{year}-{kind[0].upper()}{pk:07d}",
            total_called=sum((row["called"] for row in rows), ZERO),
            total_paid=sum((row["paid"] for row in rows), ZERO),
            details=[{**row, "called": str(row["called"]), "paid": str(row["paid"])} for row in rows],
            issued_on=today,
            **lookup,
        )
        validate_row(certificate)
        with constraint_errors(certificate):
            certificate.save()
        record(
            actor=actor,
            action="contribution_certificate.issued",
            target=certificate,
            data={"reference": certificate.reference, "year": year, "paid": str(certificate.total_paid)},
        )
    return 1
