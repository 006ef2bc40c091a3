"""The company and agent API: same scoping as the pages, idempotent affiliation, E8 refusal."""

from __future__ import annotations

from datetime import date

from dateutil.relativedelta import relativedelta
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from api import services as api_services
from companies.tests.conftest import employer, nir
from contracts.models import Contract
from contracts.tests import factories as cf
from people.tests.factories import person


def _api(profile) -> tuple[Client, dict]:
    _token, secret = api_services.token_create(actor=profile.user, profile=profile, name="t", via="test")
    return Client(), {"HTTP_AUTHORIZATION": f"Bearer {secret}"}


def test_employee_list_detail_and_certificate(acme, rival):
    client, auth = _api(acme.profile)
    listed = client.get("/api/company/employees", **auth).json()
    assert listed["count"] == 3
    assert {item["contract_number"] for item in listed["items"]} == {acme.contract.number}
    one = acme.covers[0].public_id
    assert client.get(f"/api/company/employees/{one}", **auth).json()["writable"] is True
    assert client.get(f"/api/company/employees/{rival.covers[0].public_id}", **auth).status_code == 404
    pdf = client.get(f"/api/company/employees/{one}/certificate.pdf", **auth)
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    assert client.get("/api/company", **auth).json()["siret"] == acme.company.siret


def test_affiliate_and_end_through_the_api(acme):
    client, auth = _api(acme.profile)
    body = {
        "contract": str(acme.contract.public_id),
        "last_name": "Api",
        "first_name": "Zoé",
        "birth_date": "1993-05-06",
        "sex": "F",
        "nir": nir("2930575123456"),
        "start_date": "2026-01-01",
    }
    first = client.post("/api/company/employees", body, content_type="application/json", **auth)
    assert first.status_code == 201
    again = client.post("/api/company/employees", body, content_type="application/json", **auth)
    assert again.status_code == 200 and again.json()["id"] == first.json()["id"]
    bad = client.post("/api/company/employees", {**body, "nir": "1"}, content_type="application/json", **auth)
    assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "nir"
    extra = client.post("/api/company/employees", {**body, "is_staff": True}, content_type="application/json", **auth)
    assert extra.status_code == 422
    ended = client.post(
        f"/api/company/employees/{first.json()['id']}/end",
        {"end_date": "2026-06-30", "reason": "resignation"},
        content_type="application/json",
        **auth,
    )
    assert ended.status_code == 200 and ended.json()["end_date"] == "2026-06-30"


def test_agent_api_and_grace_period(acme, rival, broker):
    client, auth = _api(broker)
    assert client.get("/api/company/employees", **auth).json()["count"] == 3
    assert client.get("/api/company", **auth).status_code == 404
    assert [c["name"] for c in client.get("/api/company/clients", **auth).json()["items"]] == [acme.company.name]
    Contract.objects.filter(pk=acme.contract.pk).update(end_date=timezone.localdate() - relativedelta(months=1))
    refused = client.post(
        f"/api/company/employees/{acme.covers[0].public_id}/end",
        {"end_date": str(date(2026, 1, 1)), "reason": "other"},
        content_type="application/json",
        **auth,
    )
    assert refused.status_code == 403 and "grace period" in refused.json()["message"]


def test_employee_list_reads_one_page_in_the_same_queries(db):
    small = employer("Petite Boîte", employees=5)
    client, auth = _api(small.profile)

    def listed() -> tuple[int, int]:
        with CaptureQueriesContext(connection) as queries:
            body = client.get("/api/company/employees", **auth).json()
        return len(queries), len(body["items"])

    listed()
    few, rows = listed()
    for n in range(25):
        cf.subscriber(small.contract, person(last_name=f"Zed{n}"))
    assert listed() == (few, 25) and rows == 5
