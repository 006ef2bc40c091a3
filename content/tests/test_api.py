"""The API of SPEC M3/M6/M7 (api/routers/contracts_documents.py): same scoping and errors as the web."""

import uuid

import pytest
from django.test import Client

from accounts.choices import ProfileKind
from accounts.tests import factories as f
from api.tests.conftest import bearer, token_for
from content import services
from content.choices import FaqCategory, LibraryCategory
from content.tests.builders import EXPECTED_EN, expat_product, household, pdf_text, pdf_upload, streamed, zones
from contracts.models import Contract
from contracts.tests import factories as cf
from people.tests.factories import company, person

pytestmark = pytest.mark.django_db


def api(profile, language: str = "en"):
    """A client calling with a token of ``profile``; PDFs follow the login's language."""
    profile.user.language = language
    profile.user.save(update_fields=["language"])
    headers = {**bearer(token_for(profile)), "HTTP_ACCEPT_LANGUAGE": language}
    client = Client()
    return lambda path, **params: client.get(path, params, **headers)


def contract_paths(contract, person) -> list[str]:
    base = f"/api/contracts/{contract.public_id}"
    return [
        f"{base}/guarantees",
        f"{base}/certificate.pdf?person={person.public_id}",
        f"{base}/guarantee-description.pdf",
        f"{base}/general-conditions.pdf",
    ]


def test_guarantees_in_figures_and_in_words():
    family = household()

    body = api(family.profile)(f"/api/contracts/{family.contract.public_id}/guarantees").json()

    assert {row["category"]: [row["cover"], *row["ceilings"]] for row in body} == EXPECTED_EN
    dental = next(row for row in body if row["category_code"] == "T_DENTAL")
    assert dental == {
        "category_code": "T_DENTAL",
        "category": "Dental prostheses",
        "basis": "percent_base",
        "rate": "300.00",
        "rate_non_optam": None,  # a dental line: the doctor's sector does not change it
        "flat_amount": None,
        "per_act_ceiling": "800.00",
        "period_ceiling": "1500.00",
        "ceiling_period_years": 1,
        "cover": "300 % BR",
        "ceilings": ["up to €800 per act", "up to €1,500 per year and beneficiary"],
        "example": None,  # a test category: no typical fee (ledger/tests/test_estimates.py checks the examples)
    }


def test_the_three_pdfs_of_a_contract():
    family = household()
    get = api(family.profile)
    base = f"/api/contracts/{family.contract.public_id}"

    certificate = get(f"{base}/certificate.pdf", person=str(family.child.public_id))
    description = get(f"{base}/guarantee-description.pdf")
    conditions = get(f"{base}/general-conditions.pdf")

    for response in (certificate, description, conditions):
        assert response.status_code == 200
        assert response["Content-Type"] == "application/pdf"
        assert response["Content-Disposition"].startswith("attachment")
        assert response["X-Content-Type-Options"] == "nosniff"
    assert family.subscriber.person.full_name in pdf_text(certificate.content)
    assert "Dental prostheses" in pdf_text(description.content)
    assert "Complaints and mediation" in pdf_text(conditions.content)


def test_another_familys_contract_answers_like_a_missing_one():
    family, other = household(), household()
    get = api(family.profile)
    missing = Contract(public_id=uuid.uuid4())

    for foreign, unknown in zip(
        contract_paths(other.contract, other.subscriber), contract_paths(missing, other.subscriber), strict=True
    ):
        assert get(foreign).status_code == get(unknown).status_code == 404, foreign
        assert get(foreign).json() == get(unknown).json()
        assert get(foreign).json()["code"] == "not_found"


def test_a_certificate_for_someone_outside_the_contract_is_a_404():
    family, other = household(), household()
    path = f"/api/contracts/{family.contract.public_id}/certificate.pdf"

    assert api(family.profile)(path, person=str(other.subscriber.public_id)).status_code == 404


def test_without_a_person_a_member_gets_their_own_certificate_and_a_bad_id_is_a_field_error():
    family = household()
    get = api(family.profile)
    path = f"/api/contracts/{family.contract.public_id}/certificate.pdf"

    own = get(path)
    bad_person = get(path, person="nope")

    assert own.status_code == 200 and family.contract.number in pdf_text(own.content)
    assert bad_person.status_code == 422 and bad_person.json()["field"] == "person"


def test_a_company_must_say_whose_certificate_it_wants():
    firm = company()
    contract = cf.collective_contract(firm)
    employee = cf.subscriber(contract, person())
    get = api(f.profile(ProfileKind.COMPANY, firm))
    path = f"/api/contracts/{contract.public_id}/certificate.pdf"

    unnamed = get(path)
    named = get(path, person=str(employee.public_id))

    assert unnamed.status_code == 422 and unnamed.json()["field"] == "person"
    assert named.status_code == 200 and employee.person.full_name in pdf_text(named.content)


def test_a_confidential_contract_is_invisible():
    family = household()
    Contract.objects.filter(pk=family.contract.pk).update(is_confidential=True)
    get = api(family.profile)

    for path in contract_paths(family.contract, family.subscriber):
        assert get(path).status_code == 404, path
    assert [d for d in get("/api/documents").json() if d["contract_id"]] == []


def test_documents_list_every_pdf_with_a_working_download_url():
    family, other = household(), household()
    services.library_document_create(
        actor=None, category=LibraryCategory.CARE_SHEET, title_fr="Feuille", title_en="Care sheet", file=pdf_upload()
    )
    services.library_document_create(
        actor=None,
        category=LibraryCategory.GUIDE,
        title_fr="Guide",
        title_en="Their guide",
        file=pdf_upload(),
        products=[other.contract.product],
    )
    get = api(family.profile)

    documents = get("/api/documents").json()

    kinds = sorted(document["kind"] for document in documents)
    assert kinds == ["certificate", "certificate", "general_conditions", "guarantee_description", "library"]
    assert {d["person_name"] for d in documents if d["kind"] == "certificate"} == {
        family.subscriber.person.full_name,
        family.child.person.full_name,
    }
    assert "Their guide" not in {d["title"] for d in documents}
    for document in documents:
        response = get(document["url"])
        assert response.status_code == 200, document
        assert streamed(response).startswith(b"%PDF-")


def test_a_library_file_of_another_product_is_a_404():
    family, other = household(), household()
    theirs = services.library_document_create(
        actor=None,
        category=LibraryCategory.GUIDE,
        title_fr="Guide",
        title_en="Guide",
        file=pdf_upload(),
        products=[other.contract.product],
    )

    assert api(family.profile)(f"/api/library/{theirs.public_id}/file").status_code == 404
    assert api(other.profile)(f"/api/library/{theirs.public_id}/file").status_code == 200


def test_a_company_gets_no_member_certificates_in_its_documents():
    profile = f.profile(ProfileKind.COMPANY, company())

    assert api(profile)("/api/documents").json() == []


def test_emergency_numbers_are_public_and_put_the_callers_zone_first():
    all_zones = zones()
    family = household(product=expat_product(), zone=all_zones["Z3"])

    public = Client().get("/api/help/emergency-numbers").json()
    mine = api(family.profile)("/api/help/emergency-numbers").json()

    assert [zone["code"] for zone in public["zones"]] == ["Z1", "Z2", "Z3"]
    assert not any(zone["mine"] for zone in public["zones"])
    assert public["management_centre"]["phone"]
    assert [zone["code"] for zone in mine["zones"]] == ["Z3", "Z1", "Z2"]
    assert mine["zones"][0] == {
        "code": "Z3",
        "name": "Zone 3 – United States and Canada",
        "emergency_phone": "+33 1 84 88 43 10",
        "assistance_phone": "+33 1 84 88 43 20",
        "mine": True,
    }


def test_a_bad_token_on_a_public_endpoint_is_still_refused():
    response = Client().get("/api/help/emergency-numbers", HTTP_AUTHORIZATION="Bearer om_not-a-token")

    assert response.status_code == 401 and response.json()["code"] == "invalid_token"


def test_faq_search_over_the_api():
    for question_fr, question_en in (("Où est ma carte ?", "Where is my card?"), ("Délai de remboursement", "Delay")):
        services.faq_create(
            actor=None,
            category=FaqCategory.CLAIMS,
            question_fr=question_fr,
            question_en=question_en,
            answer_fr="Réponse.",
            answer_en="Answer.",
        )
    client = Client(HTTP_ACCEPT_LANGUAGE="en")

    found = client.get("/api/faq", {"q": "DELAI REMBOURSEMENT"}).json()
    everything = client.get("/api/faq").json()
    too_long = client.get("/api/faq", {"q": "x" * 101})
    bad_section = client.get("/api/faq", {"category": "nope"})

    assert [item["question"] for item in found["items"]] == ["Delay"]
    assert found["items"][0]["category_label"] == "Reimbursements"
    assert everything["count"] == 2
    assert too_long.status_code == bad_section.status_code == 422
    assert too_long.json()["field"] == "q" and bad_section.json()["field"] == "category"
