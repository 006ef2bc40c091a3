"""One ledger across channels (issue 13): an invoice and an online claim share one ceiling, the same act is paid
once, decisions write their lines in the deciding transaction, and the back-fill reads what was paid before."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from django.utils import timezone

from audit.models import AuditEvent
from claims.services import claim_decide
from ledger.choices import Channel
from ledger.models import BenefitLine
from ledger.tests.factories import assessed_claim
from professionals import services as pro_services
from professionals.choices import Decision, InvoiceStatus, RejectionReason, TPDomain
from professionals.tests import factories as pf


def _day(n: int):
    return timezone.localdate() - timedelta(days=n)


def _optician_invoice(pro, family, *, total="150.00", claimed="150.00", days_ago=20, **fields):
    return pf.invoice(
        pro.professional,
        family["holder"],
        domain=TPDomain.OPTI,
        total_amount=Decimal(total),
        compulsory_amount=Decimal("0.00"),
        claimed_amount=Decimal(claimed),
        base_amount=Decimal("0.00"),
        days_ago=days_ago,
        **fields,
    )


def test_an_invoice_and_an_online_claim_share_the_frames_ceiling(pro, family, claims_staff):
    """The issue's case: the optician's invoice paid 150 against a 150 ceiling; a later claim for 100 pays 0."""
    invoice = _optician_invoice(pro, family)
    pro_services.invoice_decide(actor=claims_staff["user"], invoice=invoice, decision=Decision.ACCEPT)
    invoice.refresh_from_db()
    assert (invoice.status, invoice.accepted_amount) == (InvoiceStatus.ACCEPTED, Decimal("150.00"))
    claim = assessed_claim(family, [("B_OPTICS", _day(5), "100.00", "0.00", "0.00")])
    claim = claim_decide(actor=claims_staff["user"], claim=claim)
    item = claim.items.get()
    assert item.reimbursed_amount == Decimal("0.00")
    period = [s for s in item.explanation["steps"] if s["code"] == "period_ceiling"][0]
    assert period["params"]["consumed"] == "150.00"
    lines = BenefitLine.objects.filter(beneficiary=family["holder"]).order_by("pk")
    assert [(line.channel, line.paid_amount) for line in lines] == [
        (Channel.TP_INVOICE, Decimal("150.00")),
        (Channel.ONLINE_CLAIM, Decimal("0.00")),
    ]


def test_an_invoice_after_a_claim_is_paid_what_is_left_and_the_excess_is_refused_with_a_reason(
    pro, family, claims_staff
):
    claim = assessed_claim(family, [("B_OPTICS", _day(30), "100.00", "0.00", "0.00")])
    claim_decide(actor=claims_staff["user"], claim=claim)
    invoice = _optician_invoice(pro, family, days_ago=10)
    pro_services.invoice_decide(actor=claims_staff["user"], invoice=invoice, decision=Decision.ACCEPT)
    invoice.refresh_from_db()
    assert invoice.status == InvoiceStatus.PARTIALLY_ACCEPTED
    assert invoice.accepted_amount == Decimal("50.00")
    assert invoice.rejection_reason == RejectionReason.ABOVE_GUARANTEE
    assert any(step["code"] == "period_ceiling" and step["applied"] for step in invoice.explanation["steps"])
    # a second invoice finds the ceiling used up: rejected, nothing written against the ceiling
    again = _optician_invoice(pro, family, total="90.00", claimed="90.00", days_ago=8)
    pro_services.invoice_decide(actor=claims_staff["user"], invoice=again, decision=Decision.ACCEPT)
    again.refresh_from_db()
    assert (again.status, again.rejection_reason) == (InvoiceStatus.REJECTED, RejectionReason.ABOVE_GUARANTEE)
    assert sum(line.paid_amount for line in BenefitLine.objects.filter(beneficiary=family["holder"])) == 150


def test_the_same_act_from_two_channels_is_paid_once(pro, family, claims_staff):
    invoice = pf.invoice(pro.professional, family["holder"], days_ago=12)  # GP, 30 spent, 7 compulsory
    pro_services.invoice_decide(actor=claims_staff["user"], invoice=invoice, decision=Decision.ACCEPT)
    claim = assessed_claim(family, [("B_GP", invoice.care_date, "30.00", "30.00", "7.00")])
    claim = claim_decide(actor=claims_staff["user"], claim=claim)
    item = claim.items.get()
    assert item.reimbursed_amount == Decimal("0.00")
    assert item.explanation["steps"][0]["code"] == "duplicate"
    assert BenefitLine.objects.get(source_id=str(item.pk), channel=Channel.ONLINE_CLAIM).is_duplicate


def test_an_invoice_for_someone_without_rights_on_the_care_date_is_rejected(pro, family, claims_staff):
    invoice = pf.invoice(pro.professional, family["holder"], days_ago=12)
    family["principal"].end_date = invoice.care_date - timedelta(days=1)
    family["principal"].save()
    pro_services.invoice_decide(actor=claims_staff["user"], invoice=invoice, decision=Decision.ACCEPT)
    invoice.refresh_from_db()
    assert (invoice.status, invoice.rejection_reason) == (InvoiceStatus.REJECTED, RejectionReason.NO_RIGHTS)
    assert not BenefitLine.objects.exists()


def test_the_ledger_adds_a_constant_few_queries_to_a_ten_item_decision(
    family, claims_staff, django_assert_max_num_queries
):
    """The claim decision itself is budgeted with the claims; what the ledger adds to it is constant: one query
    for the acts already paid, one INSERT for the lines, one audit event."""
    from ledger import claims_hooks

    items = [("B_GP" if n % 2 else "B_PHAR", _day(40 - n), "30.00", "30.00", "19.00") for n in range(10)]
    claim = assessed_claim(family, items)
    claim_items = list(claim.items.all())
    for item in claim_items:
        item.reimbursed_amount = Decimal("11.00")
    with django_assert_max_num_queries(4):
        assert claims_hooks.duplicates(claim, claim_items) == {}
        claims_hooks.record_decided(actor=claims_staff["user"], claim=claim, items=claim_items)
    assert BenefitLine.objects.filter(channel=Channel.ONLINE_CLAIM).count() == 10
    assert AuditEvent.objects.filter(action="ledger.claim_recorded").count() == 1
    claims_hooks.record_decided(actor=claims_staff["user"], claim=claim, items=claim_items)  # idempotent
    assert BenefitLine.objects.count() == 10


def test_deciding_a_claim_writes_one_line_per_accepted_item(family, claims_staff):
    items = [("B_GP", _day(12), "30.00", "30.00", "19.00"), ("B_PHAR", _day(11), "12.00", "12.00", "7.80")]
    claim = claim_decide(actor=claims_staff["user"], claim=assessed_claim(family, items))
    lines = {line.category.code: line for line in BenefitLine.objects.filter(source_type="claims.careitem")}
    assert lines["B_GP"].paid_amount == Decimal("11.00")  # 200 % of 30 = 60 - 19, capped at 30 - 19
    assert lines["B_PHAR"].paid_amount == Decimal("4.20")
    assert lines["B_GP"].reference == f"{claim.reference}/1"


def test_the_back_fill_counts_what_was_paid_before_the_ledger(pro, family, claims_staff):
    import importlib

    from django.apps import apps

    from benefits.tests import factories as bf
    from professionals.models import Invoice

    backfill = importlib.import_module("ledger.migrations.0003_backfill").backfill
    bf.decided_claim(family, [("B_OPTICS", "120.00", "0.00", "100.00")], ledger=False)
    invoice = _optician_invoice(pro, family)
    Invoice.objects.filter(pk=invoice.pk).update(status=InvoiceStatus.ACCEPTED, accepted_amount=Decimal("50.00"))
    backfill(apps, None)
    backfill(apps, None)  # twice: nothing more
    lines = BenefitLine.objects.filter(beneficiary=family["holder"])
    assert sorted((line.channel, line.paid_amount) for line in lines) == [
        (Channel.ONLINE_CLAIM, Decimal("100.00")),
        (Channel.TP_INVOICE, Decimal("50.00")),
    ]
