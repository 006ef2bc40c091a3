"""Pages of the company and agent spaces: list with bounded queries, export, PDF, affiliation, departure, E8."""

from __future__ import annotations

from datetime import date

from dateutil.relativedelta import relativedelta
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEvent
from companies.tests.conftest import employer, logged_in, nir
from contracts.models import Affiliation, Contract, Mandate
from contracts.tests import factories as cf
from demarches.models import Request
from people.tests.factories import person

LIST = reverse("companies:employee_list")


def _queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_list_query_count_does_not_grow_with_rows(db):
    small = employer("Petite Boîte", employees=5)
    client = logged_in(small.profile)
    _queries(client, LIST)  # the first page of a session fills its caches
    few = _queries(client, LIST)
    for n in range(25):
        cf.subscriber(small.contract, person(last_name=f"Zed{n}"))
    assert _queries(client, LIST) == few


def test_export_query_count_does_not_grow_with_rows(db):
    small = employer("Petite Boîte", employees=5)
    client = logged_in(small.profile)
    url = reverse("companies:employee_export")

    def export() -> int:
        with CaptureQueriesContext(connection) as queries:
            body = b"".join(client.get(url).streaming_content)
        return len(queries), body.count(b"\n")

    export()
    few, lines = export()
    for n in range(25):
        cf.subscriber(small.contract, person(last_name=f"Zed{n}"))
    assert export() == (few, lines + 25)


def test_list_search_shows_only_own_employees(acme, rival):
    client = logged_in(acme.profile)
    page = client.get(LIST, {"q": acme.covers[0].person.last_name}).content.decode()
    assert acme.covers[0].person.last_name.upper() in page
    assert rival.covers[0].person.last_name.upper() not in page
    assert client.get(LIST, {"sort": "nir; drop table"}).status_code == 200


def test_export_streams_the_same_filter_and_is_audited(acme, rival):
    client = logged_in(acme.profile)
    response = client.get(reverse("companies:employee_export"), {"q": acme.covers[1].person.last_name})
    body = b"".join(response.streaming_content).decode()
    assert response["Content-Type"].startswith("text/csv")
    assert acme.covers[1].person.last_name in body and acme.covers[0].person.last_name not in body
    assert rival.covers[0].person.last_name not in body
    assert AuditEvent.objects.get(action="employees.exported").data["count"] == 1


def test_certificate_pdf_and_foreign_employee_404(acme, rival):
    client = logged_in(acme.profile)
    response = client.get(reverse("companies:employee_certificate", args=[acme.covers[0].public_id]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert client.get(reverse("companies:employee_detail", args=[rival.covers[0].public_id])).status_code == 404


def test_affiliate_form_creates_the_person_and_the_affiliation(acme):
    client = logged_in(acme.profile)
    data = {
        "contract": str(acme.contract.public_id),
        "last_name": "Bernard",
        "first_name": "Chloé",
        "birth_date": "1992-09-03",
        "sex": "F",
        "nir": nir("2920975123456"),
        "start_date": "2026-02-01",
    }
    response = client.post(reverse("companies:employee_affiliate"), data)
    assert response.status_code == 302
    assert acme.contract.affiliations.filter(person__last_name="Bernard").count() == 1
    assert client.post(reverse("companies:employee_affiliate"), data).status_code == 302  # a double click
    assert acme.contract.affiliations.filter(person__last_name="Bernard").count() == 1
    bad = client.post(reverse("companies:employee_affiliate"), {**data, "nir": "12345", "last_name": "Autre"})
    assert bad.status_code == 400 and "social security number" in bad.content.decode()


def test_end_affiliation_page(acme):
    client = logged_in(acme.profile)
    url = reverse("companies:employee_end", args=[acme.covers[0].public_id])
    assert client.post(url, {"end_date": "2019-01-01", "reason": "retirement"}).status_code == 400
    assert client.post(url, {"end_date": "2026-04-30", "reason": "retirement"}).status_code == 302
    assert Affiliation.objects.get(pk=acme.covers[0].pk).end_date == date(2026, 4, 30)
    assert client.post(url, {"end_date": "2026-03-31", "reason": "retirement"}).status_code == 403  # ended already


def test_grace_period_is_read_only_with_a_clear_message(acme):
    ended = timezone.localdate() - relativedelta(months=3)
    Contract.objects.filter(pk=acme.contract.pk).update(end_date=ended)
    Affiliation.objects.filter(contract=acme.contract).update(end_date=ended)
    client = logged_in(acme.profile)
    page = client.get(LIST, {"status": "all"}).content.decode()
    assert "Read-only access" in page
    refused = client.post(
        reverse("companies:employee_end", args=[acme.covers[0].public_id]), {"end_date": str(ended), "reason": "other"}
    )
    assert refused.status_code == 403 and "grace period" in refused.content.decode()
    assert client.get(reverse("companies:employee_affiliate")).status_code == 403
    assert client.get(reverse("companies:employee_certificate", args=[acme.covers[0].public_id])).status_code == 200


def test_agent_pages_cover_mandates_only(acme, rival, broker):
    client = logged_in(broker)
    page = client.get(LIST).content.decode()
    assert acme.covers[0].person.last_name.upper() in page and rival.covers[0].person.last_name.upper() not in page
    assert client.get(reverse("companies:client_detail", args=[acme.company.public_id])).status_code == 200
    assert client.get(reverse("companies:client_detail", args=[rival.company.public_id])).status_code == 404
    assert client.get(reverse("companies:contract_detail", args=[rival.contract.public_id])).status_code == 404
    Mandate.objects.filter(agent=broker.agent).update(start_date=date(1999, 1, 1), end_date=date(2000, 1, 1))
    assert client.get(reverse("companies:contract_detail", args=[acme.contract.public_id])).status_code == 404


def test_pages_render(acme):
    client = logged_in(acme.profile)
    for name in ("home", "information", "information_change", "contract_list", "downloads", "employee_import"):
        assert client.get(reverse(f"companies:{name}")).status_code == 200, name
    assert client.get(reverse("companies:contract_detail", args=[acme.contract.public_id])).status_code == 200
    assert client.get(reverse("companies:employee_detail", args=[acme.covers[0].public_id])).status_code == 200


def test_bulk_upload_then_confirm(acme):
    client = logged_in(acme.profile)
    header = "contract_number;last_name;first_name;birth_date;start_date"
    content = f"{header}\n{acme.contract.number};Neuf;Ana;1990-01-02;2026-01-01\n"

    upload = SimpleUploadedFile("staff.csv", content.encode(), content_type="text/csv")
    response = client.post(reverse("companies:employee_import"), {"file": upload})
    assert response.status_code == 200 and "Confirm the affiliations" in response.content.decode()
    assert not acme.contract.affiliations.filter(person__last_name="Neuf").exists()
    digest = response.context["report"].digest
    assert client.post(reverse("companies:employee_import"), {"digest": digest}).status_code == 302
    assert acme.contract.affiliations.filter(person__last_name="Neuf").count() == 1
    client.post(reverse("companies:employee_import"), {"digest": digest})  # replay: nothing more
    assert acme.contract.affiliations.filter(person__last_name="Neuf").count() == 1


def test_company_requests_are_applied_by_staff(acme, staff):
    from demarches import services as demarches_services

    created = demarches_services.request_submit(
        actor=acme.profile,
        kind_code="payment_terms_change",
        payload={"contract": str(acme.contract.public_id), "payment_method": "transfer", "payment_frequency": "yearly"},
    )
    assert created.subject_contract == acme.contract
    demarches_services.request_validate(actor=staff.user, request=created)
    acme.contract.refresh_from_db()
    assert acme.contract.payment_frequency == "yearly"
    assert Request.objects.get(pk=created.pk).status == "validated"


def test_requests_are_refused_in_the_grace_period(acme):
    import pytest
    from django.core.exceptions import ValidationError

    from demarches import services as demarches_services

    Contract.objects.filter(pk=acme.contract.pk).update(end_date=timezone.localdate() - relativedelta(months=1))
    with pytest.raises(ValidationError) as error:
        demarches_services.request_submit(
            actor=acme.profile,
            kind_code="payment_terms_change",
            payload={"contract": acme.contract.number, "payment_method": "transfer", "payment_frequency": "yearly"},
        )
    assert "contract" in error.value.message_dict or "__all__" in error.value.message_dict


def test_employee_request_page_names_the_employee(acme, rival):
    client = logged_in(acme.profile)
    cover = acme.covers[0]
    url = reverse("companies:employee_request", args=[cover.public_id, "employee_information_change"])
    page = client.get(url)
    assert page.status_code == 200
    assert f'value="{cover.person.public_id}" selected' in page.content.decode()
    response = client.post(
        url,
        {
            "person": str(cover.person.public_id),
            "city": "Lyon",
            "postal_code": "69001",
            "address_line1": "2 quai",
            "submission-idempotency_key": "key-employee-request-1",
        },
    )
    assert response.status_code == 302
    assert Request.objects.get(kind="employee_information_change").subject_person == cover.person
    other = reverse("companies:employee_request", args=[rival.covers[0].public_id, "employee_information_change"])
    assert client.get(other).status_code == 404
    unknown = reverse("companies:employee_request", args=[cover.public_id, "iban_change"])
    assert client.get(unknown).status_code == 404


def test_contract_request_page_names_the_contract(acme, rival):
    client = logged_in(acme.profile)
    url = reverse("companies:contract_request", args=[acme.contract.public_id, "coverage_change"])
    page = client.get(url)
    assert page.status_code == 200 and f'value="{acme.contract.public_id}" selected' in page.content.decode()
    other = reverse("companies:contract_request", args=[rival.contract.public_id, "coverage_change"])
    assert client.get(other).status_code == 404
    Contract.objects.filter(pk=acme.contract.pk).update(end_date=timezone.localdate() - relativedelta(days=10))
    assert client.get(url).status_code == 403
