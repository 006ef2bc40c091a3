"""The claims API (SPEC C1-C5, X5): multipart submission with idempotency, scoping, eligibility, currencies."""

import json
import uuid
from datetime import timedelta
from decimal import Decimal

import pytest
from django.test import Client
from django.test.client import MULTIPART_CONTENT
from django.utils import timezone

from accounts.choices import ProfileKind, StaffRole
from accounts.tests import factories as f
from api.tests.conftest import bearer, token_for
from claims.models import CareDocument, CareItem, Claim
from claims.tests.conftest import (
    days_ago,
    item,
    items_json,
    log_in,
    make_claim,
    pdf_upload,
    sharp_jpeg,
    stored_files,
    upload,
)
from people.tests.factories import company

pytestmark = pytest.mark.django_db
D = Decimal


@pytest.fixture
def api(family):
    return {"headers": bearer(token_for(family["profile"])), "client": Client()}


def post(api, beneficiary, items, files=None, *, key="idem-1", accept="true"):
    data = {"beneficiary": str(beneficiary.public_id), "items": items_json(*items), "accept_terms": accept}
    if files is None:
        files = {f"item{n}_doc1": pdf_upload() for n in range(1, len(items) + 1)}
    headers = {**api["headers"], **({"HTTP_IDEMPOTENCY_KEY": key} if key else {})}
    return api["client"].post("/api/claims", {**data, **files}, **headers)


def test_submit_then_read(api, family, rates):
    response = post(
        api,
        family["child"],
        [item(), item(currency="USD", amount=D("58.00"), category="T_OSTEO")],
        {
            "item1_doc1": pdf_upload(),
            "item1_doc2": upload(sharp_jpeg(), "p.jpg", "image/jpeg"),
            "item2_doc1": pdf_upload(),
        },
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["status"] == "in_progress" and body["total_claimed"] == "110.00"
    assert [i["amount_eur"] for i in body["items"]] == ["60.00", "50.00"]
    assert body["items"][1]["exchange_rate"] == "1.160000" and len(body["items"][0]["documents"]) == 2
    assert body["terms_version"] == "CLAIMS-2026-01" and Claim.objects.get().channel == "api"
    listing = api["client"].get("/api/claims", **api["headers"]).json()
    assert listing["count"] == 1 and listing["items"][0]["reference"] == body["reference"]
    detail = api["client"].get(f"/api/claims/{body['id']}", **api["headers"]).json()
    assert detail == body


def test_the_same_idempotency_key_returns_the_first_claim(api, family, settings):
    content = sharp_jpeg()
    first = post(api, family["principal"], [item()], {"item1_doc1": upload(content, "a.jpg")})
    again = post(api, family["principal"], [item()], {"item1_doc1": upload(content, "a.jpg")})
    assert (first.status_code, again.status_code) == (201, 200) and first.json()["id"] == again.json()["id"]
    assert Claim.objects.count() == 1 and len(stored_files(settings)) == 1
    other = post(api, family["principal"], [item(amount=D("70"))])
    assert other.status_code == 422 and other.json()["code"] == "invalid"
    assert "idempotency key" in other.json()["message"]


def nothing_stored(settings):
    return not (Claim.objects.exists() or CareItem.objects.exists() or CareDocument.objects.exists()) and (
        stored_files(settings) == []
    )


@pytest.mark.parametrize(
    ("items", "files", "code", "field"),
    [
        ([item() for _ in range(11)], None, "too_many_items", "items"),
        ([item()], {f"item1_doc{m}": pdf_upload() for m in range(1, 7)}, "too_many_documents", "items[0].documents"),
        ([item(amount=D("600"))], None, "total_too_high", "items"),
        ([item()], {"item1_doc1": upload(b"MZ\x90\x00" + b"\x00" * 64, "x.pdf")}, "invalid", "item1_doc1"),
        ([item()], {"item1_doc1": upload(b"", "empty.pdf")}, "invalid", "item1_doc1"),
        # A week ahead: the list is built at collection, which may be on the other side of midnight from the run.
        ([item(care_date=timezone.localdate() + timedelta(days=7))], None, "future", "items[0].care_date"),
        ([item(currency="XYZ")], None, "unknown_currency", "items[0].currency"),
        ([item(category="T_HOSP")], None, "use_request", "items[0].category"),
        ([item()], {}, "no_document", "items[0].documents"),
        ([item()], {"item2_doc1": pdf_upload()}, "invalid", "item2_doc1"),
    ],
)
def test_bad_input_is_refused_with_its_field_and_nothing_is_stored(api, family, settings, items, files, code, field):
    response = post(api, family["principal"], items, files)
    assert response.status_code == 422, response.content
    body = response.json()
    assert body["code"] == code and body["field"] == field and body["message"]
    assert nothing_stored(settings)


def test_bad_json_and_foreign_beneficiaries(api, family, other_family, settings):
    response = api["client"].post(
        "/api/claims",
        {"beneficiary": str(family["principal"].public_id), "items": "not json", "accept_terms": "true"},
        **api["headers"],
    )
    assert response.status_code == 422 and response.json()["field"] == "items"
    bad_amount = api["client"].post(
        "/api/claims",
        {
            "beneficiary": str(family["principal"].public_id),
            "items": '[{"care_date": "2026-01-01", "category": "T_GP", '
            '"practitioner": "x", "country": "FR", "amount": "-1"}]',
        },
        **api["headers"],
    )
    assert bad_amount.status_code == 422 and bad_amount.json()["field"] == "items[0].amount"
    foreign = post(api, other_family["principal"], [item()])
    assert foreign.status_code == 422 and foreign.json()["field"] == "beneficiary"
    family["child"].end_date = days_ago(30)
    family["child"].save()
    ended = post(api, family["child"], [item(care_date=days_ago(5))])
    assert ended.json()["code"] == "rights_closed"
    unaccepted = post(api, family["principal"], [item()], accept="false")
    assert unaccepted.status_code == 422 and unaccepted.json()["field"] == "accept_terms"
    assert nothing_stored(settings)


def test_scoping_of_reads(family, other_family):
    own = make_claim(family, beneficiary=family["child"])
    foreign = make_claim(other_family)
    client = Client()
    subscriber = bearer(token_for(family["profile"]))
    assert client.get(f"/api/claims/{own.public_id}", **subscriber).status_code == 200
    for claim_id in (foreign.public_id, uuid.uuid4()):
        response = client.get(f"/api/claims/{claim_id}", **subscriber)
        assert response.status_code == 404 and response.json()["code"] == "not_found"
    child = bearer(token_for(f.profile(ProfileKind.MEMBER, family["child"].person)))
    assert client.get(f"/api/claims/{own.public_id}", **child).status_code == 200
    company_token = bearer(token_for(f.profile(ProfileKind.COMPANY, company())))
    assert client.get("/api/claims", **company_token).json()["count"] == 0
    assert client.get(f"/api/claims/{own.public_id}", **company_token).status_code == 404
    company_post = client.post(
        "/api/claims", {"beneficiary": str(family["principal"].public_id), "items": "[]"}, **company_token
    )
    assert company_post.status_code == 403 and company_post.json()["code"] == "not_member"
    assert client.get("/api/claims").status_code == 401
    staff = f.staff(StaffRole.CLAIMS)
    staff_session = log_in(Client(), staff.user)
    assert staff_session.get(f"/api/claims/{own.public_id}").status_code in (403, 404)


def test_eligibility_answers_what_the_form_checks(api, family, rates, claims_staff):
    client, headers = api["client"], api["headers"]
    body = client.get("/api/claims/eligibility", **headers).json()
    assert body["eligible"] and body["max_total_eur"] == "500" and body["terms_version"] == "CLAIMS-2026-01"
    ids = {b["id"] for b in body["beneficiaries"]}
    assert ids == {str(family["principal"].public_id), str(family["child"].public_id)}
    assert {c["code"] for c in body["beneficiaries"][0]["categories"]} == {"T_GP", "T_OPTICS", "T_OSTEO"}
    query = {
        "beneficiary": str(family["principal"].public_id),
        "care_date": str(days_ago(3)),
        "category": "T_GP",
        "amount": "116.00",
        "currency": "USD",
    }
    partial = client.get("/api/claims/eligibility", {"beneficiary": query["beneficiary"]}, **headers).json()
    assert partial["eligible"] and partial["problems"] == []
    ok = client.get("/api/claims/eligibility", query, **headers).json()
    assert ok["eligible"] and ok["conversion"]["amount_eur"] == "100.00"
    too_much = client.get("/api/claims/eligibility", {**query, "amount": "700"}, **headers).json()
    assert not too_much["eligible"] and too_much["problems"][0]["code"] == "total_too_high"
    hospital = client.get("/api/claims/eligibility", {**query, "category": "T_HOSP"}, **headers).json()
    assert [p["code"] for p in hospital["problems"]] == ["use_request"]
    from claims import services

    services.claims_suspend(actor=claims_staff["user"], person=family["holder"], reason="fraud", explanation="No.")
    suspended = client.get("/api/claims/eligibility", **headers).json()
    assert not suspended["eligible"] and suspended["problems"][0]["code"] == "suspended"
    refused = post(api, family["principal"], [item()])
    assert refused.status_code == 403 and refused.json()["code"] == "suspended"


def test_currencies(api, rates):
    body = api["client"].get("/api/currencies", **api["headers"]).json()
    assert [c["code"] for c in body] == ["EUR", "GBP", "USD"]
    assert body[0]["rate"] == "1" and body[2]["name"] == "US dollar" and body[2]["rate"] == "1.160000"


def test_a_claim_built_from_the_openapi_document_alone_is_accepted(api, family):
    """What a mobile developer does: read the document, fill its fields and parts, send it as it says."""
    document = Client().get("/api/openapi.json").json()
    operation = document["paths"]["/api/claims"]["post"]
    ((content_type, body),) = operation["requestBody"]["content"].items()
    properties, required = body["schema"]["properties"], set(body["schema"]["required"])
    item_fields = properties["items"]["contentSchema"]["items"]["properties"]
    example = json.loads(properties["items"]["example"])[0]
    entry = {name: example[name] for name in item_fields} | {"care_date": str(days_ago(3))}
    form = {"beneficiary": str(family["principal"].public_id), "items": json.dumps([entry]), "accept_terms": "true"}
    first_part = next(name for name in required if properties[name].get("format") == "binary")
    assert content_type == MULTIPART_CONTENT.split(";")[0] and set(form) <= set(properties)
    assert required <= set(form) | {first_part}

    response = api["client"].post(
        "/api/claims", {**form, first_part: pdf_upload()}, content_type=MULTIPART_CONTENT, **api["headers"]
    )

    assert response.status_code == 201, response.content
    claim = Claim.objects.get()
    assert claim.items.get().documents.count() == 1 and claim.total_claimed == D(example["amount"])


def test_the_missing_document_through_the_api(api, family, other_family, claims_staff):
    """Issue 14: the app adds the document a care item was refused for; the claim goes back to review."""
    from claims import services
    from claims.choices import ClaimStatus, ItemDecision, RefusalReason

    staff = claims_staff["user"]
    claim = make_claim(family)
    care = claim.items.get()
    services.care_item_assess(
        actor=staff,
        item=care,
        base_amount=D(30),
        compulsory_paid=D(21),
        decision=ItemDecision.REFUSED,
        refusal_reason=RefusalReason.MISSING_DOCUMENTS,
    )
    services.claim_decide(actor=staff, claim=claim)
    url = f"/api/claims/{claim.public_id}/items/{care.public_id}/documents"
    other = bearer(token_for(other_family["profile"]))
    assert api["client"].post(url, {"documents": [pdf_upload()]}, **other).status_code == 404
    bad = api["client"].post(url, {"documents": [upload(b"MZ" + b"\x00" * 64, "x.exe")]}, **api["headers"])
    assert bad.status_code == 422 and Claim.objects.get(pk=claim.pk).status == ClaimStatus.REJECTED
    response = api["client"].post(url, {"documents": [pdf_upload("lab.pdf")]}, **api["headers"])
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["status"] == ClaimStatus.IN_PROGRESS
    assert body["items"][0]["decision"] == ItemDecision.PENDING
    assert "lab.pdf" in [document["name"] for document in body["items"][0]["documents"]]
    assert api["client"].post(url, {"documents": [pdf_upload()]}, **api["headers"]).status_code == 404  # done
