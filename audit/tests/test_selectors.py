"""Reading one object's history."""

import pytest
from django.contrib.auth.models import Group

from audit.selectors import events_for_target
from audit.services import record

pytestmark = pytest.mark.django_db


def test_events_for_target_lists_only_that_object_oldest_first():
    group, other = Group.objects.create(name="a"), Group.objects.create(name="b")
    first = record(actor=None, action="group.created", target=group)
    record(actor=None, action="group.created", target=other)
    second = record(actor=None, action="group.renamed", target=group)
    assert list(events_for_target(target=group)) == [first, second]
