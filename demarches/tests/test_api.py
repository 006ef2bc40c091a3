"""The requests API: same kinds, checks and scoping as the website; errors name the field."""

import json
import uuid

import pytest

from accounts.choices import ProfileKind
from accounts.tests import factories as f
from api.tests.conftest import bearer, token_for
from demarches import services
from demarches.choices import RequestStatus
from demarches.models import Request, RequestMessage
from demarches.tests.conftest import PDF_BYTES, exe_as_pdf, pdf, png, stored_files
from demarches.tests.helpers import INFORMATION, submit
from providers.choices import ProfessionalKind, Specialty
from providers.models import HealthProfessional

pytestmark = pytest.mark.django_db


def create(client, secret, kind="information", payload=None, files=(), key=None):
    body = {"kind": kind, "payload": payload if isinstance(payload, str) else json.dumps(payload or INFORMATION)}
    if files:
        body["attachments"] = list(files)
    headers = bearer(secret)
    if key is not None:
        headers["HTTP_IDEMPOTENCY_KEY"] = key
    return client.post("/api/requests", body, **headers)


def assert_error(response, status: int, field: str | None):
    assert response.status_code == status, response.content
    body = response.json()
    assert body["field"] == field and body["message"] and body["code"], body


@pytest.fixture
def professional():
    practitioner = HealthProfessional.objects.create(
        kind=ProfessionalKind.PRACTITIONER, name="Dr Test", specialty=Specialty.GENERAL_PRACTICE, rpps="10000000777"
    )
    return f.profile(ProfileKind.PROFESSIONAL, practitioner)


# --- Kinds --------------------------------------------------------------------------------------------------


def test_kinds_open_to_the_profile_with_their_fields(client, family, employer, professional):
    kinds_ = client.get("/api/request-kinds", **bearer(token_for(family["profile"]))).json()
    by_code = {kind["code"]: kind for kind in kinds_}
    assert {"information", "coverage_change", "situation_update", "complaint", "other"} <= set(by_code)
    fields = {field["name"]: field for field in by_code["situation_update"]["fields"]}
    assert set(fields) == {"change", "person", "event_date", "country", "details"}
    assert fields["event_date"]["type"] == "date" and fields["person"]["type"] == "reference:person"
    assert {"value": "birth", "label": "Birth or adoption"} in fields["change"]["choices"]
    assert by_code["complaint"]["description"].startswith("We acknowledge")
    company_codes = {
        k["code"] for k in client.get("/api/request-kinds", **bearer(token_for(employer["profile"]))).json()
    }
    assert "complaint" in company_codes and not company_codes & {"beneficiary_add", "iban_change"}
    assert client.get("/api/request-kinds", **bearer(token_for(professional))).json() == []


# --- Create ---------------------------------------------------------------------------------------------------


def test_create_with_documents(client, family, django_capture_on_commit_callbacks):
    secret = token_for(family["profile"])
    with django_capture_on_commit_callbacks(execute=True):
        response = create(
            client, secret, payload={**INFORMATION, "contract": family["contract"].number}, files=[pdf(), png()]
        )
    assert response.status_code == 201, response.content
    body = response.json()
    request = Request.objects.get()
    assert body["id"] == str(request.public_id) and body["reference"] == request.reference
    assert body["status"] == "in_progress" and body["status_label"] == "In progress"
    assert body["contract"] == family["contract"].number
    assert body["data"]["question"] == INFORMATION["question"]
    assert [a["content_type"] for a in body["attachments"]] == ["application/pdf", "image/png"]
    assert body["history"][0]["status"] == "in_progress" and body["history"][0]["previous_status"] is None
    assert "author" not in body and "pk" not in body


def test_the_idempotency_key_makes_a_retry_safe(client, family, settings):
    secret = token_for(family["profile"])
    first = create(client, secret, files=[pdf()], key="mobile-retry-0001")
    again = create(client, secret, files=[pdf()], key="mobile-retry-0001")
    assert first.status_code == again.status_code == 201
    assert first.json()["id"] == again.json()["id"] and Request.objects.count() == 1
    assert len(stored_files(settings)) == 1


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"kind": "nope"}, "kind"),
        ({"kind": "beneficiary_add_not_here"}, "kind"),
        ({"payload": "{not json"}, "payload"),
        ({"payload": "[1, 2]"}, "payload"),
        ({"payload": {**INFORMATION, "author": 1}}, "payload.author"),
        ({"payload": {"topic": "T"}}, "payload.question"),
        ({"payload": {**INFORMATION, "question": "x" * 10_000}}, "payload.question"),
        ({"payload": {**INFORMATION, "question": "<script>alert(1)</script>"}}, "payload.question"),
        ({"payload": {**INFORMATION, "contract": "' OR 1=1 --"}}, "payload.contract"),
        ({"files": [exe_as_pdf()]}, "attachments"),
        ({"files": [pdf() for _ in range(6)]}, "attachments"),
        ({"key": "<script>"}, "Idempotency-Key"),
        ({"key": "k" * 65}, "Idempotency-Key"),
    ],
)
def test_create_errors_name_the_field_and_write_nothing(client, family, settings, kwargs, field):
    response = create(client, token_for(family["profile"]), **kwargs)
    assert_error(response, 422, field)
    assert not Request.objects.exists() and stored_files(settings) == []


def test_another_familys_contract_is_refused_like_an_unknown_one(client, family, other_family):
    response = create(
        client,
        token_for(family["profile"]),
        "coverage_change",
        {"contract": str(other_family["contract"].public_id), "change": "increase", "details": "x"},
    )
    assert_error(response, 422, "payload.contract")


def test_profiles_that_send_no_request(client, professional):
    assert_error(create(client, token_for(professional)), 403, "profile")
    assert client.get("/api/requests", **bearer(token_for(professional))).json()["count"] == 0
    assert client.post("/api/requests", {"kind": "information"}).status_code == 401


# --- Read ----------------------------------------------------------------------------------------------------


def test_list_is_paginated_scoped_and_filtered(client, family, other_family):
    for _ in range(3):
        submit(family["profile"])
    submit(other_family["profile"])
    secret = token_for(family["profile"])
    listing = client.get("/api/requests", {"page_size": 2}, **bearer(secret)).json()
    assert listing["count"] == 3 and len(listing["items"]) == 2
    assert client.get("/api/requests", {"status": "validated"}, **bearer(secret)).json()["count"] == 0
    assert_error(client.get("/api/requests", {"status": "<script>"}, **bearer(secret)), 422, "status")


def test_detail_shows_the_thread_without_internal_notes(client, family, processor):
    request = submit(family["profile"])
    services.request_message_add(actor_user=processor.user, request=request, body="Note", internal=True)
    services.request_message_add(actor_user=processor.user, request=request, body="Hello", attachments=[pdf()])
    body = client.get(f"/api/requests/{request.public_id}", **bearer(token_for(family["profile"]))).json()
    assert [(m["body"], m["from_staff"]) for m in body["messages"]] == [("Hello", True)]
    assert body["messages"][0]["attachments"][0]["filename"] == "certificate.pdf"
    attachment_id = body["messages"][0]["attachments"][0]["id"]
    download = client.get(
        f"/api/requests/{request.public_id}/attachments/{attachment_id}", **bearer(token_for(family["profile"]))
    )
    assert download.status_code == 200 and b"".join(download.streaming_content) == PDF_BYTES
    assert download["X-Content-Type-Options"] == "nosniff"


def test_another_users_request_answers_like_a_missing_one_on_every_endpoint(client, family, other_family):
    request = submit(family["profile"], attachments=[pdf()])
    attachment = request.attachments.get()
    secret = token_for(other_family["profile"])
    for public_id in (request.public_id, uuid.uuid4()):
        responses = [
            client.get(f"/api/requests/{public_id}", **bearer(secret)),
            client.post(f"/api/requests/{public_id}/messages", {"body": "Hi"}, **bearer(secret)),
            client.get(f"/api/requests/{public_id}/attachments/{attachment.public_id}", **bearer(secret)),
        ]
        for response in responses:
            assert_error(response, 404, None)
    assert not RequestMessage.objects.exists()


# --- Reply -----------------------------------------------------------------------------------------------------


def test_reply_with_a_document_answers_a_request_awaiting_return(client, family, processor):
    request = submit(family["profile"])
    services.request_set_status(
        actor=processor.user, request=request, status=RequestStatus.AWAITING_RETURN, comment="Send it."
    )
    secret = token_for(family["profile"])
    url = f"/api/requests/{request.public_id}/messages"
    response = client.post(url, {"body": "Here.", "attachments": [png()]}, **bearer(secret))
    assert response.status_code == 201 and response.json()["attachments"][0]["content_type"] == "image/png"
    assert Request.objects.get().status == RequestStatus.IN_PROGRESS
    for data, field in (
        ({"body": ""}, "body"),
        ({"body": "<script>x</script>"}, "body"),
        ({}, "body"),
        ({"body": "ok", "attachments": [exe_as_pdf()]}, "attachments"),
    ):
        assert_error(client.post(url, data, **bearer(secret)), 422, field)
    assert RequestMessage.objects.filter(by_staff=False).count() == 1
