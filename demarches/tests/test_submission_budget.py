"""Submitting a request runs a bounded number of queries, whatever its number of attachments (issue 11)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from demarches.models import RequestAttachment
from demarches.tests.conftest import pdf
from demarches.tests.helpers import submit

pytestmark = pytest.mark.django_db
BUDGET = 20


@pytest.mark.parametrize("count", [1, 5])
def test_a_request_with_attachments_is_submitted_in_a_bounded_number_of_queries(family, count):
    submit(family["profile"], idempotency_key="key-warm-up-0001")  # the year's reference sequence exists
    files = [pdf() for _ in range(count)]
    with CaptureQueriesContext(connection) as queries:
        request = submit(family["profile"], attachments=files, idempotency_key="key-0123456789")
    print(f"request, {count} attachments: {len(queries)} queries")
    assert RequestAttachment.objects.filter(request=request).count() == count
    assert len(queries) <= BUDGET
