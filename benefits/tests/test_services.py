"""Payment batches: the pain.001 file, the claims marked paid, blocked members, idempotency."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from decimal import Decimal

import pytest
from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction

from accounts.tests import factories as f
from audit.models import AuditEvent
from benefits import services
from benefits.models import PaymentBatch, PaymentLine
from benefits.sepa import NAMESPACE
from benefits.tests import factories as bf
from claims.choices import ClaimStatus
from core import crypto

pytestmark = pytest.mark.django_db
NS = {"p": NAMESPACE}


def parse(batch: PaymentBatch) -> ET.Element:
    with default_storage.open(batch.stored_name, "rb") as stored:
        raw = stored.read()
    assert b"CstmrCdtTrfInitn" not in raw  # stored encrypted
    return ET.fromstring(crypto.decrypt(raw))


@pytest.fixture
def staff_user():
    return f.user(is_staff=True)


def test_batch_pays_every_claim_with_an_account(family, other_family, staff_user, django_capture_on_commit_callbacks):
    first = bf.decided_claim(family, [("B_GP", "30.00", "16.50", "13.50"), ("B_PHAR", "20.00", "13.00", "7.00")])
    second = bf.decided_claim(other_family, [("B_OPTICS", "300.00", "0.09", "150.00")])
    partial = bf.decided_claim(family, status=ClaimStatus.PARTIALLY_VALIDATED, beneficiary=family["child"].person)
    bf.decided_claim(family, status=ClaimStatus.REJECTED, items=[("B_GP", "30.00", "0", "0")])

    with django_capture_on_commit_callbacks(execute=True):
        result = services.payment_batch_create(actor=staff_user)

    batch = result.batch
    assert result.blocked == []
    assert batch.count == 3
    assert batch.total == Decimal("184.00")
    root = parse(batch)
    header = root.find("p:CstmrCdtTrfInitn/p:GrpHdr", NS)
    assert header.findtext("p:MsgId", namespaces=NS) == batch.reference
    assert header.findtext("p:NbOfTxs", namespaces=NS) == "3"
    assert Decimal(header.findtext("p:CtrlSum", namespaces=NS)) == Decimal("184.00")
    info = root.find("p:CstmrCdtTrfInitn/p:PmtInf", NS)
    assert info.findtext("p:DbtrAcct/p:Id/p:IBAN", namespaces=NS) == "FR7630006000011234567890189"
    assert info.findtext("p:ReqdExctnDt", namespaces=NS) == batch.execution_date.isoformat()
    transactions = {
        tx.findtext("p:PmtId/p:EndToEndId", namespaces=NS): (
            tx.findtext("p:CdtrAcct/p:Id/p:IBAN", namespaces=NS),
            Decimal(tx.findtext("p:Amt/p:InstdAmt", namespaces=NS)),
        )
        for tx in info.findall("p:CdtTrfTxInf", NS)
    }
    assert transactions == {
        first.reference: (bf.IBANS[0], Decimal("20.50")),
        second.reference: (bf.IBANS[1], Decimal("150.00")),
        partial.reference: (bf.IBANS[0], Decimal("13.50")),
    }
    for claim in (first, second, partial):
        claim.refresh_from_db()
        assert claim.paid_at is not None
    assert AuditEvent.objects.filter(action="payment_batch.created").count() == 1
    assert AuditEvent.objects.filter(action="claim.paid").count() == 3


def test_second_batch_does_not_pay_again(family, staff_user):
    bf.decided_claim(family)
    assert services.payment_batch_create(actor=staff_user).batch is not None

    again = services.payment_batch_create(actor=staff_user)

    assert again.batch is None
    assert PaymentBatch.objects.count() == 1
    assert PaymentLine.objects.count() == 1


def test_a_claim_is_never_in_two_batches(family, staff_user):
    claim = bf.decided_claim(family)
    batch = services.payment_batch_create(actor=staff_user).batch
    line = batch.lines.get()
    with pytest.raises(IntegrityError), transaction.atomic():
        PaymentLine.objects.create(
            batch=batch, claim=claim, amount=1, creditor_name="x", iban=line.iban, iban_last4="0000", end_to_end_id="x"
        )


def test_member_without_account_is_blocked(family, product, staff_user):
    poor = bf.family(product=product, iban=None)
    blocked = bf.decided_claim(poor)
    paid = bf.decided_claim(family)

    result = services.payment_batch_create(actor=staff_user)

    assert [line.claim for line in result.batch.lines.all()] == [paid]
    assert [payable.claim for payable in result.blocked] == [blocked]
    assert "bank account" in result.blocked[0].blocked_reason
    blocked.refresh_from_db()
    assert blocked.paid_at is None


def test_nothing_payable_makes_no_batch(family, staff_user):
    bf.decided_claim(family, status=ClaimStatus.REJECTED, items=[("B_GP", "30.00", "0", "0")])
    assert services.payment_batch_create(actor=staff_user).batch is None
    assert not PaymentBatch.objects.exists()


def test_ended_account_is_not_used(family, staff_user):
    account = family["holder"].bank_accounts.get()
    account.valid_to = account.valid_from
    account.save()
    bf.decided_claim(family)
    result = services.payment_batch_create(actor=staff_user)
    assert result.batch is None
    assert len(result.blocked) == 1


def test_each_member_gets_a_payment_receipt_in_their_language(
    family, other_family, staff_user, mailoutbox, django_capture_on_commit_callbacks
):
    user = family["profile"].user
    user.language = "fr"
    user.save(update_fields=["language"])
    first = bf.decided_claim(family, [("B_GP", "30.00", "16.50", "13.50")])
    second = bf.decided_claim(other_family, [("B_OPTICS", "300.00", "0.09", "150.00")])

    with django_capture_on_commit_callbacks(execute=True):
        batch = services.payment_batch_create(actor=staff_user).batch

    by_recipient = {message.to[0]: message for message in mailoutbox}
    assert set(by_recipient) == {user.email, other_family["profile"].user.email}
    french = by_recipient[user.email]
    assert french.subject == f"Votre demande de remboursement {first.reference} : 13,50 EUR versés"
    assert "se terminant par " + bf.IBANS[0][-4:] in french.body
    assert batch.reference in french.body
    english = by_recipient[other_family["profile"].user.email]
    assert english.subject == f"Your claim {second.reference}: 150.00 EUR paid"
    assert f"your account ending in {bf.IBANS[1][-4:]}" in english.body


def test_a_rolled_back_batch_sends_no_receipt(family, staff_user, mailoutbox, monkeypatch):
    bf.decided_claim(family)
    monkeypatch.setattr(services.default_storage, "save", lambda *a, **k: (_ for _ in ()).throw(OSError("disk full")))
    with pytest.raises(OSError):
        services.payment_batch_create(actor=staff_user)
    assert mailoutbox == []
    assert not PaymentBatch.objects.exists()
