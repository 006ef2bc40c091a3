"""Writes of the benefits ledger: one line per care act the insurer decided to pay, in the deciding transaction.

Each writer is bulk (one INSERT for all the lines of a decision or an import) and audited once per source.
"""

from __future__ import annotations

import hashlib
import json
import uuid
from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db import connection, transaction
from django.db.models import Sum
from django.utils import timezone

from audit.services import record
from claims import engine
from claims.choices import ItemDecision
from contracts.models import Affiliation, CareCategory, GuaranteeLine
from core.dated import version_on
from ledger import flow
from ledger.choices import Channel, PaymentState, Source
from ledger.models import BenefitLine, FlowImport, FlowRejection, RejectionReason
from ledger.tariffs import TariffBook
from people.models import Person


def _insert(lines: list[BenefitLine]) -> list[BenefitLine]:
    """One INSERT; a source already written is left as it is (idempotent writers)."""
    BenefitLine.objects.bulk_create(lines, ignore_conflicts=True, batch_size=2000)
    return lines


def record_claim(*, actor, claim, items) -> list[BenefitLine]:
    """The lines of a decided claim: one per accepted item, with what the engine froze on it."""
    lines = claim_lines(actor=actor, claim=claim, items=items)
    _insert(lines)
    total = sum((line.paid_amount for line in lines), Decimal("0.00"))
    data = {"reference": claim.reference, "lines": len(lines), "paid": str(total)}
    record(actor=actor, action="ledger.claim_recorded", target=claim, data=data, profile="staff")
    return lines


def claim_lines(*, actor, claim, items) -> list[BenefitLine]:
    """The ledger lines (not saved) of a decided claim's accepted items."""
    return [
        BenefitLine(
            beneficiary_id=claim.beneficiary_id,
            contract_id=claim.contract_id,
            category_id=item.category_id,
            care_date=item.care_date,
            expense=item.amount_eur,
            base_amount=item.base_amount,
            compulsory_paid=item.compulsory_paid,
            paid_amount=item.reimbursed_amount or Decimal("0.00"),
            currency=item.currency,
            original_amount=item.amount,
            exchange_rate=item.exchange_rate,
            channel=Channel.ONLINE_CLAIM,
            source_type=Source.CARE_ITEM,
            source_id=str(item.pk),
            reference=f"{claim.reference}/{item.position}",
            explanation=item.explanation,
            is_duplicate=any(step.get("code") == "duplicate" for step in item.explanation.get("steps", [])),
            payment_state=PaymentState.WITH_SOURCE,
            recorded_by=actor if getattr(actor, "pk", None) else None,
        )
        for item in items
        if item.decision == ItemDecision.ACCEPTED
    ]


def record_invoice(*, actor, invoice, contract, category, base_amount, explanation) -> BenefitLine:
    """The line of an accepted third-party-payment invoice: what the professional is paid for the care."""
    line = BenefitLine(
        beneficiary_id=invoice.beneficiary_id,
        contract=contract,
        category=category,
        act_code=invoice.act_code,
        care_date=invoice.care_date,
        expense=invoice.total_amount,
        base_amount=base_amount,
        compulsory_paid=invoice.compulsory_amount,
        paid_amount=invoice.accepted_amount,
        channel=Channel.TP_INVOICE,
        source_type=Source.INVOICE,
        source_id=str(invoice.pk),
        reference=invoice.number[:40],
        explanation=explanation,
        is_duplicate=any(step.get("code") == "duplicate" for step in explanation.get("steps", [])),
        payment_state=PaymentState.WITH_SOURCE,
        recorded_by=actor if getattr(actor, "pk", None) else None,
    )
    _insert([line])
    data = {"number": invoice.number, "paid": str(line.paid_amount), "category": category.code}
    record(actor=actor, action="ledger.invoice_recorded", target=invoice, data=data)
    return line


# --- The compulsory scheme's automatic flow (NOEMIE / CFE) ------------------------------------------------------

CHUNK = 5000


@dataclass
class _Index:
    """What the import needs to know, loaded once (a few queries whatever the file's size)."""

    by_nir: dict[str, int]
    by_membership: dict[tuple[str, date], int]
    affiliations: dict[int, list[tuple]]
    lines: dict[tuple[int, int], list]
    categories: dict[str, int]
    tariffs: TariffBook


def _index() -> _Index:
    by_nir = {p.nir.replace(" ", ""): p.pk for p in Person.objects.exclude(nir="").only("pk", "nir")}
    affiliations: dict[int, list[tuple]] = defaultdict(list)
    by_membership: dict[tuple[str, date], int] = {}
    rows = Affiliation.objects.values_list(
        "person_id",
        "start_date",
        "end_date",
        "contract_id",
        "contract__product_id",
        "contract__effective_date",
        "contract__end_date",
        "person__birth_date",
        "person__membership_number",
        "principal__person__membership_number",
    )
    for person_id, start, end, contract_id, product_id, effective, contract_end, birth, own, principal in rows:
        end = min((d for d in (end, contract_end) if d is not None), default=None)
        affiliations[person_id].append((max(start, effective), end, contract_id, product_id, effective.year))
        number = principal or own
        if number:
            by_membership[(number, birth)] = person_id
    lines: dict[tuple[int, int], list] = defaultdict(list)
    for line in GuaranteeLine.objects.order_by("valid_from"):
        lines[(line.product_id, line.category_id)].append(line)
    categories = dict(CareCategory.objects.values_list("code", "pk"))
    return _Index(by_nir, by_membership, affiliations, lines, categories, TariffBook())


def _covering(index: _Index, person_id: int, on: date) -> tuple | None:
    for start, end, contract_id, product_id, anchor in index.affiliations.get(person_id, ()):
        if start <= on and (end is None or on <= end):
            return contract_id, product_id, anchor
    return None


def _chunks(values: list, size: int = CHUNK):
    for start in range(0, len(values), size):
        yield values[start : start + size]


def _already_imported(refs: list[str]) -> set[str]:
    """The statement references already in the ledger or waiting in the staff queue."""
    if connection.vendor == "postgresql":  # one array parameter per query, not 100,000 placeholders
        lines, rejections = BenefitLine._meta.db_table, FlowRejection._meta.db_table
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT source_id FROM {lines} WHERE source_type = %s AND source_id = ANY(%s) "  # noqa: S608
                f"UNION SELECT statement_ref FROM {rejections} WHERE resolved_at IS NULL AND statement_ref = ANY(%s)",
                [Source.FLOW_LINE, refs, refs],
            )
            return {row[0] for row in cursor.fetchall()}
    found: set[str] = set()
    for chunk in _chunks(refs):
        found.update(
            BenefitLine.objects.filter(source_type=Source.FLOW_LINE, source_id__in=chunk).values_list(
                "source_id", flat=True
            )
        )
        found.update(
            FlowRejection.objects.filter(statement_ref__in=chunk, resolved_at__isnull=True).values_list(
                "statement_ref", flat=True
            )
        )
    return found


def _ledger_state(person_ids: set[int], first: date, last: date):
    """(acts already in the ledger, what each beneficiary × contract × category × year consumed) for the file's
    beneficiaries and dates: two queries."""
    acts: set[tuple] = set()
    used: dict[tuple, Decimal] = defaultdict(Decimal)
    ids = sorted(person_ids)
    for chunk in _chunks(ids):
        lines = BenefitLine.objects.filter(beneficiary_id__in=chunk, care_date__range=(first, last))
        acts.update(lines.values_list("beneficiary_id", "care_date", "category_id", "expense"))
        # Ceiling periods run over up to a few years (optics: 2) and hold care after the file's last date too
        # (a claim decided earlier for later care consumed the same period): whole years on both sides.
        start, end = date(first.year - 3, 1, 1), date(last.year + 3, 12, 31)
        totals = (
            BenefitLine.objects.filter(beneficiary_id__in=chunk, care_date__range=(start, end))
            .values("beneficiary_id", "contract_id", "category_id", "care_date__year")
            .annotate(total=Sum("paid_amount"))
            .order_by()
        )
        for row in totals:
            key = (row["beneficiary_id"], row["contract_id"], row["category_id"], row["care_date__year"])
            used[key] += row["total"]
    return acts, used


def _reject(flow_import, row, reason: str, detail: str = "") -> FlowRejection:
    return FlowRejection(
        flow_import=flow_import,
        statement_ref=row.statement_ref or f"line-{row.number}",
        line_number=row.number,
        reason=reason,
        detail=detail[:300],
        data=row.raw,
    )


@transaction.atomic
def flow_import(*, actor, content: bytes, file_name: str, progress=None) -> FlowImport:
    """Import one file of the compulsory scheme's statements: each new line is paid by the guarantee engine (the
    version of the care date, the ceilings every channel consumed) and queued for payment with no member action;
    the lines that cannot be paid go to the staff queue. Idempotent: a line already imported (or waiting in the
    queue) is skipped, so importing the same file twice changes nothing. Bulk: a constant number of queries per
    5,000 lines. ``progress(done, total)`` is called as lines are computed and written."""
    if connection.vendor == "postgresql":  # one import at a time: the "already imported" check then holds
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(hashtext('ledger.flow_import'))")
    rows = flow.parse(content)
    flow_import = FlowImport.objects.create(
        file_name=file_name[:255],
        sha256=hashlib.sha256(content).hexdigest(),
        line_count=len(rows),
        imported_by=actor if getattr(actor, "pk", None) else None,
    )
    seen = _already_imported([row.statement_ref for row in rows if row.statement_ref])
    fresh, rejections = [], []
    for row in rows:
        if row.statement_ref in seen:
            flow_import.skipped_count += 1
        elif row.error:
            rejections.append(_reject(flow_import, row, RejectionReason.INVALID, row.error))
        else:
            seen.add(row.statement_ref)
            fresh.append(row)
    index = _index() if fresh else None
    placed = []
    for row in fresh:
        person_id = index.by_nir.get(row.nir) if row.nir else None
        if person_id is None and row.membership_number and row.birth_date:
            person_id = index.by_membership.get((row.membership_number, row.birth_date))
        category_id = index.categories.get(row.category)
        if person_id is None:
            rejections.append(_reject(flow_import, row, RejectionReason.UNKNOWN_BENEFICIARY))
        elif category_id is None:
            rejections.append(_reject(flow_import, row, RejectionReason.UNKNOWN_ACT, row.category))
        elif (covering := _covering(index, person_id, row.care_date)) is None:
            rejections.append(_reject(flow_import, row, RejectionReason.RIGHTS_CLOSED, str(row.care_date)))
        else:
            placed.append((row, person_id, category_id, covering))
    lines = []
    if placed:
        for chunk in _chunks(sorted({p[1] for p in placed})):
            list(Person.objects.select_for_update().filter(pk__in=chunk).values_list("pk"))
        first = min(p[0].care_date for p in placed)
        last = max(p[0].care_date for p in placed)
        acts, used = _ledger_state({p[1] for p in placed}, first, last)
        placed.sort(key=lambda p: (p[1], p[2], p[0].care_date, p[0].number))
        for done, (row, person_id, category_id, (contract_id, product_id, anchor)) in enumerate(placed, start=1):
            act_key = (person_id, row.care_date, category_id, row.expense)
            if act_key in acts:
                rejections.append(_reject(flow_import, row, RejectionReason.DUPLICATE))
                continue
            acts.add(act_key)
            result, paid = _flow_amount(index, row, person_id, category_id, contract_id, product_id, anchor, used)
            lines.append(
                {
                    "beneficiary_id": person_id,
                    "contract_id": contract_id,
                    "category_id": category_id,
                    "act_code": row.act_code,
                    "care_date": row.care_date,
                    "expense": row.expense,
                    "base_amount": row.base,
                    "compulsory_paid": row.compulsory_paid,
                    "paid_amount": paid,
                    "source_id": row.statement_ref,
                    "reference": row.statement_ref[:40],
                    "explanation": result.as_json(),
                    "payment_state": PaymentState.QUEUED if paid > 0 else PaymentState.NOTHING,
                }
            )
            if progress and done % 1000 == 0:
                progress(done, len(placed))
    _write_flow_lines(lines, recorded_by=flow_import.imported_by)
    FlowRejection.objects.bulk_create(rejections, ignore_conflicts=True, batch_size=CHUNK)
    if progress:
        progress(len(placed), len(placed))
    flow_import.paid_count = len(lines)
    flow_import.rejected_count = len(rejections)
    flow_import.total_paid = sum((line["paid_amount"] for line in lines), Decimal("0.00"))
    flow_import.save()
    data = {
        "file": flow_import.file_name,
        "sha256": flow_import.sha256,
        "lines": flow_import.line_count,
        "paid": flow_import.paid_count,
        "rejected": flow_import.rejected_count,
        "skipped": flow_import.skipped_count,
        "total_paid": str(flow_import.total_paid),
    }
    record(actor=actor, action="ledger.flow_imported", target=flow_import, data=data, profile="staff")
    return flow_import


_COPY_COLUMNS = (
    "created_at",
    "updated_at",
    "public_id",
    "beneficiary_id",
    "contract_id",
    "category_id",
    "act_code",
    "care_date",
    "expense",
    "base_amount",
    "compulsory_paid",
    "paid_amount",
    "currency",
    "channel",
    "source_type",
    "source_id",
    "reference",
    "explanation",
    "is_duplicate",
    "payment_state",
    "recorded_by_id",
)


def _write_flow_lines(lines: list[dict], *, recorded_by) -> None:
    """The ledger lines of an import: PostgreSQL's COPY (a hundred thousand lines in seconds, no model objects),
    else one bulk INSERT per 5,000 lines."""
    common = {"channel": Channel.SCHEME_FLOW, "source_type": Source.FLOW_LINE, "currency": "EUR"}
    recorded_by_id = getattr(recorded_by, "pk", None)
    if connection.vendor != "postgresql":
        for chunk in _chunks(lines):
            BenefitLine.objects.bulk_create(
                [BenefitLine(**line, **common, recorded_by_id=recorded_by_id) for line in chunk]
            )
        return
    now = timezone.now()
    table = BenefitLine._meta.db_table
    with connection.cursor() as cursor, cursor.copy(f"COPY {table} ({', '.join(_COPY_COLUMNS)}) FROM STDIN") as copy:
        for line in lines:
            copy.write_row(
                (
                    now,
                    now,
                    uuid.uuid4(),
                    line["beneficiary_id"],
                    line["contract_id"],
                    line["category_id"],
                    line["act_code"],
                    line["care_date"],
                    line["expense"],
                    line["base_amount"],
                    line["compulsory_paid"],
                    line["paid_amount"],
                    common["currency"],
                    common["channel"],
                    common["source_type"],
                    line["source_id"],
                    line["reference"],
                    json.dumps(line["explanation"], separators=(",", ":")),
                    False,
                    line["payment_state"],
                    recorded_by_id,
                )
            )


def _flow_amount(index, row, person_id, category_id, contract_id, product_id, anchor, used):
    """The engine on one statement line, with the version of its care date and the ceiling consumed so far."""
    line = version_on(index.lines.get((product_id, category_id), ()), row.care_date)
    if line is None:
        result = engine.Reimbursement(engine.ZERO, (engine.Step("no_guarantee", engine.ZERO),))
        return result, engine.ZERO
    guarantee = engine.Guarantee.from_line(line)
    start, end = engine.ceiling_period(row.care_date, years=guarantee.period_years, anchor_year=anchor)
    consumed = sum(
        (
            used.get((person_id, contract_id, category_id, year), engine.ZERO)
            for year in range(start.year, end.year + 1)
        ),
        engine.ZERO,
    )
    tariff = index.tariffs.on(act_code=row.act_code, category_id=category_id, on=row.care_date)
    kept = tariff.flat_fee_kept(expense=row.expense, base=row.base, paid=row.compulsory_paid) if tariff else engine.ZERO
    act = engine.Act(expense=row.expense, base=row.base, already_paid=row.compulsory_paid, flat_fee=kept)
    result = engine.reimburse(guarantee, act, consumed=consumed)
    used[(person_id, contract_id, category_id, row.care_date.year)] += result.amount
    return result, result.amount


@transaction.atomic
def flow_lines_paid(*, actor, lines: list[BenefitLine], paid_at, batch) -> int:
    """The automatic-flow lines a payment batch just paid: marked paid with the date (the member's feed shows it),
    one audit event for the batch. Only queued lines change: a line already paid stays as it was."""
    ids = [line.pk for line in lines]
    changed = BenefitLine.objects.filter(pk__in=ids, payment_state=PaymentState.QUEUED).update(
        payment_state=PaymentState.PAID, paid_at=paid_at, updated_at=timezone.now()
    )
    total = sum((line.paid_amount for line in lines), Decimal("0.00"))
    data = {"batch": batch.reference, "lines": changed, "total": str(total)}
    record(actor=actor, action="ledger.flow_lines_paid", target=batch, data=data, profile="staff")
    return changed


@transaction.atomic
def rejection_resolve(*, actor, rejection: FlowRejection) -> FlowRejection:
    """Staff handled a rejected statement line (beneficiary found, asked the scheme, duplicate confirmed): it
    leaves the queue; a corrected line can then be imported again."""

    rejection = FlowRejection.objects.select_for_update().get(pk=rejection.pk)
    if rejection.resolved_at is None:
        rejection.resolved_at, rejection.resolved_by = timezone.now(), actor
        rejection.save(update_fields=["resolved_at", "resolved_by", "updated_at"])
        data = {"statement_ref": rejection.statement_ref, "reason": rejection.reason}
        record(actor=actor, action="ledger.flow_rejection_resolved", target=rejection, data=data, profile="staff")
    return rejection
