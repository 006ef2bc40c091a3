"""The compulsory scheme's automatic reimbursements (issue 13) are paid by the same SEPA batches as the claims: one
transfer per subscriber for their family's acts, each ledger line paid once (a second batch takes nothing, the
database refuses a line twice), audited, and the member's feed shows them paid with the date."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import datetime
from decimal import Decimal

import pytest
from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction
from django.urls import reverse

from accounts.tests import factories as f
from api.services import token_create
from audit.models import AuditEvent
from benefits import selectors, services
from benefits.models import PaidBenefitLine, PaymentLine
from benefits.sepa import NAMESPACE
from benefits.tests import factories as bf
from core import crypto
from documents.pdf import PARIS
from ledger.choices import PaymentState
from ledger.models import BenefitLine
from ledger.tests.factories import flow_row, import_flow

pytestmark = pytest.mark.django_db
NS = {"p": NAMESPACE}
PAID = datetime(2026, 3, 2, 9, 0, tzinfo=PARIS)


@pytest.fixture
def staff_user():
    return f.user(is_staff=True)


def transfers(batch) -> dict[str, Decimal]:
    with default_storage.open(batch.stored_name, "rb") as stored:
        root = ET.fromstring(crypto.decrypt(stored.read()))
    return {
        tx.findtext("p:PmtId/p:EndToEndId", namespaces=NS): Decimal(tx.findtext("p:Amt/p:InstdAmt", namespaces=NS))
        for tx in root.iterfind("p:CstmrCdtTrfInitn/p:PmtInf/p:CdtTrfTxInf", NS)
    }


def test_queued_flow_lines_are_paid_to_the_subscriber_with_the_claims_once(family, other_family, staff_user):
    claim = bf.decided_claim(family, [("B_GP", "30.00", "16.50", "13.50")])
    import_flow(
        [
            flow_row("N-1", family, day=20),  # 11.00
            flow_row("N-2", family, who="child", category="B_PHAR", expense="12.00", base="12.00", paid="7.80"),
            flow_row("N-3", other_family, day=15),  # 11.00
        ]
    )
    assert len(selectors.flow_payables()) == 2
    result = services.payment_batch_create(actor=staff_user, paid_at=PAID)
    batch = result.batch
    assert (batch.count, batch.total) == (3, Decimal("13.50") + Decimal("15.20") + Decimal("11.00"))
    sent = transfers(batch)
    assert sent[claim.reference] == Decimal("13.50")
    automatic = sorted(amount for ref, amount in sent.items() if ref.startswith("AUTO-"))
    assert automatic == [Decimal("11.00"), Decimal("15.20")]
    family_line = PaymentLine.objects.get(member=family["holder"])
    assert (family_line.claim, family_line.amount, family_line.iban_last4) == (None, Decimal("15.20"), "2606")
    assert family_line.flow_lines.count() == 2  # the child's act is paid to the subscriber
    lines = BenefitLine.objects.filter(source_id__in=["N-1", "N-2", "N-3"])
    assert {(line.payment_state, line.paid_at) for line in lines} == {(PaymentState.PAID, PAID)}
    event = AuditEvent.objects.get(action="ledger.flow_lines_paid")
    assert event.data["lines"] == 3 and event.data["batch"] == batch.reference
    assert AuditEvent.objects.get(action="payment_batch.created").data["automatic"] == 2

    again = services.payment_batch_create(actor=staff_user)
    assert again.batch is None and selectors.flow_payables() == []
    with pytest.raises(IntegrityError), transaction.atomic():
        PaidBenefitLine.objects.create(payment_line=family_line, benefit_line=lines.get(source_id="N-1"))


def test_a_flow_with_nothing_else_to_pay_makes_a_batch_and_a_subscriber_without_account_waits(family, staff_user):
    no_account = bf.family(product=family["contract"].product, iban=None)
    import_flow([flow_row("N-A", family), flow_row("N-B", no_account)])
    result = services.payment_batch_create(actor=staff_user)
    assert result.batch.count == 1 and result.blocked == []
    assert [flow.member for flow in result.blocked_flows] == [no_account["holder"]]
    assert "bank account" in result.blocked_flows[0].blocked_reason
    waiting = BenefitLine.objects.get(source_id="N-B")
    assert (waiting.payment_state, waiting.paid_at) == (PaymentState.QUEUED, None)


def test_a_line_with_nothing_to_pay_is_never_put_in_a_batch(family, staff_user):
    import_flow([flow_row("N-0", family, expense="30.00", paid="30.00")])  # the scheme paid everything
    assert BenefitLine.objects.get(source_id="N-0").payment_state == PaymentState.NOTHING
    assert services.payment_batch_create(actor=staff_user).batch is None


def test_the_member_feed_and_the_api_show_the_automatic_reimbursement_paid_with_its_date(
    family, member_client, staff_user, client
):
    import_flow([flow_row("N-F", family)])
    page = member_client.get(reverse("benefits:feed")).content.decode()
    assert "Queued for payment" in page
    services.payment_batch_create(actor=staff_user, paid_at=PAID)
    page = member_client.get(reverse("benefits:feed")).content.decode()
    assert "paid on 02/03/2026" in page
    secret = token_create(actor=family["profile"].user, profile=family["profile"], name="t", via="test")[1]
    feed = client.get("/api/reimbursements", HTTP_AUTHORIZATION=f"Bearer {secret}").json()
    items = feed["items"] if isinstance(feed, dict) else feed
    assert [(i["payment"], i["paid_at"][:10]) for i in items] == [("paid", "2026-03-02")]


def test_the_back_office_lists_the_automatic_reimbursements_and_the_batch_names_them(family, claims_staff):
    import_flow([flow_row("N-1", family), flow_row("N-2", family, day=21)])
    client = claims_staff["client"]
    page = client.get(reverse("payments_backoffice:list")).content.decode()
    assert "Automatic reimbursements to pay" in page and "22.00" in page
    assert "Make the transfer file for 1 transfer" in page
    response = client.post(reverse("payments_backoffice:batch_create"))
    page = client.get(response.url).content.decode()
    assert "2 automatic acts" in page and "AUTO-" in page


def test_the_privacy_export_lists_the_automatic_transfer(family, staff_user):
    from benefits.privacy_hooks import export
    from privacy.hooks import Subject

    import_flow([flow_row("N-P", family)])
    batch = services.payment_batch_create(actor=staff_user).batch
    rows = export(Subject(person=family["holder"], user=family["profile"].user))
    assert [(row["claim_reference"], row["amount_eur"]) for row in rows] == [("", Decimal("11.00"))]
    assert rows[0]["transfer_reference"].startswith(f"AUTO-{batch.reference.removeprefix('VIR-')}")


def test_the_subscriber_gets_a_payment_receipt_for_the_automatic_reimbursements(
    family, staff_user, mailoutbox, django_capture_on_commit_callbacks
):
    import_flow([flow_row("N-M1", family), flow_row("N-M2", family, who="child", day=21)])
    with django_capture_on_commit_callbacks(execute=True):
        batch = services.payment_batch_create(actor=staff_user).batch
    (message,) = mailoutbox
    assert message.to == [family["profile"].user.email]
    assert message.subject == "Automatic reimbursements: 22.00 EUR paid"
    assert "sent us 2 care acts of your family" in message.body
    assert f"ending in {bf.IBANS[0][-4:]}" in message.body and batch.reference.removeprefix("VIR-") in message.body


def test_the_receipt_speaks_french(family, staff_user, mailoutbox, django_capture_on_commit_callbacks):
    user = family["profile"].user
    user.language = "fr"
    user.save(update_fields=["language"])
    import_flow([flow_row("N-FR", family)])
    with django_capture_on_commit_callbacks(execute=True):
        services.payment_batch_create(actor=staff_user)
    (message,) = mailoutbox
    assert message.subject == "Remboursements automatiques : 11,00 EUR versés"
    assert "nous a transmis 1 acte de soins de votre famille" in message.body
