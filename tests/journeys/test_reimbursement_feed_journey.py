"""Issue 13 in a real browser: a member finds, from *My benefits*, one feed with the online claim, the optician's
third-party payment and the compulsory scheme's automatic reimbursement, what is left to pay, and the frames
ceiling the three share."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from accounts.choices import StaffRole
from accounts.tests import factories as f
from claims.services import claim_decide
from conftest import screenshot
from ledger import flow
from ledger.services import flow_import
from ledger.tests.factories import assessed_claim
from professionals import services as pro_services
from professionals.choices import Decision, TPDomain
from professionals.tests import factories as pf
from registration.tests.helpers import logged_in_staff
from tests.journeys.support import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_member_sees_every_channel_in_one_feed_with_the_shared_ceiling(open_page):
    family = pf.family()
    staff = logged_in_staff(StaffRole.CLAIMS)[1].user
    today = timezone.localdate()
    invoice = pf.invoice(
        pf.pro_profile().professional,
        family["holder"],
        domain=TPDomain.OPTI,
        total_amount=Decimal("120.00"),
        compulsory_amount=Decimal("0.00"),
        claimed_amount=Decimal("120.00"),
        base_amount=Decimal("0.00"),
        days_ago=40,
    )
    pro_services.invoice_decide(actor=staff, invoice=invoice, decision=Decision.ACCEPT)
    claim = assessed_claim(family, [("B_OPTICS", today - timedelta(days=20), "100.00", "0.00", "0.00")])
    claim_decide(actor=staff, claim=claim)
    row = {
        "statement_ref": "NOE-J-1",
        "membership_number": family["holder"].membership_number,
        "birth_date": str(family["holder"].birth_date),
        "category": "B_GP",
        "care_date": str(today - timedelta(days=5)),
        "expense": "50.00",
        "base": "30.00",
        "compulsory_paid": "19.00",
    }
    flow_import(actor=staff, content=flow.to_csv([row]).encode(), file_name="noemie.csv")

    page = open_page(1280)
    log_in(page, family["profile"].user.username, f.PASSWORD)
    page.goto("/space/benefits/")
    page.get_by_role("link", name="All my reimbursements (online and automatic) and my ceilings").click()
    expect(page.get_by_role("heading", name="My reimbursements")).to_be_visible()
    rows = page.locator("table tbody tr")
    expect(rows).to_have_count(3)
    expect(rows.nth(0)).to_contain_text("Automatic (compulsory scheme)")
    expect(rows.nth(0)).to_contain_text("31.00")  # 200 % of 30 = 60 - 19, at most 50 - 19
    expect(rows.nth(1)).to_contain_text("Online claim")
    expect(rows.nth(1)).to_contain_text("30.00")  # 150 ceiling - 120 paid to the optician
    expect(rows.nth(2)).to_contain_text("Third-party payment")
    expect(page.locator(".ceiling-counters")).to_contain_text("150.00 € used")
    screenshot(page, "journey-issue13-reimbursement-feed")
