"""My contributions in a real browser: the demo member sees the calls the demo builds, pays the open one by card on
the sandbox provider's hosted page (which notifies the portal server to server), comes back to a paid call,
downloads the receipt and finds the receipt email in the mailbox."""

from __future__ import annotations

import re
from datetime import date

import pytest
from playwright.sync_api import expect
from pypdf import PdfReader

from accounts.choices import ProfileKind, StaffRole
from accounts.tests import factories as f
from conftest import screenshot
from contracts.tests import factories as cf
from contributions import demo_data
from contributions.choices import CallStatus
from contributions.models import ContributionCall
from demo.context import DemoContext
from demo.members import holder_number
from people.tests.factories import company, dependant, person
from tests.journeys.support import log_in, staff_log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def demo_member():
    """The demo's first holder (individual contract with family), with the demo's calls of the last quarters."""
    holder = person(
        membership_number=holder_number(0), first_name="Juliette", last_name="Bertrand", birth_date=date(1981, 4, 2)
    )
    contract = cf.individual_contract(holder, payment_method="card")
    principal = contract.affiliations.get()
    cf.dependant_of(principal, dependant(first_name="Joseph", last_name="Bertrand", birth_date=date(2009, 6, 1)))
    account = f.user(language="en", email="juliette.bertrand@example.fr", first_name="Juliette")
    f.profile(ProfileKind.MEMBER, holder, account=account)
    cf.subscriber(cf.collective_contract(company()), person())
    demo_data.build(DemoContext(today=date.today()))  # noqa: DTZ011 - the demo's own reference date
    return account, contract


def test_demo_member_pays_an_open_call_by_card(open_page, mailbox):
    account, contract = demo_member()
    open_call = contract.contribution_calls.filter(status=CallStatus.ISSUED).order_by("-period_start").first()
    assert contract.contribution_calls.filter(status=CallStatus.PAID).exists()
    page = open_page(1280)
    log_in(page, account.username, f.PASSWORD)
    page.get_by_role("link", name="My contributions").click()
    expect(page.get_by_role("heading", name="My contributions")).to_be_visible()
    row = page.get_by_role("row").filter(has_text=open_call.receipt_number).first  # overdue or coming, then all
    expect(row.get_by_text("To pay")).to_be_visible()
    screenshot(page, "journey-contributions-01-list")

    row.get_by_role("link", name=open_call.receipt_number).click()
    pay = page.get_by_role("button", name=re.compile(r"^Pay .* EUR by card$"))
    expect(pay).to_be_visible()
    screenshot(page, "journey-contributions-02-call")
    pay.click()

    expect(page.get_by_text("SandboxPay").first).to_be_visible()
    expect(page.get_by_text(open_call.receipt_number)).to_be_visible()
    page.get_by_label("Card number").fill("4242 4242 4242 4242")
    page.get_by_label("Expiry date (MM/YY)").fill("12/39")
    page.get_by_label("Security code (CVC)").fill("123")
    screenshot(page, "journey-contributions-03-sandbox")
    page.get_by_role("button", name=re.compile(r"^Pay ")).click()

    expect(page.get_by_text("Your payment is accepted.")).to_be_visible()
    expect(page.get_by_text("Card Visa ending in 4242")).to_be_visible()
    screenshot(page, "journey-contributions-04-return")
    page.get_by_role("button", name="Back to the call for contributions").click()
    expect(page.locator(".contrib-status-paid")).to_have_text("Paid")
    with page.expect_download() as download:
        page.get_by_role("link", name="Receipt (PDF)").click()
    text = " ".join(p.extract_text() for p in PdfReader(download.value.path()).pages)
    assert open_call.receipt_number in text and "Contribution receipt" in text and "4242" in text
    screenshot(page, "journey-contributions-05-paid")

    assert ContributionCall.objects.get(pk=open_call.pk).status == CallStatus.PAID
    receipt = mailbox.one(mailbox.all(), "Payment received", "juliette.bertrand@example.fr")
    assert open_call.receipt_number in receipt.text and "paid in full" in receipt.text


def test_contributions_staff_import_a_bank_statement_and_allocate_the_rest(open_page, tmp_path):
    _account, contract = demo_member()
    overdue = contract.contribution_calls.filter(status=CallStatus.ISSUED).order_by("period_start").first()
    page = open_page(1280)
    staff_log_in(page, StaffRole.CONTRIBUTIONS)
    page.goto("/backoffice/")
    page.get_by_role("link", name=re.compile("Overdue calls for contributions")).click()
    expect(page.get_by_role("heading", name="Calls for contributions")).to_be_visible()
    page.get_by_label("Overdue only").check()
    page.get_by_role("button", name="Filter").click()
    expect(page.get_by_role("link", name=overdue.receipt_number)).to_be_visible()
    screenshot(page, "journey-contributions-06-backoffice")

    statement = tmp_path / "releve.csv"
    statement.write_text(
        f"date;amount;reference\n2026-11-20;100,00;VIR BERTRAND\n2026-11-20;5,00;{overdue.receipt_number}\n"
    )
    page.get_by_role("button", name="Import a payment file").click()
    page.get_by_label("Bank statement (CSV: date, amount, reference)").set_input_files(str(statement))
    page.get_by_role("button", name="Import", exact=True).click()
    expect(page.get_by_text("2 lines read: 1 allocated, 1 to allocate by hand, 0 already imported.")).to_be_visible()
    row = page.get_by_role("row").filter(has_text="VIR BERTRAND")
    row.get_by_label("Receipt number of the call").fill(overdue.receipt_number)
    screenshot(page, "journey-contributions-07-allocate")
    row.get_by_role("button", name="Allocate").click()
    expect(page.get_by_text("100.00 EUR allocated.")).to_be_visible()
    assert ContributionCall.objects.get(pk=overdue.pk).amount_paid == 105
