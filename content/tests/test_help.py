"""SPEC M7: help numbers by zone (the visitor's first), the management centre, FAQ search, contact form."""

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from accounts.choices import ProfileKind
from accounts.tests import factories as f
from content import services
from content.choices import FaqCategory
from content.tests.builders import expat_product, household, member_client, zones
from demarches.models import Request
from people.models import Person
from people.tests.factories import person
from providers.choices import ProfessionalKind, Specialty
from providers.models import HealthProfessional

pytestmark = pytest.mark.django_db


def faq(question_fr: str, question_en: str, *, answer: str = "Réponse.", **fields):
    values = {
        "category": FaqCategory.CONTRACTS,
        "question_fr": question_fr,
        "question_en": question_en,
        "answer_fr": answer,
        "answer_en": "Answer.",
        **fields,
    }
    return services.faq_create(actor=None, **values)


def english(client: Client) -> Client:
    client.cookies["om_language"] = "en"
    return client


def test_a_visitor_sees_every_zone_the_management_centre_and_how_to_write():
    zones()

    response = english(Client()).get(reverse("help:index"))

    page = response.content.decode()
    assert response.status_code == 200
    for number in ("+33 1 84 88 41 10", "+33 1 84 88 42 20", "+33 1 84 88 43 10"):
        assert number in page
    assert "Zone 2 – Asia and Latin America" in page
    assert settings.INSURER["phone"] in page and settings.INSURER["address"] in page
    assert reverse("help:contact") not in page
    assert reverse("accounts:login") in page


def test_a_member_in_zone_2_sees_zone_2_first():
    family = household(product=expat_product(), zone=zones()["Z2"])

    page = member_client(family.profile).get(reverse("help:index")).content.decode()

    assert page.index("Zone 2 – Asia") < page.index("Zone 1 – Europe") < page.index("Zone 3 – United")
    assert page.index("+33 1 84 88 42 20") < page.index("+33 1 84 88 41 20")
    assert "<mark>your zone</mark>" in page
    assert reverse("help:contact") in page


def test_without_an_expatriate_contract_the_country_of_residence_sets_the_zone():
    all_zones = zones()
    family = household()
    Person.objects.filter(pk=family.subscriber.person_id).update(country_of_residence="US")

    page = member_client(family.profile).get(reverse("help:index")).content.decode()

    assert page.index(all_zones["Z3"].name_en) < page.index(all_zones["Z1"].name_en)


def test_a_member_living_in_france_sees_zones_in_their_order():
    zones()
    family = household()

    page = member_client(family.profile).get(reverse("help:index")).content.decode()

    assert page.index("Zone 1 – Europe") < page.index("Zone 2 – Asia") and "<mark>" not in page


def test_faq_search_ignores_case_and_accents_in_both_languages():
    faq("Comment obtenir une attestation d'assurance ?", "How do I get an insurance certificate?")
    faq("Quand suis-je remboursé ?", "When am I reimbursed?", answer="Sous 48 heures après réception.")
    faq("Question cachée", "Hidden question", is_published=False)
    client = Client()
    client.cookies["om_language"] = "fr"

    def found(query: str) -> str:
        return client.get(reverse("help:faq"), {"q": query}).content.decode()

    assert "attestation" in found("ATTESTATION") and "rembours" not in found("ATTESTATION")
    assert "Quand suis-je" in found("rembourse")
    assert "Quand suis-je" in found("RÉCEPTION 48")
    assert "Quand suis-je" not in found("réception 72")
    assert "cachée" not in found("question")
    english_page = english(Client()).get(reverse("help:faq"), {"q": "Certificate"}).content.decode()
    assert "How do I get an insurance certificate?" in english_page


def test_faq_is_paginated_and_filtered_by_section():
    for number in range(12):
        faq(f"Question numéro {number:02d}", f"Question number {number:02d}", position=number)
    faq("Pays d'expatriation", "Country of expatriation", category=FaqCategory.EXPATRIATION)
    client = english(Client())

    first = client.get(reverse("help:faq")).content.decode()
    second = client.get(reverse("help:faq"), {"page": 2}).content.decode()
    section = client.get(reverse("help:faq"), {"category": FaqCategory.EXPATRIATION}).content.decode()

    assert "Question number 00" in first and "Question number 10" not in first
    assert "Question number 10" in second and "Page 2 of 2" in second
    assert "Country of expatriation" in section and "Question number 00" not in section


def test_a_bad_faq_search_gets_a_field_error():
    response = english(Client()).get(reverse("help:faq"), {"q": "x" * 101, "category": "nope"})

    assert response.status_code == 400
    assert response.context["form"].errors.keys() == {"q", "category"}


def test_the_contact_form_needs_a_member_company_or_agent_login():
    practitioner = HealthProfessional.objects.create(
        kind=ProfessionalKind.PRACTITIONER, name="Dr Test", specialty=Specialty.GENERAL_PRACTICE, rpps="10000000001"
    )
    professional = f.profile(ProfileKind.PROFESSIONAL, practitioner)

    assert Client().get(reverse("help:contact")).status_code == 302
    assert member_client(professional).get(reverse("help:contact")).status_code == 404


def test_the_contact_kind_is_registered_with_the_request_engine():
    from demarches import kinds

    kind = kinds.get(services.CONTACT_KIND)

    assert kind is not None and set(kind.profiles) == {"member", "company", "agent"}
    assert kind.form(data={"topic": "documents", "message": "Hello, where is my card?"}).is_valid()
    assert not kind.form(data={"topic": "nope", "message": "short"}).is_valid()


def test_a_bad_contact_message_gets_field_errors_and_writes_nothing():
    family = household()

    response = member_client(family.profile).post(reverse("help:contact"), {"topic": "", "message": "hi"})

    assert response.status_code == 400
    assert set(response.context["form"].errors) == {"topic", "message"}


def test_the_contact_form_creates_a_contact_request():
    family = household()
    client = member_client(family.profile)
    key = client.get(reverse("help:contact")).context["key"]
    data = {"topic": "documents", "message": "Could you send me my card again?", "idempotency_key": key}

    first = client.post(reverse("help:contact"), data)
    client.post(reverse("help:contact"), data)  # a double click

    assert first.status_code == 302
    requests = Request.objects.filter(kind=services.CONTACT_KIND)
    assert requests.count() == 1


def test_the_home_page_links_to_help():
    family = household()

    page = member_client(family.profile).get(reverse("accounts:dashboard")).content.decode()

    assert reverse("help:index") in page and "Help and contact" in page


def test_help_is_reachable_by_a_member_without_contracts():
    member = f.profile(ProfileKind.MEMBER, person())

    assert member_client(member).get(reverse("help:index")).status_code == 200
