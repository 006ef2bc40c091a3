"""SPEC M3: my contracts, a contract's guarantees and covered people, and who may open them (X8)."""

import uuid
from datetime import date

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.choices import ProfileKind
from accounts.tests import factories as f
from content.tests.builders import (
    EXPECTED_EN,
    add_option,
    expat_product,
    household,
    member_client,
    realistic_product,
    zones,
)
from contracts.models import Contract
from contracts.tests import factories as cf
from people.models import Person
from people.tests.factories import company, dependant

pytestmark = pytest.mark.django_db


def urls_of(contract: Contract, affiliation) -> list[str]:
    ids = [contract.public_id]
    return [
        reverse("contracts:detail", args=ids),
        reverse("contracts:certificate", args=[*ids, affiliation.public_id]),
        reverse("contracts:guarantee_description", args=ids),
        reverse("contracts:general_conditions", args=ids),
    ]


def test_the_list_shows_product_options_dates_payment_terms_and_zone():
    family = household(product=expat_product(), zone=zones()["Z2"], end_date=date(2026, 12, 31))
    add_option(family.contract, end_date=date(2025, 6, 30))

    page = member_client(family.profile).get(reverse("contracts:list")).content.decode()

    assert family.contract.product.name_en in page and family.contract.number in page
    assert "Reinforced optics" in page and "30 June 2025" in page
    assert "From 1 January 2022 to 31 December 2026" in page
    assert "SEPA direct debit, quarterly" in page
    assert "Zone 2 – Asia and Latin America" in page
    assert reverse("contracts:detail", args=[family.contract.public_id]) in page


def test_the_detail_shows_every_kind_of_guarantee_in_words():
    family = household()

    response = member_client(family.profile).get(reverse("contracts:detail", args=[family.contract.public_id]))

    page = response.content.decode()
    assert response.status_code == 200
    for category_name, words in EXPECTED_EN.items():
        assert category_name in page
        for phrase in words:
            assert phrase in page, phrase


def test_the_french_page_shows_the_base_rate_the_french_way():
    family = household()

    page = member_client(family.profile, "fr").get(reverse("contracts:detail", args=[family.contract.public_id]))

    text = page.content.decode().replace("\xa0", " ")  # French puts a non-breaking space before %
    assert "200 % BR" in text and "Consultation de généraliste" in text
    assert family.contract.product.name_fr in text


def test_the_detail_lists_covered_people_with_a_certificate_each_but_not_confidential_ones():
    family = household()
    secret = cf.dependant_of(family.subscriber, dependant(first_name="Secret", is_confidential=True))

    page = member_client(family.profile).get(reverse("contracts:detail", args=[family.contract.public_id]))

    text = page.content.decode()
    assert family.subscriber.person.full_name in text and family.child.person.full_name in text
    assert "Secret" not in text
    for affiliation in (family.subscriber, family.child):
        assert reverse("contracts:certificate", args=[family.contract.public_id, affiliation.public_id]) in text
    assert str(secret.public_id) not in text


def test_another_familys_contract_answers_404_for_the_page_and_every_pdf():
    family, other = household(), household()
    client = member_client(family.profile)

    for url in urls_of(other.contract, other.subscriber):
        assert client.get(url).status_code == 404, url


def test_a_made_up_id_answers_the_same_404():
    family = household()
    client = member_client(family.profile)
    fake = Contract(public_id=uuid.uuid4())

    for url in urls_of(fake, family.subscriber):
        assert client.get(url).status_code == 404, url


def test_an_affiliation_of_another_contract_gives_no_certificate_under_mine():
    family, other = household(), household()
    url = reverse("contracts:certificate", args=[family.contract.public_id, other.subscriber.public_id])

    assert member_client(family.profile).get(url).status_code == 404


def test_a_confidential_contract_is_never_shown():
    family = household()
    Contract.objects.filter(pk=family.contract.pk).update(is_confidential=True)
    client = member_client(family.profile)

    assert family.contract.number not in client.get(reverse("contracts:list")).content.decode()
    for url in urls_of(family.contract, family.subscriber):
        assert client.get(url).status_code == 404, url


def test_a_confidential_person_gets_no_certificate():
    family = household()
    Person.objects.filter(pk=family.child.person_id).update(is_confidential=True)
    url = reverse("contracts:certificate", args=[family.contract.public_id, family.child.public_id])

    assert member_client(family.profile).get(url).status_code == 404


def test_a_dependant_member_sees_the_contract_and_only_themselves():
    family = household()
    child_profile = f.profile(ProfileKind.MEMBER, family.child.person)

    page = member_client(child_profile).get(reverse("contracts:detail", args=[family.contract.public_id]))

    text = page.content.decode()
    assert page.status_code == 200 and "Léo" in text
    assert str(family.subscriber.public_id) not in text


def test_other_profiles_and_visitors_are_turned_away():
    family = household()
    firm = company()
    cf.subscriber(cf.collective_contract(firm, product=family.contract.product), family.subscriber.person)
    company_client = member_client(f.profile(ProfileKind.COMPANY, firm))
    url = reverse("contracts:list")

    assert company_client.get(url).status_code == 404
    assert Client().get(url).status_code == 302


def test_downloads_are_private_attachments():
    family = household()
    client = member_client(family.profile)

    for url in urls_of(family.contract, family.child)[1:]:
        response = client.get(url)
        assert response.status_code == 200, url
        assert response["Content-Type"] == "application/pdf"
        assert response["Content-Disposition"].startswith("attachment; filename=")
        assert response["X-Content-Type-Options"] == "nosniff"
        assert "no-store" in response["Cache-Control"]
        assert response.content.startswith(b"%PDF-")


def test_the_file_name_is_in_the_members_language():
    family = household()
    url = reverse("contracts:guarantee_description", args=[family.contract.public_id])

    response = member_client(family.profile).get(url)

    assert (
        response["Content-Disposition"] == f'attachment; filename="guarantee-description-{family.contract.number}.pdf"'
    )


def test_the_list_takes_as_many_queries_for_one_contract_as_for_five():
    def count(profile) -> int:
        client = member_client(profile)
        client.get(reverse("contracts:list"))  # warm the session
        with CaptureQueriesContext(connection) as queries:
            assert client.get(reverse("contracts:list")).status_code == 200
        return len(queries)

    single = household()
    several = household()
    product = realistic_product()
    for _ in range(4):
        add_option(cf.individual_contract(several.subscriber.person, product=product, effective_date=date(2024, 1, 1)))

    assert count(single.profile) == count(several.profile)


def test_the_home_page_links_to_my_contracts():
    family = household()

    page = member_client(family.profile).get(reverse("accounts:dashboard")).content.decode()

    assert reverse("contracts:list") in page and "My contracts" in page
