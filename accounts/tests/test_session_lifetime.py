"""Session lifetimes (SECURITY.md: idle timeout ≤ 30 min, absolute lifetime bounded), through a real login.

The idle timeout is renewed at most once a minute (``SessionRenewalMiddleware``) instead of a write of the session at
every request: the pages in between write nothing, and a session idle for 30 minutes has ended all the same.
"""

from datetime import timedelta

import pytest
from django.contrib.sessions.models import Session
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from freezegun import freeze_time

from accounts.choices import ProfileKind
from accounts.tests import factories as f
from people.tests.factories import person

pytestmark = pytest.mark.django_db

HOME = "/space/"


@pytest.fixture
def client_of_member():
    profile = f.profile(ProfileKind.MEMBER, person())
    client = Client()
    response = client.post(reverse("accounts:login"), {"username": profile.user.username, "password": f.PASSWORD})
    assert response.status_code == 302
    return client


def logged_in(client: Client) -> bool:
    response = client.get(HOME)
    return not (response.status_code == 302 and response["Location"].startswith(reverse("accounts:login")))


def session_writes(client: Client) -> list[str]:
    with CaptureQueriesContext(connection) as queries:
        assert logged_in(client)
    return [q["sql"] for q in queries if "django_session" in q["sql"] and not q["sql"].lstrip().startswith("SELECT")]


def expiry(client: Client):
    return Session.objects.get(session_key=client.cookies["om_session"].value).expire_date


def test_pages_within_the_renewal_interval_write_no_session(client_of_member, settings):
    with freeze_time(timezone.now()) as clock:
        assert logged_in(client_of_member)  # the first page notes things of its own in the session (the profile)
        clock.tick(5)
        assert session_writes(client_of_member) == []
        clock.tick(settings.SESSION_RENEW_SECONDS)
        before = expiry(client_of_member)
        assert len(session_writes(client_of_member)) == 1  # one UPDATE of the row, with the new expiry
        assert expiry(client_of_member) - before >= timedelta(seconds=settings.SESSION_RENEW_SECONDS)


def test_a_session_idle_for_the_timeout_ends_even_when_its_last_page_was_not_a_renewal(client_of_member, settings):
    assert settings.SESSION_COOKIE_AGE <= 30 * 60  # SECURITY.md
    with freeze_time(timezone.now()) as clock:
        assert logged_in(client_of_member)
        clock.tick(settings.SESSION_RENEW_SECONDS - 1)
        assert session_writes(client_of_member) == []  # the last page: no renewal
        clock.tick(settings.SESSION_COOKIE_AGE - settings.SESSION_RENEW_SECONDS + 2)  # idle < the timeout since then
        assert not logged_in(client_of_member)


def test_activity_keeps_the_session_open_past_the_idle_timeout(client_of_member, settings):
    with freeze_time(timezone.now()) as clock:
        for _ in range(4):  # a page every 20 minutes for 80 minutes
            clock.tick(20 * 60)
            assert logged_in(client_of_member)


def test_the_absolute_lifetime_ends_an_active_session(client_of_member, settings):
    with freeze_time(timezone.now()) as clock:
        for _ in range(settings.SESSION_ABSOLUTE_SECONDS // (20 * 60) - 1):  # active for 20 minutes short of it
            clock.tick(20 * 60)
            assert logged_in(client_of_member)
        clock.tick(20 * 60 + 1)
        assert not logged_in(client_of_member)


def test_an_anonymous_visit_creates_no_session(client):
    response = client.get(reverse("accounts:login"))
    assert response.status_code == 200
    assert "om_session" not in response.cookies
    assert Session.objects.count() == 0
