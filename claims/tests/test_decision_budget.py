"""Assessing and deciding a claim costs a bounded number of queries, whatever its number of items (issue 11: 393
queries for 10 items before), through the services and through the staff's form; so do the queue and the review."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from audit.models import AuditEvent
from claims import selectors, services
from claims.choices import ClaimStatus, ItemDecision, RefusalReason
from claims.models import CareItem
from claims.tests.conftest import item, make_claim, pdf_upload
from claims.tests.test_backoffice import assessment, review_url
from claims.tests.test_services import this_year
from contracts.models import CareCategory

pytestmark = pytest.mark.django_db
D = Decimal
BUDGET = 40  # assess + decide, any number of items


def claim_of(family, n: int):
    """A claim of ``n`` items, GP and osteopathy in turn (two ceilings), one document each."""
    categories = ("T_GP", "T_OSTEO")
    return make_claim(
        family,
        [item(category=categories[k % 2], amount=D(20 + k), care_date=this_year(20 - k % 15)) for k in range(n)],
    )


def accept_all(claim) -> dict[int, dict]:
    return {
        care.pk: {"base_amount": D(25), "compulsory_paid": D(5), "decision": ItemDecision.ACCEPTED}
        for care in claim.items.all()
    }


def through_services(family, staff, n: int, capture) -> int:
    claim = claim_of(family, n)
    assessments = accept_all(claim)
    with CaptureQueriesContext(connection) as queries, capture(execute=False):
        services.claim_assess(actor=staff, claim=claim, assessments=assessments)
        services.claim_decide(actor=staff, claim=claim, note="Done.")
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.VALIDATED
    return len(queries)


def test_assess_and_decide_through_the_services(family, claims_staff, django_capture_on_commit_callbacks):
    staff = claims_staff["user"]
    ten = through_services(family, staff, 10, django_capture_on_commit_callbacks)
    assert ten <= BUDGET
    assert through_services(family, staff, 2, django_capture_on_commit_callbacks) == ten


def through_the_form(family, client, n: int, capture) -> int:
    claim = claim_of(family, n)
    posted = assessment(claim, {1: {"decision": "refused", "refusal_reason": RefusalReason.ILLEGIBLE_DOCUMENTS}})
    with CaptureQueriesContext(connection) as queries, capture(execute=False):
        assert client.post(review_url(claim, "assess"), posted).status_code == 302
        assert client.post(review_url(claim, "decide"), {"note": ""}).status_code == 302
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.PARTIALLY_VALIDATED
    return len(queries)


def test_assess_and_decide_through_the_staff_form(family, claims_staff, django_capture_on_commit_callbacks):
    client = claims_staff["client"]
    through_the_form(family, client, 2, django_capture_on_commit_callbacks)  # the first request loads caches
    ten = through_the_form(family, client, 10, django_capture_on_commit_callbacks)
    assert ten <= BUDGET
    assert through_the_form(family, client, 3, django_capture_on_commit_callbacks) == ten


def test_one_assessment_and_one_decision_event_and_every_item_saved(family, claims_staff):
    staff = claims_staff["user"]
    claim = claim_of(family, 4)
    assessments = accept_all(claim)
    first = min(assessments)
    assessments[first] |= {"decision": ItemDecision.REFUSED, "refusal_reason": RefusalReason.MISSING_DOCUMENTS}
    assessments[first]["comment"] = "  Missing page.  "
    services.claim_assess(actor=staff, claim=claim, assessments=assessments)
    saved = {care.pk: care for care in CareItem.objects.filter(claim=claim)}
    assert saved[first].decision == ItemDecision.REFUSED and saved[first].staff_comment == "Missing page."
    assert {care.base_amount for care in saved.values()} == {D("25.00")}
    events = AuditEvent.objects.filter(action="claim.items_assessed")
    assert events.count() == 1 and set(events.get().data["items"]) == {"1", "2", "3", "4"}
    claim = services.claim_decide(actor=staff, claim=claim)
    assert claim.status == ClaimStatus.PARTIALLY_VALIDATED
    assert AuditEvent.objects.filter(action="claim.decided").count() == 1
    amounts = dict(CareItem.objects.filter(claim=claim).values_list("position", "reimbursed_amount"))
    assert amounts[1] == D("0.00") and claim.total_reimbursed == sum(amounts.values())


def test_an_invalid_item_saves_none_of_them(family, claims_staff):
    claim = claim_of(family, 3)
    assessments = accept_all(claim)
    assessments[max(assessments)]["compulsory_paid"] = D(500)
    with pytest.raises(ValidationError):
        services.claim_assess(actor=claims_staff["user"], claim=claim, assessments=assessments)
    assert set(claim.items.values_list("decision", flat=True)) == {ItemDecision.PENDING}
    assert not AuditEvent.objects.filter(action="claim.items_assessed").exists()


def test_the_ceilings_of_every_period_in_one_query(family, claims_staff, django_assert_num_queries):
    staff = claims_staff["user"]
    before = make_claim(family, [item(category="T_OSTEO", care_date=this_year(n)) for n in (30, 20)])
    services.claim_assess(actor=staff, claim=before, assessments=accept_all(before))
    services.claim_decide(actor=staff, claim=before)
    osteo, gp = (CareCategory.objects.filter(code=code).values_list("pk", flat=True) for code in ("T_OSTEO", "T_GP"))
    year = this_year(1).year
    periods = [
        (osteo[0], date(year, 1, 1), date(year, 12, 31)),
        (osteo[0], date(year - 1, 1, 1), date(year - 1, 12, 31)),
        (gp[0], date(year, 1, 1), date(year, 12, 31)),
    ]
    later = claim_of(family, 2)
    with django_assert_num_queries(1):
        used = selectors.ceilings_used(
            beneficiary_id=before.beneficiary_id, contract_id=before.contract_id, periods=periods
        )
    assert used == {
        (osteo[0], date(year, 1, 1)): D("70.00"),  # two flat 35 EUR sessions
        (osteo[0], date(year - 1, 1, 1)): D("0.00"),
        (gp[0], date(year, 1, 1)): D("0.00"),
    }
    excluded = selectors.ceilings_used(
        beneficiary_id=before.beneficiary_id,
        contract_id=before.contract_id,
        periods=periods[:1],
        exclude_claim_id=later.pk,
    )  # the ledger holds what was decided: the claim being decided consumes nothing yet, excluded or not
    assert excluded == {(osteo[0], date(year, 1, 1)): D("70.00")} and later.status == ClaimStatus.IN_PROGRESS


def page_queries(client, url) -> int:
    """The statements a page runs in production: the savepoints exist only because each test is a transaction
    (they wrap the session's save, which a server runs in its own transaction)."""
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return sum(1 for query in queries if not query["sql"].startswith(("SAVEPOINT", "RELEASE SAVEPOINT")))


def test_the_review_page_is_bounded_whatever_the_items_and_documents(family, claims_staff):
    client = claims_staff["client"]
    small = claim_of(family, 1)
    big = make_claim(
        family, [item(amount=D(30 + k)) for k in range(10)], files=[[pdf_upload(), pdf_upload()] for _ in range(10)]
    )
    page_queries(client, review_url(small))
    few = page_queries(client, review_url(small))
    assert few <= 13  # 12, and one for what was read from the documents (issue 15)
    assert page_queries(client, review_url(big)) == few


def test_the_queue_is_bounded_whatever_the_data(family, claims_staff):
    client = claims_staff["client"]
    claim_of(family, 1)
    page_queries(client, reverse("claims_backoffice:queue"))
    few = page_queries(client, reverse("claims_backoffice:queue"))
    assert few <= 10
    for _ in range(25):
        claim_of(family, 3)
    assert page_queries(client, reverse("claims_backoffice:queue")) == few
