"""A member's self-service in a real browser: postal address, bank account with the password asked again,
a child added on a birth certificate and validated in the back office, a healthcare claim partly validated,
paid by transfer and shown on the benefit statement."""

from __future__ import annotations

import random
import re
from datetime import date
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.utils import timezone
from PIL import Image, ImageDraw, ImageFont
from playwright.sync_api import expect
from pypdf import PdfWriter

from accounts.choices import ProfileKind, StaffRole
from accounts.tests import factories as f
from conftest import screenshot
from contracts.choices import GuaranteeBasis
from contracts.models import CareCategory, GuaranteeLine
from contracts.tests import factories as cf
from people.models import BankAccount, Person
from people.tests.factories import dependant, person
from tests.journeys.accessibility import assert_accessible
from tests.journeys.support import log_in, log_out, pdf_text, staff_log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

IBAN = "FR7630006000011234567890189"
NEW_IBAN = "FR1420041010050500013M02606"
WRONG = "Not-My-Password-2026"


def family(product=None):
    """A holder of an individual health contract covering a child, with a login in English."""
    holder = person(
        last_name="Durand",
        first_name="Anne",
        address_line1="3 rue des Lilas",
        postal_code="69001",
        city="Lyon",
        phone="+33612345678",
    )
    contract = cf.individual_contract(holder, **({"product": product} if product else {}))
    principal = contract.affiliations.get()
    child = cf.dependant_of(principal, dependant(last_name="Durand", first_name="Léa", birth_date=date(2015, 3, 2)))
    account = f.user(language="en", email=holder.email, first_name="Anne", last_name="Durand")
    profile = f.profile(ProfileKind.MEMBER, holder, account=account)
    return SimpleNamespace(holder=holder, contract=contract, principal=principal, child=child, profile=profile)


def test_member_changes_the_postal_address_and_sees_it_at_once(open_page):
    fam = family()
    page = open_page(1280)
    log_in(page, fam.profile.user.username, f.PASSWORD)
    page.goto("/space/me/")
    contact = page.locator("#contact")
    expect(contact.get_by_label(re.compile(r"^Address:?$"))).to_have_value("3 rue des Lilas")
    screenshot(page, "journey-address-01-before")

    contact.get_by_label(re.compile(r"^Address:?$")).fill("12 avenue Jean Jaurès")
    contact.get_by_label("Address (continued)").fill("Bâtiment B")
    contact.get_by_label("Postal code").fill("13001")
    contact.get_by_label("City").fill("Marseille")
    contact.get_by_role("button", name="Save my address and phone").click()
    page.wait_for_load_state()

    expect(page).to_have_url(re.compile(r"/space/me/(#contact)?$"))
    expect(page.get_by_text("Your address and phone are saved.")).to_be_visible()
    contact = page.locator("#contact")
    expect(contact.get_by_label(re.compile(r"^Address:?$"))).to_have_value("12 avenue Jean Jaurès")
    expect(contact.get_by_label("Address (continued)")).to_have_value("Bâtiment B")
    expect(contact.get_by_label("Postal code")).to_have_value("13001")
    expect(contact.get_by_label("City")).to_have_value("Marseille")
    screenshot(page, "journey-address-02-after")
    fam.holder.refresh_from_db()
    assert (fam.holder.address_line1, fam.holder.postal_code, fam.holder.city) == (
        "12 avenue Jean Jaurès",
        "13001",
        "Marseille",
    )


def _iban_form(page, iban: str, password: str | None) -> None:
    page.get_by_label(re.compile(r"^IBAN:?$")).fill(iban)
    if password is not None:
        page.get_by_label("Your password (asked again for this change)").fill(password)
    page.get_by_role("button", name="Save my new bank account").click()
    page.wait_for_load_state()


def bank_account(holder, iban: str = IBAN) -> BankAccount:
    return BankAccount.objects.create(
        person=holder,
        holder_name=holder.full_name,
        iban=iban,
        iban_last4=iban[-4:],
        valid_from=timezone.localdate() - timezone.timedelta(days=90),
    )


def current_iban(holder) -> str:
    return Person.objects.get(pk=holder.pk).bank_accounts.get(valid_to__isnull=True).iban


def test_member_changes_the_iban_only_with_the_password(open_page, mailbox):
    fam = family()
    bank_account(fam.holder)
    page = open_page(1280)
    log_in(page, fam.profile.user.username, f.PASSWORD)
    page.goto("/space/me/")
    expect(page.locator("#bank-account").get_by_text("FR76 •••• •••• 0189")).to_be_visible()
    page.locator("#bank-account").get_by_role("link", name="Change my bank account").click()
    expect(page.get_by_role("heading", name="My bank account")).to_be_visible()
    current = page.get_by_text(re.compile(r"Current account:"))
    expect(current).to_contain_text("FR76 •••• •••• 0189")

    _iban_form(page, NEW_IBAN, None)  # no password
    summary = page.locator(".error-summary")  # the password only, named, at the top and beside the field
    expect(summary.get_by_role("link")).to_have_count(1)
    expect(summary).to_be_focused()
    expect(page.get_by_text("Enter your password to confirm the change.")).to_have_count(2)
    expect(current).to_contain_text("FR76 •••• •••• 0189")
    screenshot(page, "journey-iban-01-no-password")
    _iban_form(page, NEW_IBAN, WRONG)
    expect(page.locator(".error-summary").get_by_text("This password is not correct.")).to_be_visible()
    expect(current).to_contain_text("FR76 •••• •••• 0189")
    screenshot(page, "journey-iban-02-wrong-password")
    assert current_iban(fam.holder) == IBAN
    assert mailbox.new() == []  # nothing changed, nobody told

    _iban_form(page, NEW_IBAN, f.PASSWORD)
    expect(page).to_have_url(re.compile(r"/space/me/$"))
    expect(page.get_by_text("Your new bank account is saved.")).to_be_visible()
    bank = page.locator("#bank-account")
    expect(bank.get_by_text("FR14 •••• •••• 2606")).to_be_visible()
    assert NEW_IBAN not in page.content()
    screenshot(page, "journey-iban-03-saved")
    assert current_iban(fam.holder) == NEW_IBAN
    told = mailbox.one(mailbox.new(), "Your bank account has been changed", fam.holder.email)
    assert "FR14 •••• •••• 2606" in told.text and NEW_IBAN not in told.text


def blank_pdf(path) -> str:
    """A one-page PDF, as a scanned birth certificate would be."""
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    with open(path, "wb") as out:
        writer.write(out)
    return str(path)


def test_member_adds_a_child_validated_in_the_back_office(open_page, tmp_path):
    fam = family()
    today = timezone.localdate()
    page = open_page(1280)
    log_in(page, fam.profile.user.username, f.PASSWORD)
    page.goto("/space/me/beneficiaries/")
    page.get_by_role("button", name="Add a spouse, partner or child").click()
    expect(page.get_by_role("heading", name="Add a beneficiary")).to_be_visible()
    page.get_by_label(re.compile(r"^Surname:?$")).fill("Durand")
    page.get_by_label(re.compile(r"^First name:?$")).fill("Hugo")
    page.get_by_label(re.compile(r"^Date of birth:?$")).fill("2024-05-10")
    page.get_by_label(re.compile(r"^Relationship:?$")).select_option(label="Child")
    page.get_by_label(re.compile(r"^Covered from:?$")).fill(today.isoformat())
    contract = page.get_by_label(re.compile(r"^Contract:?$"))
    if contract.evaluate("e => e.tagName") == "SELECT":
        contract.select_option(index=contract.locator("option").count() - 1)
    page.get_by_label(re.compile(r"^Supporting documents:?$")).set_input_files(blank_pdf(tmp_path / "birth.pdf"))
    screenshot(page, "journey-child-01-request")
    page.get_by_role("button", name="Send my request").click()
    expect(page.get_by_text("Your request has been sent.")).to_be_visible(timeout=15_000)
    screenshot(page, "journey-child-02-sent")
    page.goto("/space/me/beneficiaries/")
    expect(page.get_by_text("Léa").first).to_be_visible()
    expect(page.get_by_text("Hugo")).to_have_count(0)  # not covered before the insurer validates
    log_out(page)

    staff_page = open_page(1280)
    staff_log_in(staff_page, StaffRole.REQUESTS)
    staff_page.goto("/backoffice/requests/")
    staff_page.get_by_role("row").filter(has_text="Durand").get_by_role("link").first.click()
    screenshot(staff_page, "journey-child-03-backoffice-request")
    expect(staff_page.get_by_text("Hugo").first).to_be_visible()
    staff_page.get_by_role("button", name="Assign to me").click()
    expect(staff_page.get_by_text(re.compile(r"assigned to user\d+"))).to_be_visible()
    staff_page.get_by_role("button", name="Validate", exact=True).click()
    expect(staff_page.get_by_text("The request is validated.")).to_be_visible(timeout=15_000)
    screenshot(staff_page, "journey-child-04-validated")

    log_in(page, fam.profile.user.username, f.PASSWORD)
    page.goto("/space/me/beneficiaries/")
    hugo = page.get_by_role("row").filter(has_text="Hugo DURAND")
    expect(hugo).to_contain_text("Child")
    expect(hugo).to_contain_text("Covered")
    expect(hugo).to_contain_text("10/05/2024")
    screenshot(page, "journey-child-05-beneficiaries")
    page.goto(f"/space/contracts/{fam.contract.public_id}/")
    covered = page.get_by_role("listitem").filter(has_text="Anne Durand").filter(has_text="Insurance certificate")
    with page.expect_download() as download:
        covered.get_by_role("link", name="Insurance certificate (PDF)").click()
    text = pdf_text(download.value.path())
    assert "Hugo" in text, text
    assert "Léa" in text


# --- Claims ------------------------------------------------------------------------------------

CARE = [  # name, guarantee line, amount paid
    ("GP consultation", {"basis": GuaranteeBasis.PERCENT_OF_BASE, "rate": Decimal(200)}, "30.00"),
    ("Osteopathy", {"basis": GuaranteeBasis.FLAT_AMOUNT, "flat_amount": Decimal(35)}, "60.00"),
    ("Glasses", {"basis": GuaranteeBasis.FLAT_AMOUNT, "flat_amount": Decimal(150)}, "320.00"),
]


def claims_product():
    product = cf.product()
    for position, (name, line, _amount) in enumerate(CARE, start=1):
        category = CareCategory.objects.update_or_create(
            code="J_" + name.split()[0].upper(),
            defaults={
                "name_fr": name,
                "name_en": name,
                "claimable_online": True,
                "position": position,
                "required_documents_fr": "Facture acquittée.",
                "required_documents_en": "Receipted invoice.",
            },
        )[0]
        GuaranteeLine.objects.create(product=product, category=category, **line)
    return product


def phone_photo(path, seed: int) -> str:
    """A 1600×1200 photo of a bill: dense sharp text on a slightly noisy paper, as a phone takes it."""
    rnd = random.Random(seed)
    image = Image.effect_noise((1600, 1200), 12).convert("RGB")
    image = Image.blend(image, Image.new("RGB", image.size, (245, 243, 236)), 0.85)
    draw = ImageDraw.Draw(image)
    font = ImageFont.load_default(size=28)
    draw.text((100, 40), f"FACTURE N° {seed:05d} — Dr Martin", fill=(10, 10, 10), font=font)
    for y in range(110, 1140, 48):
        line = "".join(rnd.choice("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 .,€") for _ in range(60))
        draw.text((100, y), line, fill=(20, 20, 20), font=font)
    image.save(path, format="JPEG", quality=88)
    return str(path)


def test_claim_partly_validated_then_paid(open_page, tmp_path):
    fam = family(claims_product())
    bank_account(fam.holder)
    page = open_page(1280)
    log_in(page, fam.profile.user.username, f.PASSWORD)
    page.goto("/space/claims/new/")
    page.get_by_label("Anne Durand").check()
    screenshot(page, "journey-claim-01-beneficiary")
    page.get_by_role("button", name="Next: the care").click()
    expect(page.get_by_role("heading", name="Care and documents")).to_be_visible()
    care_date = (timezone.localdate() - timezone.timedelta(days=3)).isoformat()
    for n, (name, _line, amount) in enumerate(CARE, start=1):
        page.get_by_label(re.compile(r"^Date of care:?$")).fill(care_date)
        page.get_by_label(re.compile(r"^Type of care:?$")).select_option(label=name)
        page.get_by_label(re.compile(r"^Practitioner or facility:?$")).fill(f"Cabinet {name}")
        page.get_by_label(re.compile(r"^Amount paid:?$")).fill(amount)
        page.get_by_label(re.compile(r"^Supporting documents:?$")).last.set_input_files(
            phone_photo(tmp_path / f"bill-{n}.jpg", n)
        )
        page.get_by_role("button", name="Add this care").click()
        page.wait_for_load_state()
        expect(page.locator("article.claim-item")).to_have_count(n, timeout=15_000)
    expect(page.locator(".claim-warning")).to_have_count(0)
    screenshot(page, "journey-claim-02-items")
    page.get_by_role("button", name="Next: summary").click()
    page.get_by_label(re.compile(r"I have read and accept the terms of the online claims service")).check()
    screenshot(page, "journey-claim-03-summary")
    page.get_by_role("button", name="Send my claim").click()
    # The documents are checked again on submission: slower than a plain page under load.
    expect(page.get_by_text(re.compile(r"Your claim CLM-\S+ is sent\."))).to_be_visible(timeout=15_000)
    expect(page.get_by_text("In progress").first).to_be_visible()
    screenshot(page, "journey-claim-04-sent")
    claim_url = page.url
    log_out(page)

    staff_page = open_page(1280)
    staff_log_in(staff_page, StaffRole.CLAIMS)
    staff_page.goto("/backoffice/claims/")
    staff_page.get_by_role("link", name=re.compile(r"CLM-")).first.click()
    expect(staff_page.get_by_role("heading", name=re.compile(r"CLM-.* · In progress"))).to_be_visible()
    items = staff_page.locator("form article")
    expect(items).to_have_count(3)
    decisions = [("Accepted", "25.00", "17.50"), ("Accepted", "0", "0"), ("Refused", "0", "0")]
    for index, (decision, base, paid) in enumerate(decisions):
        item = items.nth(index)
        item.get_by_label(re.compile(r"^Base of reimbursement \(EUR\):?$")).fill(base)
        item.get_by_label(re.compile(r"^Paid by the compulsory scheme or the CFE \(EUR\):?$")).fill(paid)
        item.get_by_label(re.compile(r"^Decision:?$")).select_option(label=decision)
        if decision == "Refused":
            item.get_by_label(re.compile(r"^Reason of refusal:?$")).select_option(label="Supporting documents missing")
            item.get_by_label(re.compile(r"^Comment:?$")).fill("The prescription is missing.")
    screenshot(staff_page, "journey-claim-05-assessment")
    assert_accessible(staff_page, "claim assessment")  # with the doctor's sector of each item
    staff_page.get_by_role("button", name="Save the assessment and compute").click()
    expect(staff_page.get_by_text("The assessment is saved")).to_be_visible(timeout=15_000)
    screenshot(staff_page, "journey-claim-06-computed")
    computed = staff_page.locator("form article").get_by_text(re.compile(r"^Computed now:"))
    amounts = [re.search(r"([\d.,]+) EUR", text).group(1) for text in computed.all_inner_texts()]
    staff_page.get_by_role("button", name="Validate with these amounts").click()
    staff_page.wait_for_load_state()
    expect(staff_page.get_by_role("heading", name=re.compile(r"Partially validated"))).to_be_visible(timeout=15_000)
    screenshot(staff_page, "journey-claim-07-decided")

    log_in(page, fam.profile.user.username, f.PASSWORD)
    page.goto(claim_url)
    expect(page.get_by_text("Partially validated").first).to_be_visible()
    screenshot(page, "journey-claim-08-member-decided")
    assert amounts == ["12.50", "35.00", "0.00"]  # 200 % of a 25.00 base less 17.50 paid; flat 35; refused
    cares = page.locator("article")
    expect(cares.nth(0)).to_contain_text("Accepted")
    expect(cares.nth(0)).to_contain_text("We paid€12.50")  # spent / compulsory scheme / we paid / left to pay
    expect(cares.nth(1)).to_contain_text("We paid€35.00")
    expect(cares.nth(2)).to_contain_text("Refused — Supporting documents missing")
    expect(cares.nth(2)).to_contain_text("The prescription is missing.")
    expect(page.get_by_text("Total reimbursed: €47.50")).to_be_visible()
    reference = re.search(r"CLM-\d{4}-\d+", page.get_by_role("heading", level=1).inner_text()).group(0)

    staff_page.goto("/backoffice/payments/")
    expect(staff_page.get_by_role("row").filter(has_text=reference)).to_contain_text("47.50")
    staff_page.get_by_role("button", name="Make the transfer file for 1 transfer").click()
    expect(staff_page.get_by_text(re.compile(r"Batch \S+ made: 1 transfer\."))).to_be_visible(timeout=15_000)
    screenshot(staff_page, "journey-claim-09-batch")
    assert_accessible(staff_page, "payment batch made")

    page.goto("/space/benefits/")
    row = page.get_by_role("row").filter(has_text=reference)
    expect(row).to_contain_text("47.50")
    expect(row).to_contain_text("•••• 0189")
    screenshot(page, "journey-claim-10-benefits")
    with page.expect_download() as download:
        page.get_by_role("link", name=re.compile(r"^Statement of .* \(PDF\)$")).first.click()
    text = pdf_text(download.value.path())
    assert reference in text, text
    for care in ("GP consultation", "Osteopathy"):
        assert care in text, (care, text)
