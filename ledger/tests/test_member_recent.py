"""The member's last reimbursement lines (the home's "recent reimbursements"): the family's lines, newest written
first, the same as the member's feed sorted, on PostgreSQL through each person's index whatever the history."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from ledger import selectors
from ledger.models import BenefitLine
from ledger.tests.factories import flow_row, import_flow
from professionals.tests import factories as pf

pytestmark = pytest.mark.django_db

FIELDS = ("pk", "source_type", "created_at", "care_date", "paid_amount", "beneficiary__first_name")


def feed_sorted(person_id: int, limit: int) -> list[dict]:
    feed = selectors.member_feed(person_id=person_id).order_by("-created_at", "-pk")
    return list(feed.values(*FIELDS)[:limit])


@pytest.fixture
def families():
    mine, other = pf.family(), pf.family()
    rows = [flow_row(f"S{n}", mine, who=("holder", "child")[n % 2], day=5 + n) for n in range(7)]
    import_flow(rows + [flow_row("OTHER", other, day=3)])
    return mine, other


@pytest.mark.parametrize("limit", [1, 3, 7, 30])
def test_the_last_lines_of_the_family_newest_first_as_the_feed_gives_them(families, limit):
    mine, _other = families
    with CaptureQueriesContext(connection) as queries:
        lines = selectors.member_recent(person_id=mine["holder"].pk, fields=FIELDS, limit=limit)
    assert len(queries) == 1
    assert lines == feed_sorted(mine["holder"].pk, limit)
    assert len(lines) == min(limit, 7)
    everyone = selectors.member_recent(person_id=mine["holder"].pk, fields=FIELDS, limit=30)
    names = {mine["holder"].first_name, mine["child"].person.first_name}
    assert {line["beneficiary__first_name"] for line in everyone} == names


def test_a_confidential_contract_hides_its_lines(families):
    mine, _other = families
    mine["contract"].is_confidential = True
    mine["contract"].save(update_fields=["is_confidential"])
    assert selectors.member_recent(person_id=mine["holder"].pk, fields=FIELDS, limit=30) == []
    assert feed_sorted(mine["holder"].pk, 30) == []


def test_on_postgresql_each_person_is_read_through_the_recent_index(families):
    """The plan reads at most ``limit`` lines a person by ``benefit_recent_idx``, not every line of the family."""
    if connection.vendor != "postgresql":
        pytest.skip("the index walk is PostgreSQL's plan")
    mine, _other = families
    BenefitLine.objects.bulk_create(  # a long history: 400 more lines of the holder, older than the others
        BenefitLine(**{**model_fields(line), "source_id": f"old-{n}", "created_at": line.created_at.replace(year=2020)})
        for n, line in enumerate([BenefitLine.objects.filter(beneficiary=mine["holder"]).first()] * 400)
    )
    # A test's table is tiny and not analysed (the application role may not ANALYZE it): the planner would read it
    # whole and sort. Told to avoid that where it can, it is left with the index that gives the order.
    off = ("enable_seqscan", "enable_bitmapscan", "enable_sort")
    with connection.cursor() as cursor:
        for setting in off:
            cursor.execute(f"SET {setting} = off")
        try:
            with CaptureQueriesContext(connection) as queries:
                selectors.member_recent(person_id=mine["holder"].pk, fields=FIELDS, limit=3)
            cursor.execute("EXPLAIN (ANALYZE, FORMAT JSON) " + queries[0]["sql"])
            plan = cursor.fetchone()[0][0]["Plan"]
        finally:
            for setting in off:
                cursor.execute(f"RESET {setting}")
    scans = list(walk(plan))
    recent = [node for node in scans if node.get("Index Name") == "benefit_recent_idx"]
    assert recent, scans
    assert sum(node["Actual Rows"] * node["Actual Loops"] for node in recent) <= 3 * 2  # 3 a person, not 404


def model_fields(line: BenefitLine) -> dict:
    return {
        field.attname: getattr(line, field.attname)
        for field in BenefitLine._meta.concrete_fields
        if not field.primary_key and field.attname != "public_id"
    }


def walk(node: dict):
    yield node
    for child in node.get("Plans", []):
        yield from walk(child)
