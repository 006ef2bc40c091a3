"""The health-professional space and the partner-network directory in a real browser (SPEC H1, H2, M11).

The world is the demo's, built by its own builders: the catalogue, the twenty Paris-area partner professionals
(Dr Claire Morel, the demo professional, among them), demo holders covered by Santé Équilibre, and the demo
professional's invoices and payments (``professionals.demo_data``). The demo professional logs in, checks a demo
member's rights with the member number on the card, then sees its invoices and a payment; a demo member looks for
a dentist near a Paris district.
"""

from __future__ import annotations

import re
from datetime import date

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from accounts.choices import ProfileKind, StaffRole
from accounts.models import User
from accounts.tests import factories as f
from conftest import screenshot
from contracts.choices import AffiliationRole
from contracts.services import catalogue_load_file
from contracts.tests import factories as cf
from demo.accounts import STAFF_USERNAMES
from demo.context import DemoContext
from demo.members import holder_number
from demo.network import professionals_build
from people.tests.factories import dependant, person
from professionals import demo_data
from professionals.models import Invoice, ProfessionalPayment
from tests.journeys.support import log_in, log_out, staff_log_in_as

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def demo_world():
    """The demo's partner network, three covered holders (the first with a child), the demo staff, the demo
    professional's login and its invoices."""
    ctx = DemoContext(today=timezone.localdate())
    catalogue_load_file(actor=None)
    ctx.load_catalogue()
    morel = professionals_build(ctx)[0]
    product = ctx.products["SANTE_EQUILIBRE"]
    holder = person(
        membership_number=holder_number(0), last_name="Bertrand", first_name="Juliette", birth_date=date(1981, 10, 2)
    )
    contract = cf.individual_contract(holder, product=product, effective_date=date(2023, 1, 1))
    child = dependant(last_name="Bertrand", first_name="Noé", birth_date=date(2014, 6, 11))
    cf.dependant_of(contract.affiliations.get(), child, role=AffiliationRole.CHILD)
    for index in (1, 2):
        cf.individual_contract(person(membership_number=holder_number(index)), product=product)
    for role in (StaffRole.CLAIMS, StaffRole.REQUESTS):
        f.staff(role, account=f.user(username=STAFF_USERNAMES[role], is_staff=True))
    pro = f.profile(ProfileKind.PROFESSIONAL, morel, account=f.user(language="en"))
    member = f.profile(ProfileKind.MEMBER, holder, account=f.user(language="en"))
    demo_data.build(ctx)
    return {"pro": pro, "member": member, "holder": holder, "child": child, "contract": contract}


def _check(page, card_number: str, last_name: str, first_name: str, birth_date: str) -> None:
    page.get_by_label("Member number on the card").fill(card_number)
    page.get_by_label("Patient's surname").fill(last_name)
    page.get_by_label("Patient's first name").fill(first_name)
    page.get_by_label("Patient's date of birth").fill(birth_date)
    page.get_by_role("button", name="Check the rights").click()
    page.wait_for_load_state()


def test_the_demo_professional_checks_rights_and_follows_its_invoices(open_page):
    world = demo_world()
    for width in (390, 1280):
        page = open_page(width)
        log_in(page, world["pro"].user.username, f.PASSWORD)
        page.get_by_role("link", name="Check a member's rights").click()
        expect(page.get_by_role("heading", name="Check a member's rights")).to_be_visible()
        expect(page.get_by_label("Care date")).to_have_value(timezone.localdate().isoformat())

        _check(page, holder_number(0), "BERTRAND", "noe", "2014-06-11")
        result = page.locator(".rights-result")
        expect(result.get_by_role("heading", name=re.compile(r"^Rights open on"))).to_be_visible()
        expect(result).to_contain_text("Noé BERTRAND")
        expect(result).to_contain_text(world["contract"].number)
        expect(result).to_contain_text("Health Balance")
        expect(result.get_by_text("DENT", exact=True).first).to_be_visible()
        assert "Juliette" not in result.inner_text()  # only the patient named is shown
        screenshot(page, f"journey-professional-rights-covered-{width}")

        _check(page, holder_number(0), "Bertrand", "Noé", "2014-06-12")
        expect(page.get_by_role("heading", name="No rights found")).to_be_visible()
        screenshot(page, f"journey-professional-rights-none-{width}")
        log_out(page)

    page = open_page(1280)
    log_in(page, world["pro"].user.username, f.PASSWORD)
    page.get_by_role("link", name="My third-party-payment invoices").click()
    expect(page.get_by_role("heading", name="My third-party-payment invoices")).to_be_visible()
    rejected = Invoice.objects.get(status="rejected")
    page.get_by_label("Status").select_option("rejected")
    page.get_by_role("button", name="Show").click()
    expect(page.get_by_role("link", name=rejected.number)).to_be_visible()
    expect(page.get_by_text("1 invoice: 9.00 EUR claimed, 0.00 EUR accepted.")).to_be_visible()
    page.get_by_role("link", name=rejected.number).click()
    expect(page.get_by_text("Reason: The patient is not covered by this card")).to_be_visible()
    screenshot(page, "journey-professional-invoice-rejected")

    page.get_by_role("link", name="My third-party-payment invoices").first.click()  # menu, breadcrumb or back link
    payment = ProfessionalPayment.objects.order_by("-paid_on").first()
    page.get_by_role("link", name=payment.reference).first.click()
    expect(page.get_by_role("heading", name=f"Payment {payment.reference}")).to_be_visible()
    for invoice in payment.invoices.all():
        expect(page.get_by_role("link", name=invoice.number)).to_be_visible()
    screenshot(page, "journey-professional-payment")


def test_a_demo_member_finds_a_dentist_near_a_city(open_page):
    world = demo_world()
    for width in (390, 1280):
        page = open_page(width)
        log_in(page, world["member"].user.username, f.PASSWORD)
        page.get_by_role("link", name="Find a health professional").click()
        expect(page.get_by_role("heading", name="Find a health professional")).to_be_visible()
        expect(page.get_by_role("button", name="Use my position")).to_be_visible()  # the browser has geolocation
        page.get_by_label("Specialty").select_option(label="Dentist")
        page.get_by_label("Town or postcode").fill("Paris 75011")
        page.get_by_label("Within").select_option("5")
        page.get_by_role("button", name="Search", exact=True).click()
        page.wait_for_load_state()
        expect(
            page.get_by_role("heading", name=re.compile(r"^2 professionals within 5 km of Paris \(75011\)"))
        ).to_be_visible()
        results = page.locator(".network-result")
        expect(results).to_have_count(2)
        distances = [float(text.split()[0]) for text in results.locator(".network-distance").all_inner_texts()]
        assert distances == sorted(distances) and distances[0] < 5
        expect(results.first).to_contain_text("Dentist")
        screenshot(page, f"journey-network-dentists-{width}")
        log_out(page)


def test_claims_staff_reject_one_invoice_and_pay_the_accepted_ones(open_page, mailbox):
    world = demo_world()
    page = open_page(1280)
    staff_log_in_as(page, User.objects.get(username=STAFF_USERNAMES[StaffRole.CLAIMS]))
    page.goto("/backoffice/")
    expect(page.get_by_text("Third-party-payment invoices to process — 3 waiting")).to_be_visible()
    page.get_by_role("link", name=re.compile(r"^Third-party-payment invoices to process")).click()
    expect(page.get_by_role("heading", name="Third-party-payment invoices")).to_be_visible()
    screenshot(page, "journey-professional-backoffice-queue")
    first, second = Invoice.objects.filter(status="received").order_by("received_at")[:2]
    page.get_by_role("link", name=first.number).click()
    page.get_by_label("Reject the invoice").check()
    page.get_by_label("Reason (partial acceptance or rejection)").select_option(label="No rights open on the care date")
    page.get_by_role("button", name="Record the decision").click()
    expect(page.get_by_text("The invoice is decided.")).to_be_visible()
    page.get_by_role("link", name=second.number).click()
    page.get_by_label("Accept the amount claimed").check()
    screenshot(page, "journey-professional-backoffice-review")
    page.get_by_role("button", name="Record the decision").click()
    expect(page.get_by_text("The invoice is decided.")).to_be_visible()
    rejection = mailbox.one(mailbox.new(), f"Invoice {first.number} rejected", world["pro"].user.email)
    assert "No rights open on the care date" in rejection.text

    page.get_by_role("link", name="Payments to professionals").click()
    screenshot(page, "journey-professional-backoffice-payments")
    page.get_by_role("button", name=re.compile(r"^Record the payment")).click()
    expect(page.get_by_text(re.compile(r"Payment VTP-\d{8}-\w+ is recorded"))).to_be_visible()
    second.refresh_from_db()
    assert second.status == "paid"
    mailbox.one(mailbox.new(), "Payment VTP-", world["pro"].user.email)
