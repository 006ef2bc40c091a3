"""The insurance certificate PDF: who and what it certifies, in both languages."""

import io
import unicodedata
from dataclasses import dataclass
from datetime import date, timedelta
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from pypdf import PdfReader

from contracts.choices import (
    AffiliationRole,
    CompulsorySchemeMode,
    ContractKind,
    PaymentFrequency,
    PaymentMethod,
    ProductLine,
)
from contracts.models import Affiliation, Contract, ExpatriationZone, Product
from contracts.pdf import certificate_pdf, certificate_validity
from documents.pdf import paris_today
from people.models import Company, Person

pytestmark = pytest.mark.django_db


@dataclass
class Family:
    contract: Contract
    subscriber: Affiliation
    child: Affiliation


def build_family(*, email: str = "jeanne.dupont@example.org") -> Family:
    """An individual health contract: Jeanne Dupont and her son Léo, covered since 2024."""
    product = Product.objects.create(
        code="SANTE-EQ",
        name_fr="Santé l'Équilibre",
        name_en="Health Balance",
        line=ProductLine.HEALTH,
        scheme_mode=CompulsorySchemeMode.COMPLEMENT,
    )
    holder = Person.objects.create(
        membership_number="M0012345",
        last_name="Dupont",
        first_name="Jeanne",
        birth_date=date(1985, 3, 14),
        email=email,
    )
    contract = Contract.objects.create(
        number="IND-2024-0042",
        kind=ContractKind.INDIVIDUAL,
        product=product,
        holder_person=holder,
        effective_date=date(2024, 1, 1),
        payment_method=PaymentMethod.DIRECT_DEBIT,
        payment_frequency=PaymentFrequency.MONTHLY,
    )
    subscriber = Affiliation.objects.create(
        contract=contract, person=holder, role=AffiliationRole.SUBSCRIBER, start_date=date(2024, 1, 1)
    )
    son = Person.objects.create(last_name="Dupont", first_name="Léo", birth_date=date(2016, 7, 9))
    child = Affiliation.objects.create(
        contract=contract, person=son, role=AffiliationRole.CHILD, principal=subscriber, start_date=date(2024, 1, 1)
    )
    return Family(contract=contract, subscriber=subscriber, child=child)


def add_dependant(family: Family, first_name: str, **fields) -> Affiliation:
    person = Person.objects.create(
        last_name="Dupont",
        first_name=first_name,
        birth_date=date(1984, 1, 1),
        is_confidential=fields.pop("is_confidential", False),
    )
    return Affiliation.objects.create(
        contract=family.contract,
        person=person,
        role=AffiliationRole.SPOUSE,
        principal=family.subscriber,
        **{"start_date": date(2024, 1, 1), **fields},
    )


def pdf_text(pdf: bytes) -> str:
    reader = PdfReader(io.BytesIO(pdf))
    return unicodedata.normalize("NFKC", "\n".join(page.extract_text() for page in reader.pages))


def test_the_french_certificate_names_the_member_the_contract_and_the_child():
    family = build_family()

    text = pdf_text(certificate_pdf(affiliation=family.subscriber, language="fr"))

    assert "Attestation" in text
    assert "Jeanne DUPONT" in text
    assert "M0012345" in text
    assert "IND-2024-0042" in text
    assert "Léo DUPONT" in text
    assert "14 mars 1985" in text
    assert "Santé l'Équilibre" in text


def test_the_english_certificate():
    family = build_family()

    text = pdf_text(certificate_pdf(affiliation=family.subscriber, language="en"))

    assert "certificate" in text
    assert "Jeanne DUPONT" in text
    assert "IND-2024-0042" in text
    assert "Léo DUPONT" in text
    assert "14 March 1985" in text
    assert "Health Balance" in text


def test_a_collective_expatriate_contract_shows_the_company_and_the_zone():
    family = build_family()
    company = Company.objects.create(membership_number="E0001", name="Boulangeries Martin SAS", siret="73282932000074")
    zone = ExpatriationZone.objects.create(
        code="Z2", name_fr="Zone 2 Europe", name_en="Zone 2 Europe", emergency_phone="112", assistance_phone="+33 1 00"
    )
    Contract.objects.filter(pk=family.contract.pk).update(
        kind=ContractKind.COLLECTIVE, holder_person=None, holder_company=company, zone=zone
    )

    text = pdf_text(certificate_pdf(affiliation=family.subscriber, language="en"))

    assert "Collective" in text
    assert "Boulangeries Martin SAS" in text
    assert "Zone 2 Europe" in text


def test_only_dependants_covered_today_are_listed():
    family = build_family()
    add_dependant(family, "Ancien", end_date=paris_today() - timedelta(days=1))
    add_dependant(family, "Futur", start_date=paris_today() + timedelta(days=1))
    add_dependant(family, "Secret", is_confidential=True)
    add_dependant(family, "Actuel")

    text = pdf_text(certificate_pdf(affiliation=family.subscriber, language="fr"))

    assert "Actuel DUPONT" in text
    assert "Ancien" not in text
    assert "Futur" not in text
    assert "Secret" not in text


def test_the_certificate_takes_two_queries_whatever_the_family_size(django_assert_num_queries):
    family = build_family()
    for number in range(3):
        add_dependant(family, f"Enfant{number}")

    with django_assert_num_queries(2):
        certificate_pdf(affiliation=family.subscriber, language="fr")


def test_a_dependant_gets_no_certificate_of_their_own():
    family = build_family()

    with pytest.raises(Affiliation.DoesNotExist):
        certificate_pdf(affiliation=family.child, language="fr")


def test_an_open_ended_contract_is_certified_to_the_end_of_the_year():
    family = build_family()

    assert certificate_validity(family.subscriber, date(2025, 6, 1)) == (date(2024, 1, 1), date(2025, 12, 31))


def test_an_ending_affiliation_is_certified_to_its_end():
    family = build_family()
    family.subscriber.end_date = date(2025, 3, 31)

    assert certificate_validity(family.subscriber, date(2025, 2, 1)) == (date(2024, 1, 1), date(2025, 3, 31))


def test_the_sample_command_writes_a_pdf(tmp_path):
    build_family()
    out = tmp_path / "certificate.pdf"
    args = ["--membership-number", "M0012345", "--out", str(out), "--language", "en"]

    call_command("sample_certificate", *args, stdout=StringIO())

    assert "IND-2024-0042" in pdf_text(out.read_bytes())


def test_the_sample_command_names_an_unknown_member(tmp_path):
    with pytest.raises(CommandError, match="M404"):
        call_command("sample_certificate", "--membership-number", "M404", "--out", str(tmp_path / "x.pdf"))
