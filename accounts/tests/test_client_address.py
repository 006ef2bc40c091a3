"""Real client addresses behind the reverse proxy, and address limits that cannot lock out a site (issue 16 item 3)."""

import pytest
from django.test import Client, RequestFactory
from django.urls import reverse

from accounts.choices import ProfileKind
from accounts.tests import factories as f
from audit.models import AuditEvent
from core.middleware import client_ip
from people.tests.factories import person

pytestmark = pytest.mark.django_db

PROXY = "10.0.0.5"


def login(client, username, password=f.PASSWORD, **extra):
    return client.post(reverse("accounts:login"), {"username": username, "password": password}, **extra)


def address(remote, forwarded=None):
    extra = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return client_ip(RequestFactory().get("/", **extra))


@pytest.fixture
def behind_proxy(settings):
    settings.TRUSTED_PROXIES = ["10.0.0.0/24", "2001:db8:ffff::/48"]


@pytest.fixture
def member():
    return f.profile(ProfileKind.MEMBER, person())


def test_without_trusted_proxy_a_forwarded_header_is_ignored(settings):
    settings.TRUSTED_PROXIES = []
    assert address("198.51.100.7", "203.0.113.1") == "198.51.100.7"


def test_a_forwarded_header_from_an_untrusted_peer_is_ignored(behind_proxy):
    assert address("198.51.100.7", "203.0.113.1") == "198.51.100.7"


def test_behind_a_trusted_proxy_the_right_most_untrusted_entry_is_the_client(behind_proxy):
    assert address(PROXY, "203.0.113.1") == "203.0.113.1"
    # The client wrote the left-most entries itself; the proxy appended the address it saw.
    assert address(PROXY, "192.0.2.66, 1.2.3.4, 203.0.113.1") == "203.0.113.1"
    # Two trusted proxies in a row are skipped.
    assert address(PROXY, "192.0.2.66, 203.0.113.1, 10.0.0.9") == "203.0.113.1"
    assert address(PROXY, "<script>, 2001:DB8:0:0::1") == "2001:db8::1"
    # Garbage where a proxy should have written an address: the last trusted hop, never the garbage.
    assert address(PROXY, "203.0.113.1, nonsense") == PROXY
    assert address(PROXY) == PROXY


def test_a_malformed_remote_address_is_no_address(behind_proxy):
    assert address("not-an-ip", "203.0.113.1") is None


def test_the_audit_trail_records_the_client_behind_the_proxy(behind_proxy, member):
    login(Client(REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="192.0.2.1, 203.0.113.50"), member.user.username)
    event = AuditEvent.objects.get(action="account.logged_in", actor_id=member.user.pk)
    assert event.ip == "203.0.113.50"


def test_sixty_failures_from_other_clients_behind_the_proxy_do_not_block_a_login(behind_proxy, member):
    for n in range(60):
        login(Client(REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=f"198.51.100.{n}"), f"someone-{n}", "Wrong-password-1")
    client = Client(REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="203.0.113.9")
    assert login(client, member.user.username).status_code == 302


def test_a_spoofed_left_most_entry_does_not_escape_the_address_limit(behind_proxy, settings, member):
    settings.LOGIN_FAILURES_PER_ADDRESS_HOUR, settings.LOGIN_FAILURES_PER_ADDRESS_HOUR_HARD = 3, 6
    for n in range(6):
        spoofed = Client(REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=f"192.0.2.{n}, 203.0.113.9")
        login(spoofed, f"someone-{n}", "Wrong-password-1")
    blocked = Client(REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="192.0.2.200, 203.0.113.9")
    assert login(blocked, member.user.username).status_code == 200


def test_a_spoofed_header_without_a_trusted_proxy_does_not_escape_the_address_limit(settings, member):
    settings.LOGIN_FAILURES_PER_ADDRESS_HOUR, settings.LOGIN_FAILURES_PER_ADDRESS_HOUR_HARD = 3, 6
    for n in range(6):
        login(Client(HTTP_X_FORWARDED_FOR=f"192.0.2.{n}"), f"someone-{n}", "Wrong-password-1")
    assert login(Client(HTTP_X_FORWARDED_FOR="192.0.2.200"), member.user.username).status_code == 200


def test_a_shared_address_over_its_limit_still_lets_in_accounts_that_have_not_failed(settings, member):
    """Sixty failures from one NAT address: a colleague who has not failed logs in; a sprayed account does not."""
    settings.LOGIN_FAILURES_PER_ADDRESS_HOUR = 50
    sprayed = f.profile(ProfileKind.MEMBER, person())
    login(Client(), sprayed.user.username, "Wrong-password-1")
    for n in range(59):
        login(Client(), f"someone-{n}", "Wrong-password-1")
    assert login(Client(), member.user.username).status_code == 302
    assert login(Client(), sprayed.user.username).status_code == 200, "one guess per account, then refused"


def test_beyond_the_hard_limit_only_a_browser_known_to_the_account_is_tried(settings, member):
    settings.LOGIN_FAILURES_PER_ADDRESS_HOUR, settings.LOGIN_FAILURES_PER_ADDRESS_HOUR_HARD = 3, 6
    known = Client()
    assert login(known, member.user.username).status_code == 302
    known.post(reverse("accounts:logout"))
    for n in range(6):
        login(Client(), f"someone-{n}", "Wrong-password-1")
    assert login(Client(), member.user.username).status_code == 200, "an attacker's fresh browser is stopped"
    assert login(known, member.user.username).status_code == 302, "the member's own browser still gets in"


def test_a_forged_device_cookie_is_worth_nothing(settings, member):
    settings.LOGIN_FAILURES_PER_ADDRESS_HOUR, settings.LOGIN_FAILURES_PER_ADDRESS_HOUR_HARD = 3, 6
    for n in range(6):
        login(Client(), f"someone-{n}", "Wrong-password-1")
    forged = Client()
    forged.cookies["om_device"] = f"[{member.user.pk}]"
    assert login(forged, member.user.username).status_code == 200
