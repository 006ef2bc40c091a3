"""``account_create``: the login, its profiles and, for staff, the profile its back-office roles act with."""

import pytest
from django.http import Http404
from django.test import RequestFactory

from accounts.choices import ProfileKind, StaffRole
from accounts.decorators import staff_role_required
from accounts.permissions import staff_roles
from accounts.services import ProfileSpec, account_create
from audit.models import AuditEvent
from people.tests.factories import person

pytestmark = pytest.mark.django_db


def _create(**fields):
    identity = {"email": "nadia.roux@example.org", "first_name": "Nadia", "last_name": "Roux"}
    return account_create(actor=None, password="Gestionnaire-Test-2026!", **identity, **fields)


def _opens_back_office(profile) -> bool:
    request = RequestFactory().get("/backoffice/")
    request.user, request.profile = profile.user, profile
    try:
        return staff_role_required()(lambda request: True)(request)
    except Http404:
        return False


def test_a_login_given_back_office_roles_gets_the_staff_profile_that_acts_with_them(django_assert_max_num_queries):
    with django_assert_max_num_queries(31):  # on an empty database: its groups and the audit chain's head too
        user = _create(username="staff.claims", staff_roles=[StaffRole.CLAIMS])
    profile = user.profiles.get()
    assert profile.kind == ProfileKind.STAFF and user.is_staff
    assert staff_roles(profile) == {StaffRole.CLAIMS.value}
    assert _opens_back_office(profile)
    added = AuditEvent.objects.get(action="profile.added")
    assert added.data == {"kind": ProfileKind.STAFF, "user": "staff.claims"}


def test_a_staff_profile_asked_for_is_not_doubled():
    user = _create(staff_roles=[StaffRole.DPO], profiles=[ProfileSpec(kind=ProfileKind.STAFF)])
    assert list(user.profiles.values_list("kind", flat=True)) == [ProfileKind.STAFF]


def test_a_login_without_roles_gets_no_staff_profile():
    user = _create(profiles=[ProfileSpec(kind=ProfileKind.MEMBER, target=person())])
    assert list(user.profiles.values_list("kind", flat=True)) == [ProfileKind.MEMBER]
    assert not user.is_staff and not _opens_back_office(user.profiles.get())
