"""The pages of My contributions (M4), of companies and agents (E4), and of the back office (B4); their PDFs."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext

from audit.models import AuditEvent
from contributions import services
from contributions.choices import CallStatus, PaymentSource
from contributions.models import ContributionCall, ReceivedPayment
from contributions.services import Quarter
from contributions.tests.conftest import log_in
from contributions.tests.helpers import pay_in_full, pdf_text
from contributions.tests.objects import make_call
from documents.pdf import paris_today

pytestmark = pytest.mark.django_db

TODAY = date(2025, 12, 12)


Q1 = Quarter(2026, 1)


def issue(quarter=Q1):
    return services.calls_generate(actor=None, quarter=quarter, today=TODAY, notify=False)


def test_the_member_sees_their_calls_only(family, other_family):
    issue()
    mine = family.contract.contribution_calls.get()
    theirs = other_family.contract.contribution_calls.get()
    page = log_in(family.user).get(reverse("contributions:list"))
    assert page.status_code == 200
    assert mine.receipt_number in page.text and theirs.receipt_number not in page.text
    assert "295.20" in page.text
    client = log_in(family.user)
    assert client.get(reverse("contributions:detail", args=[theirs.public_id])).status_code == 404
    detail = client.get(reverse("contributions:detail", args=[mine.public_id]))
    assert "Pay 295.20 EUR by card" not in detail.text  # the family's contract is paid by direct debit
    assert "Taken by direct debit from your account on" in detail.text
    family.contract.payment_method = "transfer"
    family.contract.save(update_fields=["payment_method"])
    detail = client.get(reverse("contributions:detail", args=[mine.public_id]))
    assert "Pay 295.20 EUR by card" in detail.text
    assert "Anne DURAND (subscriber, 46 in 2026)" in detail.text


def test_a_dependant_sees_no_call(family):
    issue()
    page = log_in(family.spouse.user).get(reverse("contributions:list"))
    assert page.status_code == 200
    assert family.contract.contribution_calls.get().receipt_number not in page.text


def _query_count(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_the_list_makes_as_many_queries_for_5_or_30_calls(family):
    client = log_in(family.user)
    client.get(reverse("contributions:list"))  # the session's first-request checks, out of the count
    for _ in range(5):
        make_call(family.contract)
    few = _query_count(client, reverse("contributions:list"))
    for _ in range(25):
        make_call(family.contract)
    assert _query_count(client, reverse("contributions:list")) == few


def test_the_call_pdf_says_what_is_due(family):
    (call,) = issue()
    response = log_in(family.user).get(reverse("contributions:call_pdf", args=[call.public_id]))
    assert response["Content-Type"] == "application/pdf"
    assert "attachment" in response["Content-Disposition"]
    text = pdf_text(response.content)
    for expected in ("Call for contributions", call.receipt_number, "295.20", "Anne DURAND", family.contract.number):
        assert expected in text


def test_the_receipt_exists_once_paid(family):
    (call,) = issue()
    client = log_in(family.user, language="fr")
    url = reverse("contributions:receipt_pdf", args=[call.public_id])
    assert client.get(url).status_code == 404
    pay_in_full(call, source=PaymentSource.DIRECT_DEBIT, reference="PRLV-7")
    family.user.language = "fr"
    family.user.save()
    text = pdf_text(client.get(url).content)
    assert call.receipt_number in text and "295,20" in text


def test_the_record_and_the_certificate(family):
    (call,) = issue()
    pay_in_full(call, source=PaymentSource.CARD, reference="PSP-7")
    services.annual_certificates_issue(actor=None, year=2026, today=date(2027, 1, 10))
    client = log_in(family.user)
    record = client.get(reverse("contributions:record_pdf", args=[family.contract.public_id, 2026]))
    assert call.receipt_number in pdf_text(record.content)
    certificate = family.holder.contribution_certificates.get()
    text = pdf_text(client.get(reverse("contributions:certificate_pdf", args=[certificate.public_id])).content)
    assert "Annual contribution certificate 2026" in text and "295.20" in text
    assert client.get(reverse("contributions:record_pdf", args=[family.contract.public_id, 2019])).status_code == 404


def test_a_company_and_an_agent_see_their_contracts_calls(firm, broker, family):
    issue()
    company_call = firm.contract.contribution_calls.get()
    family_call = family.contract.contribution_calls.get()
    company_page = log_in(firm.user).get(reverse("contributions:list"))
    assert company_call.receipt_number in company_page.text and family_call.receipt_number not in company_page.text
    agent_page = log_in(broker.user).get(reverse("contributions:list"))
    assert family_call.receipt_number in agent_page.text and company_call.receipt_number not in agent_page.text
    export = log_in(firm.user).get(reverse("contributions:export"))
    assert company_call.receipt_number in pdf_text(export.content)


def test_paying_sends_to_the_providers_page(family):
    (call,) = issue()
    response = log_in(family.user).post(reverse("contributions:pay", args=[call.public_id]))
    assert response.status_code == 302 and "/pay/sandbox/checkout/" in response["Location"]


def test_a_paid_call_cannot_be_paid_again(family):
    call = make_call(family.contract, paid=True)
    response = log_in(family.user).post(reverse("contributions:pay", args=[call.public_id]), follow=True)
    assert "This call has nothing left to pay." in response.text


# --- Back office ---------------------------------------------------------------------------------------


def test_staff_generate_filter_and_remind(staff_client, family):
    response = staff_client.post(reverse("contributions_backoffice:generate"), {"quarter": "2026-Q1"}, follow=True)
    assert "1 call issued for 2026-Q1." in response.text
    call = family.contract.contribution_calls.get()
    listing = staff_client.get(
        reverse("contributions_backoffice:calls"), {"status": "issued", "contract": call.contract.number}
    )
    assert call.receipt_number in listing.text
    assert AuditEvent.objects.filter(action="personal_data.viewed").exists()
    assert staff_client.get(reverse("contributions_backoffice:calls"), {"quarter": "bad"}).status_code == 200
    call.due_date = date.today() - timedelta(days=20)
    call.save()
    response = staff_client.post(reverse("contributions_backoffice:reminders"), follow=True)
    assert "1 reminder sent." in response.text


def test_staff_import_then_allocate_by_hand(staff_client, family):
    (call,) = issue()
    content = f"date,amount,reference\n2026-01-09,95.20,{call.receipt_number}\n2026-01-09,200.00,DURAND\n".encode()
    response = staff_client.post(
        reverse("contributions_backoffice:import"), {"file": SimpleUploadedFile("bank.csv", content)}, follow=True
    )
    assert "2 lines read: 1 allocated, 1 to allocate by hand, 0 already imported." in response.text
    unmatched = ReceivedPayment.objects.get(contract__isnull=True)
    assert "DURAND" in response.text
    staff_client.post(
        reverse("contributions_backoffice:allocate", args=[unmatched.public_id]),
        {"receipt_number": call.receipt_number},
    )
    call.refresh_from_db()
    assert call.status == CallStatus.PAID and call.amount_paid == Decimal("295.20")
    bad = staff_client.post(
        reverse("contributions_backoffice:import"), {"file": SimpleUploadedFile("bad.csv", b"nothing")}
    )
    assert bad.status_code == 400


def test_members_do_not_reach_the_back_office(family):
    assert log_in(family.user).get(reverse("contributions_backoffice:calls")).status_code == 404


@pytest.mark.parametrize(("account", "page"), [("fr", "en"), ("en", "fr")])
def test_the_export_is_worded_in_the_accounts_language_whatever_the_pages(family, account, page):
    issue()
    family.user.language = account
    family.user.save(update_fields=["language"])

    text = pdf_text(log_in(family.user, language=page).get(reverse("contributions:export")).content)

    with translation.override(account):
        own = [gettext("All contracts"), gettext("Calls for contributions")]
    with translation.override(page):
        other = [gettext("All contracts"), gettext("Calls for contributions")]
    assert all(word in text for word in own) and not any(word in text for word in other), text


def test_overdue_and_coming_calls_are_apart_and_only_overdue_is_to_pay_now(family):
    family.contract.payment_method = "transfer"
    family.contract.save(update_fields=["payment_method"])
    today = paris_today()
    late, coming = make_call(family.contract), make_call(family.contract)
    ContributionCall.objects.filter(pk=late.pk).update(due_date=today - timedelta(days=40))
    ContributionCall.objects.filter(pk=coming.pk).update(due_date=today + timedelta(days=20))
    page = log_in(family.user).get(reverse("contributions:list")).text
    assert "Overdue, to pay now: <strong>€123.45</strong>" in page
    assert "Coming, not due yet: €123.45" in page
    overdue, upcoming = page.split('id="overdue"')[1].split('id="upcoming"')
    assert late.receipt_number in overdue and coming.receipt_number not in overdue
    assert coming.receipt_number in upcoming.split('id="all-calls"')[0]
    assert 'data-label="Status"' in page


def test_a_direct_debit_call_shows_its_debit_date_and_no_card_payment(family):
    call = make_call(family.contract)
    ContributionCall.objects.filter(pk=call.pk).update(due_date=paris_today() + timedelta(days=20))
    page = log_in(family.user).get(reverse("contributions:list")).text
    assert "Direct debit on" in page
    assert ">Pay</a>" not in page
