"""SPEC M3, M6, X4: the contract PDFs a member downloads, read back with pypdf, in French and English."""

import pytest
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext

from content.tests.builders import (
    EXPECTED_EN,
    GUARANTEES,
    expat_product,
    household,
    member_client,
    pdf_text,
    realistic_product,
    zones,
)
from contracts import pdf
from contracts.choices import CompulsorySchemeMode, ProductLine

pytestmark = pytest.mark.django_db


def download(family, name: str, *args, language: str = "en") -> str:
    url = reverse(f"contracts:{name}", args=[family.contract.public_id, *args])
    response = member_client(family.profile, language).get(url)
    assert response.status_code == 200
    return pdf_text(response.content)


def in_language(language: str, message: str) -> str:
    """What a template shows for ``message`` in ``language`` (the msgid until the French pass translates it)."""
    with translation.override(language):
        return gettext(message)


def test_the_certificate_names_everyone_covered_and_the_contract():
    family = household()

    text = download(family, "certificate", family.subscriber.public_id)

    assert family.subscriber.person.full_name in text and family.child.person.full_name in text
    assert family.contract.number in text and family.subscriber.person.membership_number in text


def test_a_dependants_certificate_is_their_subscribers():
    family = household()

    text = download(family, "certificate", family.child.public_id, language="fr")

    assert "Attestation d'assurance" in text
    assert family.subscriber.person.full_name in text and "Léo" in text
    assert family.contract.number in text


def test_the_guarantee_description_has_every_category_and_rate_in_english():
    family = household(product=expat_product(), zone=zones()["Z2"])

    text = download(family, "guarantee_description")

    assert family.contract.product.name_en in text and family.contract.number in text
    for category_name, phrases in EXPECTED_EN.items():
        assert category_name in text
        for phrase in phrases:
            assert phrase in text, phrase
    assert "Caisse des Français de l'Étranger" in text


def test_the_guarantee_description_in_french():
    family = household()

    text = download(family, "guarantee_description", language="fr")

    assert family.contract.product.name_fr in text
    for _code, name_fr, _name_en, _basis, _figures in GUARANTEES:
        assert name_fr in text
    assert "200 % BR" in text.replace("\xa0", " ") and "300 % BR" in text.replace("\xa0", " ")
    assert in_language("fr", "Guarantee description") in text


@pytest.mark.parametrize("language", ["fr", "en"])
def test_the_general_conditions_name_the_product_and_the_complaints_and_mediation_article(language):
    family = household()
    name = family.contract.product.name_fr if language == "fr" else family.contract.product.name_en

    text = download(family, "general_conditions", language=language)

    assert name in text and family.contract.number in text
    assert in_language(language, "Article 8 — Complaints and mediation") in text
    assert "Médiateur de la consommation de la Mutualité Française" in text
    assert "ACPR" in text
    for article in ("Article 1 — Object of the contract", "Article 9 — Personal data"):
        assert in_language(language, article) in text
    assert "200 % BR" in text.replace("\xa0", " ")  # the benefits article carries the table


def test_the_general_conditions_follow_the_product_line():
    expat = household(product=expat_product(), zone=zones()["Z1"])
    welfare = household(
        product=realistic_product(line=ProductLine.WELFARE, scheme_mode=CompulsorySchemeMode.NOT_APPLICABLE)
    )

    expat_text = download(expat, "general_conditions")
    welfare_text = download(welfare, "general_conditions")

    assert "Caisse des Français de l'Étranger (CFE)" in expat_text
    assert "outside the zone of cover" in expat_text
    assert "capital on death" in welfare_text
    assert "100 % Santé" not in welfare_text and "participation forfaitaire" not in welfare_text


def test_a_responsible_health_contract_excludes_the_statutory_deductibles():
    family = household()

    text = download(family, "general_conditions")

    assert "responsible contract" in text and "franchises médicales" in text


def test_pdfs_are_rendered_in_the_members_language_whatever_the_page_language():
    family = household()
    client = member_client(family.profile, "fr")
    client.cookies["om_language"] = "en"

    response = client.get(
        reverse("contracts:certificate", args=[family.contract.public_id, family.subscriber.public_id])
    )

    assert "14 mars 1985" in pdf_text(response.content)


def test_guarantee_rows_word_each_basis_in_english():
    product = realistic_product()

    with translation.override("en"):
        worded = {row.category: [row.cover, *row.ceilings] for row in pdf.guarantee_rows(product)}

    assert worded == EXPECTED_EN
