"""The write path of a submission keeps a bounded number of queries (the outbox row is one of them)."""

import pytest

from claims.tests.conftest import documents, item, pdf_upload
from claims.tests.test_services import submit

pytestmark = pytest.mark.django_db


def test_a_submission_with_two_documents_costs_a_bounded_number_of_queries(
    family, django_assert_max_num_queries, django_capture_on_commit_callbacks
):
    # measured: 55 (eligibility, terms, numbering, rows, duplicate flags, audit, one outbox row for the email)
    with django_assert_max_num_queries(55), django_capture_on_commit_callbacks(execute=False):
        submit(family, [item()], documents([pdf_upload(), pdf_upload()]))
