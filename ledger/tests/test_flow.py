"""The compulsory scheme's automatic flow (issue 13): imported, paid by the engine with no member action, queued
for payment, idempotent, rejections to the staff queue, and the same care from a claim paid once."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.utils import timezone

from audit.models import AuditEvent
from claims.services import claim_decide
from ledger import flow
from ledger.choices import Channel, PaymentState
from ledger.models import BenefitLine, FlowImport, FlowRejection, RejectionReason
from ledger.services import flow_import
from ledger.tests.factories import assessed_claim
from ledger.tests.factories import flow_row as _line
from ledger.tests.factories import import_flow as _import


def _day(n: int):
    return timezone.localdate() - timedelta(days=n)


def test_a_flow_pays_the_complementary_share_and_queues_it_idempotently(family, django_assert_max_num_queries):
    family["holder"].nir = "180057512345678"
    family["holder"].save()
    rows = [_line(f"N-{n}", family, day=30 - n) for n in range(10)]
    rows[3].pop("membership_number")
    rows[3]["nir"] = "1 80 05 75 123 456 78"
    rows.append(_line("N-child", family, who="child", category="B_PHAR", expense="12.00", base="12.00", paid="7.80"))
    with django_assert_max_num_queries(40):
        result = _import(rows)
    assert (result.paid_count, result.rejected_count, result.skipped_count) == (11, 0, 0)
    gp = BenefitLine.objects.filter(channel=Channel.SCHEME_FLOW, category__code="B_GP")
    assert {line.paid_amount for line in gp} == {Decimal("11.00")}  # 200 % of 30 - 19, capped by 30 - 19
    child = BenefitLine.objects.get(source_id="N-child")
    assert (child.beneficiary, child.paid_amount) == (family["child"].person, Decimal("4.20"))
    assert child.payment_state == PaymentState.QUEUED
    assert AuditEvent.objects.filter(action="ledger.flow_imported").count() == 1
    again = _import(rows)
    assert (again.paid_count, again.rejected_count, again.skipped_count) == (0, 0, 11)
    assert BenefitLine.objects.count() == 11


def test_rejections_go_to_the_staff_queue_once(family):
    family["child"].end_date = _day(40)
    family["child"].save()
    rows = [
        _line("R-ok", family),
        {**_line("R-unknown", family), "membership_number": "0000000000"},
        _line("R-closed", family, who="child", day=10),
        {**_line("R-dup", family), "statement_ref": "R-dup"},  # the same care as R-ok under another reference
        {**_line("R-bad", family), "expense": "abc"},
    ]
    result = _import(rows)
    assert (result.paid_count, result.rejected_count) == (1, 4)
    reasons = dict(FlowRejection.objects.values_list("statement_ref", "reason"))
    assert reasons == {
        "R-unknown": RejectionReason.UNKNOWN_BENEFICIARY,
        "R-closed": RejectionReason.RIGHTS_CLOSED,
        "R-dup": RejectionReason.DUPLICATE,
        "R-bad": RejectionReason.INVALID,
    }
    _import(rows)
    assert FlowRejection.objects.count() == 4 and BenefitLine.objects.count() == 1


def test_a_claim_for_care_received_through_the_flow_is_paid_nothing(family, claims_staff):
    _import([_line("D-1", family, day=15, expense="80.00", base="30.00", paid="21.00")])
    claim = assessed_claim(family, [("B_GP", _day(15), "80.00", "30.00", "21.00")])
    item = claim_decide(actor=claims_staff["user"], claim=claim).items.get()
    assert item.reimbursed_amount == Decimal("0.00") and item.explanation["steps"][0]["code"] == "duplicate"


def test_a_flow_line_for_care_already_claimed_is_rejected_as_duplicate(family, claims_staff):
    claim = assessed_claim(family, [("B_GP", _day(15), "80.00", "30.00", "21.00")])
    claim_decide(actor=claims_staff["user"], claim=claim)
    result = _import([_line("D-2", family, day=15, expense="80.00", base="30.00", paid="21.00")])
    assert result.rejected_count == 1
    assert FlowRejection.objects.get().reason == RejectionReason.DUPLICATE


def test_the_command_imports_with_a_progress_bar(family, tmp_path, capsys):
    path = tmp_path / "flow.csv"
    path.write_text(flow.to_csv([_line(f"C-{n}", family, day=n + 1, expense=f"{30 + n}.00") for n in range(3)]))
    call_command("import_scheme_flow", str(path))
    out = capsys.readouterr()
    assert "3 paid" in out.out and "100 %" in out.err
    call_command("import_scheme_flow", str(path), "--no-progress")
    assert "3 already imported" in capsys.readouterr().out
    assert FlowImport.objects.count() == 2


@pytest.mark.parametrize("content", [b"[]", b"statement_ref,category\n"])
def test_an_empty_flow_imports_nothing(db, content):
    result = flow_import(actor=None, content=content, file_name="empty")
    assert result.line_count == 0 and not BenefitLine.objects.exists()


def test_a_flow_line_counts_the_ceiling_used_by_later_care(family, claims_staff):
    """Found by the property test: a claim for care after the file's dates consumed the same yearly ceiling."""
    claim = assessed_claim(family, [("B_OPTICS", _day(3), "200.00", "0.00", "0.00")])
    assert claim_decide(actor=claims_staff["user"], claim=claim).items.get().reimbursed_amount == Decimal("150.00")
    _import([_line("L-1", family, category="B_OPTICS", day=30, expense="200.00", base="0.00", paid="0.00")])
    assert BenefitLine.objects.get(source_id="L-1").paid_amount == Decimal("0.00")
