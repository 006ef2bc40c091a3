"""The company and agent spaces in a real browser: a company correspondent finds an employee, downloads the
insurance certificate, affiliates a newcomer and exports the list; an agent sees only its mandated clients."""

from __future__ import annotations

import csv
import io
import re
from datetime import date
from types import SimpleNamespace

import pytest
from playwright.sync_api import expect

from accounts.choices import ProfileKind
from accounts.tests import factories as f
from conftest import screenshot
from contracts.models import Mandate, Product
from contracts.services import catalogue_load_file, contract_create
from contracts.tests import factories as cf
from people.services import Address, company_create, person_create
from registration.tests.helpers import agent
from tests.journeys.support import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

EMPLOYEES = [
    ("Moreau", "Camille", date(1984, 3, 9)),
    ("Lambert", "Hugo", date(1979, 11, 23)),
    ("Garnier", "Léa", date(1991, 6, 2)),
    ("Chevalier", "Nathan", date(1988, 1, 17)),
    ("Rousseau", "Manon", date(1995, 9, 30)),
]


def _company(name: str, number: str, siret: str, city: str):
    return company_create(
        actor=None,
        membership_number=number,
        name=name,
        siret=siret,
        email=f"rh@{name.split()[0].lower()}.example.com",
        phone="+33472000000",
        address=Address(line1="18 quai Saint-Antoine", postal_code="69002", city=city),
    )


def _contract(firm, number: str):
    return contract_create(
        actor=None,
        number=number,
        product=Product.objects.get(code="SANTE_ENTREPRISE_RENFORT"),
        holder=firm,
        effective_date=date(2021, 1, 1),
        payment_method="transfer",
        payment_frequency="quarterly",
    )


def world():
    catalogue_load_file(actor=None)
    firm = _company("Atelier Lumière SAS", "E00000412", "73282932000074", "Lyon")
    contract = _contract(firm, "COL-2021-000412")
    covers = []
    for n, (last, first, born) in enumerate(EMPLOYEES):
        person = person_create(
            actor=None, membership_number=f"10002000{n:02d}", last_name=last, first_name=first, birth_date=born
        )
        covers.append(cf.subscriber(contract, person, employee_number=f"MAT{n + 1:04d}"))
    other = _company("Boulangerie Martin", "E00000999", "55208131766522", "Nantes")
    other_contract = _contract(other, "COL-2021-000999")
    stranger = person_create(
        actor=None, membership_number="1000299901", last_name="Secret", first_name="Paul", birth_date=date(1970, 1, 1)
    )
    cf.subscriber(other_contract, stranger)
    account = f.user(language="en", email="rh@atelier-lumiere.example.com", first_name="Sophie", last_name="Girard")
    profile = f.profile(ProfileKind.COMPANY, firm, account=account)
    broker = agent(name="Cabinet Delorme Courtage")
    Mandate.objects.create(agent=broker, contract=contract, start_date=date(2022, 1, 1))
    broker_account = f.user(language="en", email="delorme@example.fr")
    broker_profile = f.profile(ProfileKind.AGENT, broker, account=broker_account)
    return SimpleNamespace(firm=firm, contract=contract, covers=covers, profile=profile, broker=broker_profile)


def test_company_correspondent_manages_employees_and_agent_sees_only_its_clients(open_page, tmp_path):
    w = world()
    page = open_page(1280)
    log_in(page, w.profile.user.username, f.PASSWORD)
    page.goto("/space/")
    page.get_by_role("link", name="My employees").click()
    expect(page.get_by_role("heading", name="My employees")).to_be_visible()
    expect(page.get_by_text("5 people found")).to_be_visible()
    expect(page.get_by_text("SECRET")).to_have_count(0)
    screenshot(page, "company-employees-1280")

    page.get_by_label("Search").fill("Garnier")
    page.get_by_role("button", name="Search").click()
    expect(page.get_by_text("1 person found")).to_be_visible()
    page.get_by_role("link", name="GARNIER", exact=True).click()
    expect(page.get_by_role("heading", name="Léa GARNIER")).to_be_visible()
    screenshot(page, "company-employee-detail")
    with page.expect_download() as download:
        page.get_by_role("link", name="Insurance certificate (PDF)").click()
    certificate = tmp_path / "certificate.pdf"
    download.value.save_as(certificate)
    assert certificate.read_bytes().startswith(b"%PDF")

    page.goto("/space/company/downloads/")
    expect(page.get_by_role("link", name=re.compile("Advice to travellers"))).to_be_visible()
    screenshot(page, "company-downloads")

    page.goto("/space/company/employees/new/")
    page.get_by_label("Collective contract").select_option(value=str(w.contract.public_id))
    page.get_by_label("Surname").fill("Fontaine")
    page.get_by_label("First name").fill("Inès")
    page.get_by_label("Date of birth").fill("1990-07-14")
    page.get_by_label("Sex").select_option(label="Female")
    page.get_by_label("Social security number").fill("2 90 07 75 123 456 04")
    page.get_by_label("Covered from").fill("2026-01-01")
    screenshot(page, "company-affiliate-form")
    page.get_by_role("button", name="Affiliate", exact=True).click()
    expect(page.get_by_text("Inès FONTAINE is affiliated.")).to_be_visible()

    page.goto("/space/company/employees/")
    expect(page.get_by_text("6 people found")).to_be_visible()
    with page.expect_download() as download:
        page.get_by_role("link", name="Export this list (CSV)").click()
    exported = tmp_path / "employees.csv"
    download.value.save_as(exported)
    rows = list(csv.reader(io.StringIO(exported.read_text(encoding="utf-8-sig")), delimiter=";"))
    assert rows[0][0] == "surname" and len(rows) == 7
    assert "Fontaine" in {row[0] for row in rows} and "Secret" not in {row[0] for row in rows}

    phone = open_page(390)
    log_in(phone, w.profile.user.username, f.PASSWORD)
    phone.goto("/space/company/employees/")
    expect(phone.get_by_text("6 people found")).to_be_visible()
    screenshot(phone, "company-employees-390")

    broker = open_page(1280)
    log_in(broker, w.broker.user.username, f.PASSWORD)
    broker.goto("/space/company/")
    expect(broker.get_by_role("link", name="Atelier Lumière SAS")).to_be_visible()
    expect(broker.get_by_text("Boulangerie Martin")).to_have_count(0)
    screenshot(broker, "agent-clients-1280")
    broker.goto("/space/company/employees/")
    expect(broker.get_by_text("6 people found")).to_be_visible()
    expect(broker.get_by_text("SECRET")).to_have_count(0)
    screenshot(broker, "agent-insured-1280")
