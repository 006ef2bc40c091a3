"""Invoices, their state machine, payments and messages (SPEC H1, H3)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile

from audit.models import AuditEvent
from core.testing.documents import pdf_bytes
from professionals import services
from professionals.choices import TRANSITIONS, Decision, InvoiceAction, InvoiceStatus, MessageStatus, allowed
from professionals.models import ContactMessage, Invoice
from professionals.tests import factories as pf

pytestmark = pytest.mark.django_db
PDF = pdf_bytes()


def test_the_state_machine_is_one_table():
    assert allowed(None, InvoiceAction.RECEIVE, InvoiceStatus.RECEIVED)
    assert allowed(InvoiceStatus.RECEIVED, InvoiceAction.DECIDE, InvoiceStatus.REJECTED)
    assert allowed(InvoiceStatus.PARTIALLY_ACCEPTED, InvoiceAction.PAY, InvoiceStatus.PAID)
    assert not allowed(InvoiceStatus.REJECTED, InvoiceAction.PAY, InvoiceStatus.PAID)
    assert not allowed(InvoiceStatus.PAID, InvoiceAction.DECIDE, InvoiceStatus.ACCEPTED)
    assert not allowed(InvoiceStatus.RECEIVED, InvoiceAction.PAY, InvoiceStatus.PAID)
    reachable = {target for targets in TRANSITIONS.values() for target in targets}
    assert reachable == set(InvoiceStatus.values)


def test_an_invoice_sent_twice_is_recorded_once(pro, family):
    first = pf.invoice(pro.professional, family["holder"], number="F-0001")
    again = pf.invoice(pro.professional, family["holder"], number="F-0001", claimed="99.00")
    assert again.pk == first.pk and Invoice.objects.count() == 1
    assert AuditEvent.objects.filter(action="tp_invoice.received").count() == 1


def test_amounts_must_add_up(pro, family):
    with pytest.raises(ValidationError):
        pf.invoice(pro.professional, family["holder"], total_amount=Decimal("20.00"), claimed="23.00")
    assert not Invoice.objects.exists()


def test_accepting_pays_the_amount_claimed_and_sends_no_email(
    pro, family, claims_staff, django_capture_on_commit_callbacks
):
    invoice = pf.invoice(pro.professional, family["holder"])
    with django_capture_on_commit_callbacks(execute=True):
        services.invoice_decide(actor=claims_staff["user"], invoice=invoice, decision=Decision.ACCEPT)
    invoice.refresh_from_db()
    assert (invoice.status, invoice.accepted_amount) == (InvoiceStatus.ACCEPTED, invoice.claimed_amount)
    assert mail.outbox == []
    assert AuditEvent.objects.filter(action="tp_invoice.decided", target_id=str(invoice.public_id)).exists()


def test_a_rejection_needs_a_reason_and_is_emailed_in_the_professionals_language(
    family, claims_staff, django_capture_on_commit_callbacks
):
    pro = pf.pro_profile(language="fr")
    invoice = pf.invoice(pro.professional, family["holder"], number="F-REJ-1")
    with pytest.raises(ValidationError) as error:
        services.invoice_decide(actor=claims_staff["user"], invoice=invoice, decision=Decision.REJECT)
    assert "reason" in error.value.message_dict
    with django_capture_on_commit_callbacks(execute=True):
        services.invoice_decide(
            actor=claims_staff["user"],
            invoice=invoice,
            decision=Decision.REJECT,
            reason="no_rights",
            note="Carte échue.",
        )
    invoice.refresh_from_db()
    assert invoice.status == InvoiceStatus.REJECTED and invoice.accepted_amount == Decimal("0.00")
    (message,) = mail.outbox
    assert message.to == [pro.user.email]
    assert "F-REJ-1" in message.subject and "rejetée" in message.subject
    assert "Aucun droit ouvert à la date des soins" in message.body and "Carte échue." in message.body


def test_a_partial_acceptance_is_between_zero_and_the_claim(pro, family, claims_staff):
    invoice = pf.invoice(pro.professional, family["holder"], claimed="40.00")
    for amount in (Decimal("0"), Decimal("40.00"), Decimal("41"), None):
        with pytest.raises(ValidationError):
            services.invoice_decide(
                actor=claims_staff["user"],
                invoice=invoice,
                decision=Decision.PARTIAL,
                accepted_amount=amount,
                reason="above_guarantee",
            )
    services.invoice_decide(
        actor=claims_staff["user"],
        invoice=invoice,
        decision=Decision.PARTIAL,
        accepted_amount=Decimal("25.5"),
        reason="above_guarantee",
    )
    invoice.refresh_from_db()
    assert (invoice.status, invoice.accepted_amount) == (InvoiceStatus.PARTIALLY_ACCEPTED, Decimal("25.50"))


def test_an_invoice_is_decided_once(pro, family, claims_staff):
    invoice = pf.invoice(pro.professional, family["holder"])
    services.invoice_decide(actor=claims_staff["user"], invoice=invoice, decision=Decision.ACCEPT)
    with pytest.raises(ValidationError):
        services.invoice_decide(actor=claims_staff["user"], invoice=invoice, decision=Decision.REJECT, reason="other")


def _accepted(pro, family, staff, *amounts):
    invoices = [pf.invoice(pro.professional, family["holder"], claimed=amount) for amount in amounts]
    for invoice in invoices:
        services.invoice_decide(actor=staff, invoice=invoice, decision=Decision.ACCEPT)
    return invoices


def test_a_payment_settles_accepted_invoices_once(pro, family, claims_staff, django_capture_on_commit_callbacks):
    invoices = _accepted(pro, family, claims_staff["user"], "23.00", "16.50")
    ids = [invoice.public_id for invoice in invoices]
    with django_capture_on_commit_callbacks(execute=True):
        payment = services.payment_record(
            actor=claims_staff["user"], professional=pro.professional, invoice_ids=ids, paid_on=date(2026, 11, 20)
        )
    assert (payment.amount, payment.invoice_count) == (Decimal("39.50"), 2)
    assert set(Invoice.objects.values_list("status", flat=True)) == {InvoiceStatus.PAID}
    assert set(Invoice.objects.values_list("payment", flat=True)) == {payment.pk}
    (message,) = mail.outbox
    assert payment.reference in message.subject and "39.50" in message.body
    with pytest.raises(ValidationError):
        services.payment_record(
            actor=claims_staff["user"], professional=pro.professional, invoice_ids=ids, paid_on=date(2026, 11, 21)
        )
    assert AuditEvent.objects.filter(action="tp_payment.recorded").count() == 1
    assert AuditEvent.objects.filter(action="tp_invoice.paid").count() == 2


def test_a_payment_takes_neither_another_professionals_nor_an_undecided_invoice(pro, other_pro, family, claims_staff):
    (mine,) = _accepted(pro, family, claims_staff["user"], "10.00")
    (theirs,) = _accepted(other_pro, family, claims_staff["user"], "12.00")
    received = pf.invoice(pro.professional, family["holder"])
    for ids in ([mine.public_id, theirs.public_id], [received.public_id], []):
        with pytest.raises(ValidationError):
            services.payment_record(
                actor=claims_staff["user"], professional=pro.professional, invoice_ids=ids, paid_on=date(2026, 11, 20)
            )
    assert not Invoice.objects.filter(status=InvoiceStatus.PAID).exists()


def test_a_message_with_a_document_is_stored_encrypted_and_sent_once(pro):
    upload = SimpleUploadedFile("feuille.pdf", PDF, content_type="application/pdf")
    message = services.message_send(
        actor=pro, subject="Facture F123", body="Bonjour", attachment=upload, idempotency_key="k1"
    )
    again = services.message_send(actor=pro, subject="Facture F123", body="Bonjour", idempotency_key="k1")
    assert again.pk == message.pk and ContactMessage.objects.count() == 1
    assert message.attachment_type == "application/pdf" and message.attachment_original_name == "feuille.pdf"
    with default_storage.open(message.attachment_name) as stored:
        assert stored.read() == PDF
    assert AuditEvent.objects.filter(action="pro_message.sent").count() == 1


def test_a_document_that_is_not_one_is_refused_and_nothing_is_kept(pro):
    upload = SimpleUploadedFile("virus.pdf", b"MZ\x90\x00 not a pdf", content_type="application/pdf")
    with pytest.raises(ValidationError) as error:
        services.message_send(actor=pro, subject="Hello", body="Body", attachment=upload)
    assert "attachment" in error.value.message_dict
    assert not ContactMessage.objects.exists()


def test_an_answer_emails_the_professional_and_a_follow_up_reopens(
    pro, requests_staff, django_capture_on_commit_callbacks
):
    message = services.message_send(actor=pro, subject="Question", body="Bonjour")
    with django_capture_on_commit_callbacks(execute=True):
        services.message_reply(actor=requests_staff["user"], message=message, body="Voici la réponse.", from_staff=True)
    message.refresh_from_db()
    assert message.status == MessageStatus.ANSWERED
    (email,) = mail.outbox
    assert "Question" in email.subject and "Voici la réponse." in email.body
    services.message_reply(actor=pro.user, message=message, body="Merci, encore une chose.", from_staff=False)
    message.refresh_from_db()
    assert message.status == MessageStatus.OPEN and message.replies.count() == 2


def test_the_privacy_hook_exports_and_keeps_the_invoices_of_a_person(pro, family, claims_staff):
    from privacy.hooks import Subject
    from professionals import privacy_hooks

    invoice = pf.invoice(pro.professional, family["holder"], number="PRIV-1")
    subject = Subject(person=family["holder"])
    (row,) = privacy_hooks.export(subject)
    assert row["invoice_number"] == "PRIV-1" and row["professional"] == pro.professional.name
    assert privacy_hooks.open_matters(family["holder"]) == ["PRIV-1"]
    services.invoice_decide(actor=claims_staff["user"], invoice=invoice, decision=Decision.ACCEPT)
    assert privacy_hooks.open_matters(family["holder"]) == []
    assert [kept.code for kept in privacy_hooks.erase(subject, full=True).kept] == ["claims_accounting"]
    assert privacy_hooks.audit_targets(subject) == [("professionals.invoice", str(invoice.public_id))]
