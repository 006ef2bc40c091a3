"""The company and agent request kinds (SPEC E1, E3, E4, E5): forms on the engine's pages, appliers run by staff."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from companies.request_kinds import KINDS
from companies.tests.conftest import logged_in
from contracts.choices import ProductLine
from contracts.models import ExpatriationZone, ZoneCountry
from contracts.tests import factories as cf
from core.testing.documents import pdf_bytes
from demarches import services as demarches
from people.models import BankAccount

PDF = pdf_bytes()


def _pdf():
    return [SimpleUploadedFile("kbis.pdf", PDF, content_type="application/pdf")]


def _validated(staff, request):
    return demarches.request_validate(actor=staff.user, request=request)


def test_every_kind_has_its_page(acme):
    client = logged_in(acme.profile)
    assert client.get(reverse("demarches:new")).status_code == 200
    for kind in KINDS:
        url = reverse("demarches:submit", args=[kind.code])
        assert client.get(url, follow=True).status_code == 200, kind.code


def test_company_information_change_is_applied_at_validation(acme, staff):
    payload = {
        "name": "Acme Industrie SAS",
        "siret": acme.company.siret,
        "address_line1": "4 rue des Forges",
        "postal_code": "42000",
        "city": "Saint-Étienne",
        "country": "FR",
        "phone": "04 77 00 00 00",
    }
    request = demarches.request_submit(
        actor=acme.profile, kind_code="company_information_change", payload=payload, attachments=_pdf()
    )
    assert request.subject_company == acme.company
    acme.company.refresh_from_db()
    assert acme.company.name != "Acme Industrie SAS"  # nothing changes before staff validate
    _validated(staff, request)
    acme.company.refresh_from_db()
    assert (acme.company.name, acme.company.city, acme.company.phone.as_e164) == (
        "Acme Industrie SAS",
        "Saint-Étienne",
        "+33477000000",
    )


def test_a_bad_siret_is_refused_on_its_field(acme):
    with pytest.raises(ValidationError) as error:
        demarches.request_submit(
            actor=acme.profile,
            kind_code="company_information_change",
            payload={"name": "X", "siret": "12345678901234", "address_line1": "a", "postal_code": "1", "city": "c"},
            attachments=_pdf(),
        )
    assert "siret" in error.value.message_dict


def test_another_company_s_employee_cannot_be_named(acme, rival):
    with pytest.raises(ValidationError) as error:
        demarches.request_submit(
            actor=acme.profile,
            kind_code="employee_information_change",
            payload={"person": str(rival.covers[0].person.public_id), "city": "Lyon"},
        )
    assert "person" in error.value.message_dict


def test_employee_information_change(acme, staff):
    person = acme.covers[0].person
    request = demarches.request_submit(
        actor=acme.profile,
        kind_code="employee_information_change",
        payload={
            "person": person.membership_number,
            "last_name": "Durand-Petit",
            "address_line1": "1 rue Neuve",
            "postal_code": "75011",
            "city": "Paris",
        },
    )
    _validated(staff, request)
    person.refresh_from_db()
    assert (person.last_name, person.city) == ("Durand-Petit", "Paris")


def test_reference_salary_needs_welfare_cover(acme, staff, db):
    welfare = cf.collective_contract(acme.company, product=cf.product(line=ProductLine.WELFARE, for_companies=True))
    person = acme.covers[0].person
    cf.subscriber(welfare, person)
    request = demarches.request_submit(
        actor=acme.profile,
        kind_code="employee_reference_salary",
        payload={"person": str(person.public_id), "amount": "45000", "effective_date": "2026-01-01"},
        attachments=_pdf(),
    )
    _validated(staff, request)
    assert person.reference_salaries.get().amount == Decimal("45000.00")


def test_expatriation_country_change(acme, staff):
    zone = ExpatriationZone.objects.create(
        code="ZT", name_fr="Asie", name_en="Asia", emergency_phone="+6560000000", assistance_phone="+6560000001"
    )
    ZoneCountry.objects.create(zone=zone, country="SG")
    ZoneCountry.objects.create(zone=zone, country="VN")
    product = cf.product(line=ProductLine.EXPAT_HEALTH, for_companies=True)
    expat = cf.collective_contract(acme.company, product=product, zone=zone)
    cover = cf.subscriber(expat, acme.covers[1].person, country_of_expatriation="SG")
    request = demarches.request_submit(
        actor=acme.profile,
        kind_code="employee_expatriation_country",
        payload={
            "person": str(cover.person.public_id),
            "contract": str(expat.public_id),
            "country": "VN",
            "effective_date": "2026-03-01",
        },
    )
    _validated(staff, request)
    cover.refresh_from_db()
    assert cover.country_of_expatriation.code == "VN"


def test_payment_terms_with_a_new_account(broker, acme, staff):
    request = demarches.request_submit(
        actor=broker,
        kind_code="payment_terms_change",
        payload={
            "contract": str(acme.contract.public_id),
            "payment_method": "direct_debit",
            "payment_frequency": "monthly",
            "holder_name": "Acme Industrie",
            "iban": "FR14 2004 1010 0505 0001 3M02 606",
        },
        attachments=_pdf(),
    )
    assert "FR14" not in str(request.payload["iban"])  # sealed in the payload
    _validated(staff, request)
    acme.contract.refresh_from_db()
    assert (acme.contract.payment_method, acme.contract.payment_frequency) == ("direct_debit", "monthly")
    assert BankAccount.objects.get(company=acme.company).iban_last4 == "2606"


def test_staff_see_the_request_with_labels_and_validate_it_on_the_page(acme, staff):
    from django.test import Client

    from twofactor.tests.helpers import login_verified

    request = demarches.request_submit(
        actor=acme.profile,
        kind_code="payment_terms_change",
        payload={
            "contract": str(acme.contract.public_id),
            "payment_method": "direct_debit",
            "payment_frequency": "monthly",
            "holder_name": "Acme Industrie",
            "iban": "FR1420041010050500013M02606",
        },
        attachments=_pdf(),
    )
    client = Client()
    login_verified(client, staff.user)
    page = client.get(reverse("demarches_backoffice:detail", args=[request.public_id]))
    assert page.status_code == 200
    body = page.content.decode()
    assert acme.contract.number in body and "FR1420041010050500013M02606" not in body
    response = client.post(reverse("demarches_backoffice:validate", args=[request.public_id]), {"comment": "OK"})
    assert response.status_code in (200, 302)
    acme.contract.refresh_from_db()
    assert acme.contract.payment_frequency == "monthly"
