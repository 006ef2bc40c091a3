"""The write path of a submission runs a bounded number of queries, whatever its number of items (issue 11).

A 10-item claim with one document per item is created in at most 30 queries — eligibility assessed once, the
items and documents inserted in bulk, the duplicates looked up in one query, the audit event and the outbox row
of the acknowledgement included — through the service, the web form's final step and the API. Saving an item of
the draft with its documents takes at most 20.
"""

import re
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from claims.models import CareDocument, Claim
from claims.tests.conftest import days_ago, documents, item, pdf_upload
from claims.tests.test_api import api, post  # noqa: F401 (the fixture)
from claims.tests.test_services import submit
from claims.tests.test_views import add_item, start

# Committed for real, as in production: the after-commit work (the task sending the email) runs and is counted;
# transaction control (BEGIN, COMMIT, savepoints) is not.
pytestmark = pytest.mark.django_db(transaction=True)
BUDGET = 30
TRANSACTION_CONTROL = re.compile(r"^(BEGIN|COMMIT|ROLLBACK|SAVEPOINT|RELEASE SAVEPOINT)\b")


def items_of(count: int) -> list:
    """Distinct care items under the online ceiling (no duplicate among them)."""
    return [item(amount=Decimal("20.00") + n, care_date=days_ago(10 + n)) for n in range(count)]


def measured(run) -> tuple[int, object]:
    """The statements ``run`` sends, transaction control apart (SQLite logs its BEGIN and COMMIT, PostgreSQL not)."""
    with CaptureQueriesContext(connection) as queries:
        result = run()
    return len([q for q in queries.captured_queries if not TRANSACTION_CONTROL.match(q["sql"])]), result


@pytest.mark.parametrize("count", [1, 10])
def test_the_service_creates_a_claim_in_a_bounded_number_of_queries(family, count):
    items = items_of(count)
    files = documents(*[[pdf_upload()] for _ in items])
    queries, result = measured(lambda: submit(family, items, files))
    print(f"service, {count} items: {queries} queries")
    assert result.created and CareDocument.objects.filter(item__claim=result.claim).count() == count
    assert queries <= BUDGET


@pytest.mark.parametrize("count", [1, 10])
def test_the_web_form_submits_a_claim_in_a_bounded_number_of_queries(member_client, family, count):
    start(member_client, family["principal"])
    for entry in items_of(count):
        add_item(member_client, amount=str(entry.amount), care_date=entry.care_date.isoformat())
    key = member_client.get(reverse("claims:summary")).context["form"].initial["idempotency_key"]
    queries, response = measured(
        lambda: member_client.post(reverse("claims:submit"), {"accept_terms": "on", "idempotency_key": key})
    )
    print(f"web form, {count} items: {queries} queries")
    claim = Claim.objects.get()
    assert response.url == reverse("claims:detail", args=[claim.public_id])
    assert CareDocument.objects.filter(item__claim=claim).count() == count
    assert queries <= BUDGET


@pytest.mark.parametrize("count", [1, 10])
def test_the_api_creates_a_claim_in_a_bounded_number_of_queries(api, family, count):  # noqa: F811
    queries, response = measured(lambda: post(api, family["principal"], items_of(count)))
    print(f"API, {count} items: {queries} queries")
    assert response.status_code == 201, response.content
    assert CareDocument.objects.filter(item__claim__public_id=response.json()["id"]).count() == count
    assert queries <= BUDGET


DRAFT_BUDGET = 20


@pytest.mark.parametrize("count", [1, 5])
def test_saving_an_item_of_the_draft_runs_a_bounded_number_of_queries(member_client, family, count):
    start(member_client, family["principal"])
    files = [pdf_upload() for _ in range(count)]
    queries, response = measured(lambda: add_item(member_client, files))
    print(f"draft item with {count} documents: {queries} queries")
    assert response.status_code == 302
    assert CareDocument.objects.filter(draft__isnull=False).count() == count
    assert queries <= DRAFT_BUDGET
