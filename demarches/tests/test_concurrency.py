"""Two submissions or two decisions at the same moment, on PostgreSQL (real concurrent transactions)."""

import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from demarches import services
from demarches.choices import RequestStatus
from demarches.models import Request, RequestEvent
from demarches.tests.conftest import pdf, stored_files
from demarches.tests.helpers import submit

pytestmark = pytest.mark.django_db(transaction=True)


def run_together(*calls):
    """Start the calls at once, each in its own thread and database connection; (results, errors)."""
    barrier = threading.Barrier(len(calls))
    results, errors = [], []

    def run(call):
        try:
            barrier.wait()
            results.append(call())
        except Exception as error:  # noqa: BLE001 - collected and asserted by the test
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(call,)) for call in calls]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results, errors


@pytest.fixture(autouse=True)
def _postgresql_only():
    if connection.vendor != "postgresql":
        pytest.skip("concurrent transactions are tested on PostgreSQL")


def test_a_double_submit_creates_one_request_and_keeps_one_file(family, settings):
    def send():
        return submit(family["profile"], idempotency_key="double-click-0001", attachments=[pdf()]).pk

    results, errors = run_together(send, send)
    assert errors == [] and len(results) == 2 and len(set(results)) == 1
    assert Request.objects.count() == 1 and len(stored_files(settings)) == 1


def test_simultaneous_requests_get_distinct_consecutive_references(family):
    results, errors = run_together(*[lambda: submit(family["profile"]).reference] * 4)
    assert errors == [] and len(set(results)) == 4
    numbers = sorted(int(reference[-6:]) for reference in results)
    # Consecutive here; from a PostgreSQL sequence that earlier tests have advanced (a gap is allowed, not a twin).
    assert numbers == list(range(numbers[0], numbers[0] + 4))


def test_validate_and_reject_at_once_decide_once(family, processor):
    request = submit(family["profile"])

    def validate():
        return services.request_validate(actor=processor.user, request=Request.objects.get(pk=request.pk)).status

    def reject():
        return services.request_reject(
            actor=processor.user, request=Request.objects.get(pk=request.pk), reason="Duplicate."
        ).status

    results, errors = run_together(validate, reject)
    assert len(results) == 1 and len(errors) == 1 and isinstance(errors[0], ValidationError)
    final = Request.objects.get(pk=request.pk)
    assert final.status == results[0] and final.status in (RequestStatus.VALIDATED, RequestStatus.REJECTED)
    assert RequestEvent.objects.filter(request=final).count() == 2
