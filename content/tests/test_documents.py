"""SPEC M6: "My documents" lists every PDF a member can get, and the library filtered by their products."""

from datetime import date

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from content import services
from content.choices import Feature, LibraryCategory
from content.models import LibraryDocument
from content.tests.builders import household, member_client, pdf_bytes, pdf_upload, realistic_product, streamed
from contracts.models import Contract
from contracts.tests import factories as cf
from people.models import Person

pytestmark = pytest.mark.django_db


def library_document(title: str, *, products=(), category=LibraryCategory.GUIDE, **fields) -> LibraryDocument:
    return services.library_document_create(
        actor=None,
        category=category,
        title_fr=f"{title} (FR)",
        title_en=title,
        file=pdf_upload(text_marker=title),
        products=products,
        **fields,
    )


def documents_page(profile) -> str:
    response = member_client(profile).get(reverse("my_documents:index"))
    assert response.status_code == 200
    return response.content.decode()


def test_every_contract_pdf_is_listed_per_contract_and_covered_person():
    family = household()
    second = cf.individual_contract(family.subscriber.person, product=realistic_product(), number="IND-2025-0002")
    contracts = [family.contract, second]

    page = documents_page(family.profile)

    for affiliation in (family.subscriber, family.child, second.affiliations.get()):
        url = reverse("contracts:certificate", args=[affiliation.contract.public_id, affiliation.public_id])
        assert url in page
    for contract in contracts:
        assert reverse("contracts:guarantee_description", args=[contract.public_id]) in page
        assert reverse("contracts:general_conditions", args=[contract.public_id]) in page
    assert f"Insurance certificate — {family.child.person.full_name}" in page


def test_the_library_shows_general_documents_and_those_of_the_members_products_only():
    family, other = household(), household()
    library_document("Care sheet", category=LibraryCategory.CARE_SHEET)
    mine = library_document("Guide to my product", products=[family.contract.product])
    theirs = library_document("Guide to another product", products=[other.contract.product])
    hidden = library_document("Withdrawn guide", is_published=False)

    page = documents_page(family.profile)

    assert "Care sheet" in page and "Guide to my product" in page
    assert "Guide to another product" not in page and "Withdrawn guide" not in page
    client = member_client(family.profile)
    assert client.get(reverse("my_documents:library_file", args=[mine.public_id])).status_code == 200
    for document in (theirs, hidden):
        assert client.get(reverse("my_documents:library_file", args=[document.public_id])).status_code == 404


def test_a_library_file_is_stored_encrypted_and_served_decrypted_as_an_attachment():
    family = household()
    content = pdf_bytes(pages=2)
    document = services.library_document_create(
        actor=None,
        category=LibraryCategory.NOTICE,
        title_fr="Notice d'information",
        title_en="Information notice",
        file=pdf_upload(pages=2),
    )

    stored = (settings.MEDIA_ROOT / document.file.name).read_bytes()
    response = member_client(family.profile).get(reverse("my_documents:library_file", args=[document.public_id]))

    assert not stored.startswith(b"%PDF") and b"%PDF" not in stored
    assert streamed(response) == content
    assert response["Content-Disposition"] == 'attachment; filename="information-notice.pdf"'
    assert response["Content-Type"] == "application/pdf"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert document.page_count == 2


def test_a_confidential_contract_lists_nothing_and_its_product_documents_are_hidden():
    family = household()
    restricted = library_document("Guide to my product", products=[family.contract.product])
    Contract.objects.filter(pk=family.contract.pk).update(is_confidential=True)

    page = documents_page(family.profile)

    assert family.contract.number not in page and "Guide to my product" not in page
    url = reverse("my_documents:library_file", args=[restricted.public_id])
    assert member_client(family.profile).get(url).status_code == 404


def test_a_confidential_dependant_has_no_certificate_line():
    family = household()
    Person.objects.filter(pk=family.child.person_id).update(is_confidential=True)

    page = documents_page(family.profile)

    assert str(family.child.public_id) not in page and str(family.subscriber.public_id) in page


def test_the_page_takes_as_many_queries_with_one_contract_as_with_five():
    def count(profile) -> int:
        client = member_client(profile)
        client.get(reverse("my_documents:index"))
        with CaptureQueriesContext(connection) as queries:
            assert client.get(reverse("my_documents:index")).status_code == 200
        return len(queries)

    library_document("Care sheet", category=LibraryCategory.CARE_SHEET)
    single, several = household(), household()
    for number in range(4):
        contract = cf.individual_contract(several.subscriber.person, effective_date=date(2023, 1, 1))
        library_document(f"Guide {number}", products=[contract.product])

    assert count(single.profile) == count(several.profile)


def test_a_documents_closure_shows_the_maintenance_message():
    family = household()
    services.maintenance_open(
        actor=None, feature=Feature.DOCUMENTS, message_fr="Documents fermés.", message_en="Documents are closed."
    )

    response = member_client(family.profile).get(reverse("my_documents:index"))

    assert response.status_code == 503 and "Documents are closed." in response.content.decode()


def test_visitors_are_sent_to_log_in_and_the_home_page_links_here():
    family = household()

    assert Client().get(reverse("my_documents:index")).status_code == 302
    page = member_client(family.profile).get(reverse("accounts:dashboard")).content.decode()
    assert reverse("my_documents:index") in page and "My documents" in page
