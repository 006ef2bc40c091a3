"""Pages of the professional space and its back office: scoping, filters, bounded queries, decisions, payments."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEvent
from audit.services import ACCESS_ACTION
from core.testing.documents import pdf_bytes
from professionals import services
from professionals.choices import Decision, InvoiceStatus
from professionals.models import ContactMessage, Invoice
from professionals.tests import factories as pf
from professionals.tests.conftest import log_in

pytestmark = pytest.mark.django_db
PDF = pdf_bytes()


def _queries(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_a_professional_sees_only_its_own_invoices(pro_client, pro, other_pro, family):
    mine = pf.invoice(pro.professional, family["holder"], number="MINE-1")
    theirs = pf.invoice(other_pro.professional, family["holder"], number="THEIRS-1")
    page = pro_client.get(reverse("professionals:invoices")).content.decode()
    assert "MINE-1" in page and "THEIRS-1" not in page
    assert pro_client.get(reverse("professionals:invoice", args=[mine.public_id])).status_code == 200
    assert pro_client.get(reverse("professionals:invoice", args=[theirs.public_id])).status_code == 404


def test_the_invoice_list_filters_by_status_and_care_period(pro_client, pro, family, claims_staff):
    today = timezone.localdate()
    old = pf.invoice(pro.professional, family["holder"], number="OLD-1", days_ago=100)
    recent = pf.invoice(pro.professional, family["holder"], number="NEW-1", days_ago=5)
    services.invoice_decide(actor=claims_staff["user"], invoice=recent, decision=Decision.REJECT, reason="other")
    url = reverse("professionals:invoices")
    page = pro_client.get(url, {"status": "rejected"}).content.decode()
    assert "NEW-1" in page and "OLD-1" not in page
    start = (today - timedelta(days=120)).isoformat()
    end = (today - timedelta(days=50)).isoformat()
    page = pro_client.get(url, {"care_from": start, "care_to": end}).content.decode()
    assert "OLD-1" in page and "NEW-1" not in page
    bad = pro_client.get(url, {"care_from": end, "care_to": start, "status": "nonsense"})
    assert bad.status_code == 400 and "The end of the period is before its start." in bad.content.decode()
    assert old.status == InvoiceStatus.RECEIVED


def test_list_pages_make_the_same_number_of_queries_for_5_and_30_rows(pro_client, pro, family, claims_staff):
    def fill(count):
        for _ in range(count):
            invoice = pf.invoice(pro.professional, family["holder"])
            services.invoice_decide(actor=claims_staff["user"], invoice=invoice, decision=Decision.ACCEPT)
            services.payment_record(
                actor=claims_staff["user"],
                professional=pro.professional,
                invoice_ids=[invoice.public_id],
                paid_on=timezone.localdate(),
            )
            services.message_send(actor=pro, subject="Question", body="Body")

    urls = [reverse(name) for name in ("professionals:invoices", "professionals:payments", "professionals:contact")]
    fill(5)
    pro_client.get(reverse("accounts:dashboard"))  # the session's first page makes queries of its own
    few = [_queries(pro_client, url) for url in urls]
    fill(25)
    assert [_queries(pro_client, url) for url in urls] == few
    staff_urls = [
        reverse("professionals_backoffice:queue") + "?status=paid",
        reverse("professionals_backoffice:payments"),
    ]
    staff = claims_staff["client"]
    staff.get(staff_urls[1])
    few = [_queries(staff, url) for url in staff_urls]
    fill(5)
    assert [_queries(staff, url) for url in staff_urls] == few


def test_detail_pages_make_the_same_number_of_queries_for_5_and_30_rows(
    pro_client, pro, family, claims_staff, requests_staff
):
    """A payment's invoices and a conversation's replies are listed in one query each, on both sides."""
    requests_client = requests_staff["client"]

    def fill(count):
        invoices = [pf.invoice(pro.professional, family["holder"]) for _ in range(count)]
        for invoice in invoices:
            services.invoice_decide(actor=claims_staff["user"], invoice=invoice, decision=Decision.ACCEPT)
        payment = services.payment_record(
            actor=claims_staff["user"],
            professional=pro.professional,
            invoice_ids=[invoice.public_id for invoice in invoices],
            paid_on=timezone.localdate(),
        )
        message = services.message_send(actor=pro, subject="Question", body="Body")
        for _ in range(count):
            services.message_reply(actor=claims_staff["user"], message=message, body="Answer", from_staff=True)
            services.message_reply(actor=pro.user, message=message, body="Follow-up", from_staff=False)
        return [
            (pro_client, reverse("professionals:payment", args=[payment.public_id])),
            (pro_client, reverse("professionals:message", args=[message.public_id])),
            (claims_staff["client"], reverse("professionals_backoffice:payment", args=[payment.public_id])),
            (requests_client, reverse("professionals_backoffice:message", args=[message.public_id])),
        ]

    pro_client.get(reverse("accounts:dashboard"))  # the session's first page makes queries of its own
    requests_client.get(reverse("professionals_backoffice:messages"))
    few = [_queries(client, url) for client, url in fill(5)]
    assert [_queries(client, url) for client, url in fill(30)] == few


def test_a_payment_page_lists_the_invoices_it_settles(pro_client, pro, other_pro, family, claims_staff):
    invoices = [pf.invoice(pro.professional, family["holder"], number=f"PAY-{n}") for n in range(2)]
    for invoice in invoices:
        services.invoice_decide(actor=claims_staff["user"], invoice=invoice, decision=Decision.ACCEPT)
    payment = services.payment_record(
        actor=claims_staff["user"],
        professional=pro.professional,
        invoice_ids=[i.public_id for i in invoices],
        paid_on=timezone.localdate(),
    )
    page = pro_client.get(reverse("professionals:payment", args=[payment.public_id])).content.decode()
    assert payment.reference in page and "PAY-0" in page and "PAY-1" in page and "46.00" in page
    assert (
        log_in(Client(), other_pro.user).get(reverse("professionals:payment", args=[payment.public_id])).status_code
        == 404
    )


def test_claims_staff_decide_from_the_queue_and_pay(pro, family, claims_staff, django_capture_on_commit_callbacks):
    staff = claims_staff["client"]
    invoice = pf.invoice(pro.professional, family["holder"], number="Q-1", claimed="30.00")
    queue = staff.get(reverse("professionals_backoffice:queue")).content.decode()
    assert "Q-1" in queue
    assert AuditEvent.objects.filter(action=ACCESS_ACTION, data__reason="tp_invoice_queue").exists()
    decide = reverse("professionals_backoffice:decide", args=[invoice.public_id])
    refused = staff.post(decide, {"decision": "partial", "accepted_amount": "45", "reason": "above_guarantee"})
    assert refused.status_code == 400 and "less than the amount claimed" in refused.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = staff.post(decide, {"decision": "partial", "accepted_amount": "20", "reason": "above_guarantee"})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    page = staff.get(reverse("professionals_backoffice:payments")).content.decode()
    assert "Q-1" in page
    with django_capture_on_commit_callbacks(execute=True):
        response = staff.post(
            reverse("professionals_backoffice:payment_create"),
            {
                "professional": str(pro.professional.public_id),
                "invoices": [str(invoice.public_id)],
                "paid_on": timezone.localdate().isoformat(),
            },
        )
    assert response.status_code == 302
    invoice.refresh_from_db()
    assert invoice.status == InvoiceStatus.PAID and invoice.payment.amount == invoice.accepted_amount
    assert len(mail.outbox) == 2
    again = staff.post(
        reverse("professionals_backoffice:payment_create"),
        {
            "professional": str(pro.professional.public_id),
            "invoices": [str(invoice.public_id)],
            "paid_on": timezone.localdate().isoformat(),
        },
    )
    assert again.status_code == 302 and again.url == reverse("professionals_backoffice:payments")


def test_the_contact_form_sends_once_and_staff_answer(
    pro_client, pro, requests_staff, django_capture_on_commit_callbacks
):
    url = reverse("professionals:contact")
    form = pro_client.get(url).context["form"]
    data = {"subject": "Rejet de facture", "body": "Pourquoi ?", "idempotency_key": form.initial["idempotency_key"]}
    first = pro_client.post(url, {**data, "attachment": SimpleUploadedFile("f.pdf", PDF)})
    second = pro_client.post(url, data)
    assert first.status_code == second.status_code == 302 and first.url == second.url
    message = ContactMessage.objects.get()
    assert pro_client.get(reverse("professionals:message_attachment", args=[message.public_id])).status_code == 200
    staff = requests_staff["client"]
    assert "Rejet de facture" in staff.get(reverse("professionals_backoffice:messages")).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        staff.post(
            reverse("professionals_backoffice:message_reply", args=[message.public_id]), {"body": "Carte échue."}
        )
    assert "Carte échue." in pro_client.get(reverse("professionals:message", args=[message.public_id])).content.decode()
    assert len(mail.outbox) == 1 and mail.outbox[0].to == [pro.user.email]


def test_an_empty_message_is_refused_and_nothing_is_stored(pro_client):
    response = pro_client.post(reverse("professionals:contact"), {"subject": "", "body": ""})
    assert response.status_code == 400 and not ContactMessage.objects.exists()


def test_the_home_pages_list_the_entries(pro_client, family):
    home = pro_client.get(reverse("accounts:dashboard")).content.decode()
    for name in ("professionals:rights", "professionals:invoices", "professionals:payments", "professionals:contact"):
        assert reverse(name) in home
    member = log_in(Client(), family["profile"].user)
    assert reverse("network:search") in member.get(reverse("accounts:dashboard")).content.decode()


def test_invoices_are_not_for_other_profiles(family):
    member = log_in(Client(), family["profile"].user)
    assert member.get(reverse("professionals:invoices")).status_code == 404
    assert not Invoice.objects.exists()
