"""Current-password and step-up checks count on the login counters (issue 16 item 7)."""

from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.choices import ProfileKind
from accounts.tests import factories as f
from accounts.throttling import failures
from people.tests.factories import person

pytestmark = pytest.mark.django_db

WRONG = "Wrong-password-123"
NEW = "Tulipe-Cerisier-Brume-42"


@pytest.fixture
def member():
    return f.profile(ProfileKind.MEMBER, person())


def logged_in(user):
    client = Client()
    response = client.post(reverse("accounts:login"), {"username": user.username, "password": f.PASSWORD})
    assert response.status_code == 302
    return client


def change_password(client, old):
    data = {"old_password": old, "new_password1": NEW, "new_password2": NEW}
    return client.post(reverse("accounts:password_change"), data)


def age_failures(username, **delta):
    AccessAttempt.objects.filter(username=username).update(attempt_time=timezone.now() - timedelta(**delta))


def test_twenty_wrong_current_passwords_then_the_right_one_is_refused(member):
    client = logged_in(member.user)
    for _ in range(20):
        assert change_password(client, WRONG).status_code == 200
    response = change_password(client, f.PASSWORD)
    assert response.status_code == 200 and "old_password" in response.context["form"].errors
    member.user.refresh_from_db()
    assert member.user.check_password(f.PASSWORD), "the password was not changed"
    age_failures(member.user.username, hours=3)  # delays over: the lock of the 10th failure still holds
    assert change_password(client, f.PASSWORD).status_code == 200
    login = Client().post(reverse("accounts:login"), {"username": member.user.username, "password": f.PASSWORD})
    assert login.status_code == 200, "the account is locked at login too"


def test_wrong_current_passwords_count_as_login_failures(member):
    client = logged_in(member.user)
    for _ in range(3):
        change_password(client, WRONG)
    assert failures(member.user.username)[0] == 3


def test_a_few_slips_then_the_right_password_changes_it(member):
    client = logged_in(member.user)
    change_password(client, WRONG)
    assert change_password(client, f.PASSWORD).status_code == 302
    member.user.refresh_from_db()
    assert member.user.check_password(NEW)


def test_the_step_up_password_counts_on_the_login_counter(member):
    from django.core.exceptions import ValidationError

    from members.stepup import password_confirm

    for _ in range(4):
        with pytest.raises(ValidationError):
            password_confirm(member.user, WRONG)
    for _ in range(6):  # the login form now makes the account wait, then locks it
        Client().post(reverse("accounts:login"), {"username": member.user.username, "password": WRONG})
        age_failures(member.user.username, hours=3)
    with pytest.raises(ValidationError):
        password_confirm(member.user, f.PASSWORD)
    assert failures(member.user.username)[0] >= 10


def test_the_password_change_stays_within_its_query_budget(member, django_assert_max_num_queries):
    client = logged_in(member.user)
    with django_assert_max_num_queries(35):
        assert change_password(client, f.PASSWORD).status_code == 302
