"""An online claim item for care the benefits ledger already holds from another channel (the compulsory scheme's
automatic flow, a third-party-payment invoice) is flagged when the claim is submitted (issue 13), not only when
staff decide it: the member is warned, staff see the flag and the other channel's reference, and the submission
asks the ledger once for the whole claim."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from claims import selectors
from claims.models import CareItem, Claim
from claims.tests.conftest import days_ago, documents, item, pdf_upload
from claims.tests.test_api import api, post  # noqa: F401 (the fixture)
from claims.tests.test_services import submit
from claims.tests.test_views import add_item, start
from contracts.models import CareCategory
from ledger.choices import Channel, PaymentState, Source
from ledger.models import BenefitLine

pytestmark = pytest.mark.django_db


def paid_by_flow(fam, *, who=None, category="T_GP", day=10, expense="60.00", reference="NOEMIE-42/1", channel=None):
    """A line of the ledger, as the flow import writes it, for the care ``item()`` describes by default."""
    return BenefitLine.objects.create(
        beneficiary=who or fam["holder"],
        contract=fam["contract"],
        category=CareCategory.objects.get(code=category),
        care_date=days_ago(day),
        expense=Decimal(expense),
        base_amount=Decimal("25.00"),
        compulsory_paid=Decimal("16.50"),
        paid_amount=Decimal("8.50"),
        channel=channel or Channel.SCHEME_FLOW,
        source_type=Source.FLOW_LINE,
        source_id=reference,
        reference=reference,
        payment_state=PaymentState.QUEUED,
    )


def test_an_item_the_flow_already_paid_is_flagged_at_submission_in_one_ledger_query(family):
    paid_by_flow(family)
    items = [item(), item(care_date=days_ago(11)), item(amount=Decimal("61.00"))]  # only the first is the same care
    with CaptureQueriesContext(connection) as queries:
        claim = submit(family, items, documents(*[[pdf_upload()] for _ in items])).claim
    assert sum("ledger_benefitline" in q["sql"] for q in queries.captured_queries) == 1
    flags = list(CareItem.objects.filter(claim=claim).order_by("position").values_list("is_duplicate", flat=True))
    assert flags == [True, False, False]
    claim = Claim.objects.get(pk=claim.pk)
    assert claim.has_duplicates
    found = selectors.duplicates_of(claim)
    first = CareItem.objects.get(claim=claim, position=1)
    assert found[str(first.public_id)] == ["NOEMIE-42/1 (Automatic (compulsory scheme))"]


def test_another_beneficiary_or_an_online_line_is_not_a_duplicate_across_channels(family):
    paid_by_flow(family, who=family["child"].person)
    paid_by_flow(family, reference="CLM-OLD/1", channel=Channel.ONLINE_CLAIM)  # online twins: the claims' own check
    claim = submit(family).claim
    assert not Claim.objects.get(pk=claim.pk).has_duplicates


def test_the_member_is_warned_on_the_web_and_in_the_api(family, member_client, api):  # noqa: F811
    paid_by_flow(family)
    start(member_client, family["principal"])
    add_item(member_client, amount="60.00", care_date=days_ago(10).isoformat())
    key = member_client.get(reverse("claims:summary")).context["form"].initial["idempotency_key"]
    response = member_client.post(reverse("claims:submit"), {"accept_terms": "on", "idempotency_key": key}, follow=True)
    page = response.content.decode()
    assert "may already have been reimbursed or claimed" in page
    assert "the compulsory scheme may have sent it to us automatically" in page

    paid_by_flow(family, who=family["child"].person, reference="NOEMIE-43/1")
    response = post(api, family["child"], [item()], key="dup-api")
    assert response.status_code == 201, response.content
    assert [i["possible_duplicate"] for i in response.json()["items"]] == [True]
