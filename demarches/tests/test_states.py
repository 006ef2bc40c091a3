"""The state machine: the one table, and every pair of statuses tried through the services."""

import itertools

import pytest
from django.core import mail
from django.core.exceptions import ValidationError

from demarches import services
from demarches.choices import FINAL_STATUSES, OPEN_STATUSES, TRANSITIONS, RequestStatus, can_transition
from demarches.models import RequestEvent
from demarches.tests.helpers import in_status, submit

pytestmark = pytest.mark.django_db

S = RequestStatus
ALLOWED = {
    (S.IN_PROGRESS, S.AWAITING_RETURN),
    (S.AWAITING_RETURN, S.IN_PROGRESS),
    (S.IN_PROGRESS, S.VALIDATED),
    (S.IN_PROGRESS, S.REJECTED),
    (S.AWAITING_RETURN, S.REJECTED),
}
PAIRS = list(itertools.product(S.values, S.values))


def test_the_statuses_are_exactly_the_four_of_the_spec():
    assert [(s.value, str(s.label)) for s in S] == [
        ("in_progress", "In progress"),
        ("awaiting_return", "Awaiting your return"),
        ("validated", "Validated"),
        ("rejected", "Rejected"),
    ]
    assert {S.VALIDATED, S.REJECTED} == FINAL_STATUSES and {S.IN_PROGRESS, S.AWAITING_RETURN} == OPEN_STATUSES


@pytest.mark.parametrize(("source", "target"), PAIRS)
def test_table_allows_exactly_the_listed_moves(source, target):
    assert can_transition(source, target) == ((source, target) in ALLOWED)
    assert (target in TRANSITIONS[source]) == ((source, target) in ALLOWED)


@pytest.mark.parametrize(("source", "target"), PAIRS)
def test_services_enforce_the_table(source, target, family, processor, django_capture_on_commit_callbacks):
    request = in_status(submit(family["profile"]), source)
    events = RequestEvent.objects.filter(request=request).count()
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        try:
            services.request_set_status(actor=processor.user, request=request, status=target, comment="Because.")
        except ValidationError as error:
            refused = error
        else:
            refused = None
    request.refresh_from_db()
    if (source, target) in ALLOWED:
        assert refused is None and request.status == target
        assert (request.closed_at is not None) == (target in FINAL_STATUSES)
        assert RequestEvent.objects.filter(request=request).count() == events + 1
        assert len(mail.outbox) == 1
    else:
        assert refused is not None and "status" in refused.message_dict
        assert request.status == source
        assert RequestEvent.objects.filter(request=request).count() == events
        assert mail.outbox == []


def test_an_unknown_status_is_refused(family, processor):
    request = submit(family["profile"])
    with pytest.raises(ValidationError) as error:
        services.request_set_status(actor=processor.user, request=request, status="archived", comment="x")
    assert "status" in error.value.message_dict
