"""Several instances, one state (issue 12): two production servers share the database and Redis, nothing else.

Two gunicorn instances of the README's production command (two workers each: four processes) are started on two
loopback ports, on the test database (PostgreSQL in the suite's PostgreSQL run, the SQLite file otherwise) and one
Redis database. A client that sends what a TLS-terminating reverse proxy sends (the portal's host, HTTPS, the
client's address in ``X-Forwarded-For``) spreads its requests over both, and each promise holds for the pair as
it does for one process: the account locks at the 10th failure whichever instance saw them, a session opened on
one is valid on the other and a logout on either ends it on both, the per-address login limit and the API rate
limit count the requests of both. With per-process state (the local-memory cache) each of these fails.

Without ``REDIS_URL`` the server refuses to start several workers (``gunicorn.conf.py``).
"""

from __future__ import annotations

import os
import re
import subprocess

import pytest
import redis
from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.db import connection
from django.db.models import Sum

from core.tests.processes import BIN, PRODUCTION, ROOT, environment, free_port, manage
from tests.serving.support import GUNICORN, Browser, Server

pytestmark = pytest.mark.slow
# Transactional: what a test writes is committed at once (the instances read it), and emptied after the test.
committed = pytest.mark.django_db(transaction=True)

# The Redis database of these tests (each test run flushes it at the start): database 6 unless told otherwise.
REDIS_URL = os.environ.get("TOPOLOGY_REDIS_URL", "redis://127.0.0.1:6379/6")
HOST = "portal.example.fr"
PASSWORD = "Topology-Two-Instances-42"
# Lowered so that a few requests reach them: 4 and 6 failed logins an hour per address, 4 anonymous API calls a minute.
LIMITS = {
    "LOGIN_FAILURES_PER_ADDRESS_HOUR": "4",
    "LOGIN_FAILURES_PER_ADDRESS_HOUR_HARD": "6",
    "API_THROTTLE_ANON": "4/m",
    "TRUSTED_PROXIES": "127.0.0.1",  # the test client is the reverse proxy: X-Forwarded-For names the client
}


def database_url() -> str:
    """The test database as a ``DATABASE_URL`` the child processes open."""
    config = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{config['NAME']}"
    credentials = config["USER"] + (f":{config['PASSWORD']}" if config["PASSWORD"] else "")
    return f"postgres://{credentials}@{config['HOST'] or '127.0.0.1'}:{config['PORT'] or 5432}/{config['NAME']}"


@pytest.fixture(scope="module")
def shared(django_db_setup, django_db_blocker, tmp_path_factory):
    """The production environment of the instances, on the test database; their Redis database flushed first."""
    redis.Redis.from_url(REDIS_URL).flushdb()
    var = tmp_path_factory.mktemp("var")
    env = {**PRODUCTION, **LIMITS, "REDIS_URL": REDIS_URL, "STATIC_ROOT": str(var / "static")}
    with django_db_blocker.unblock():
        env["DATABASE_URL"] = database_url()
    collected = manage("collectstatic", "--noinput", "-v0", env=env, var_dir=var)
    assert collected.returncode == 0, collected.stderr
    return environment(var, {**env, "WEB_CONCURRENCY": "2"})


@pytest.fixture(scope="module")
def instances(shared):
    """Two production servers, two workers each, on two ports."""
    first = Server(shared, free_port(18500, 18549), ROOT)
    second = Server(shared, free_port(18550, 18599), ROOT)
    try:
        for server in (first, second):
            server.wait_ready({"Host": HOST, "X-Forwarded-Proto": "https"})
        yield first, second
    finally:
        codes = [server.stop() for server in (first, second)]
    assert codes == [0, 0], first.output.text + second.output.text


def member(username: str):
    from accounts.choices import ProfileKind
    from accounts.tests import factories
    from people.tests.factories import person

    profile = factories.profile(ProfileKind.MEMBER, person(), account=factories.user(username=username))
    profile.user.password = make_password(PASSWORD, hasher="argon2")  # production checks Argon2 only
    profile.user.save(update_fields=["password"])
    return profile.user


def browser(address: str) -> Browser:
    proxied = {"Host": HOST, "X-Forwarded-Proto": "https", "Origin": f"https://{HOST}"}
    return Browser({**proxied, "X-Forwarded-For": address})


def token(page: bytes) -> str:
    return re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1).decode()


def log_in(client: Browser, server: Server, username: str, password: str = PASSWORD) -> int:
    """The login form, as a browser fills it: its page first (the CSRF token), then the post; the status."""
    _, _, page = client.request("GET", server.url("/login/"))
    status, _, _ = client.request(
        "POST", server.url("/login/"), {"username": username, "password": password, "csrfmiddlewaretoken": token(page)}
    )
    return status


def failures(username: str) -> int:
    from axes.models import AccessAttempt

    return AccessAttempt.objects.filter(username=username).aggregate(n=Sum("failures_since_start"))["n"] or 0


def backdate_attempts(username: str, hours: int) -> None:
    """As if the last failure were ``hours`` old: the delay from the 5th failure is over (the lock is not)."""
    from datetime import timedelta

    from axes.models import AccessAttempt
    from django.utils import timezone

    AccessAttempt.objects.filter(username=username).update(attempt_time=timezone.now() - timedelta(hours=hours))


@committed
def test_failures_spread_over_both_instances_lock_the_account_at_the_tenth(instances):
    from audit.models import AuditEvent

    user = member("two.lockout")
    servers = instances * settings.AXES_FAILURE_LIMIT
    for attempt, server in enumerate(servers[: settings.AXES_FAILURE_LIMIT - 1], start=1):
        backdate_attempts(user.username, hours=1)  # past the delay: each try is a real password check
        assert log_in(browser(f"198.51.100.{attempt}"), server, user.username, "Wrong-password-123") == 200
    assert failures(user.username) == settings.AXES_FAILURE_LIMIT - 1  # every failure counted, whichever instance
    assert not AuditEvent.objects.filter(action="account.locked_out").exists()

    backdate_attempts(user.username, hours=1)
    assert log_in(browser("198.51.100.10"), servers[-1], user.username, "Wrong-password-123") == 200
    assert failures(user.username) == settings.AXES_FAILURE_LIMIT
    assert AuditEvent.objects.filter(action="account.locked_out").count() == 1

    backdate_attempts(user.username, hours=2)  # no delay left: only the lock refuses now
    for server in instances:
        assert log_in(browser("198.51.100.11"), server, user.username) == 200, "locked on both instances"


@committed
def test_a_session_opened_on_one_instance_is_valid_on_the_other_and_a_logout_on_either_ends_it(instances):
    first, second = instances
    member("two.session")
    client = browser("192.0.2.20")
    assert log_in(client, first, "two.session") == 302
    assert client.request("GET", first.url("/space/"))[0] == 200
    status, _, page = client.request("GET", second.url("/space/"))
    assert status == 200, "the session opened on the first instance is read by the second"
    sessions = redis.Redis.from_url(REDIS_URL).keys("*django.contrib.sessions.cached_db*")
    assert len(sessions) == 1  # in Redis, the cache both instances read

    assert client.request("POST", second.url("/logout/"), {"csrfmiddlewaretoken": token(page)})[0] == 302
    client.cookies["om_session"] = sessions[0].decode().rsplit("cached_db", 1)[1]  # the old cookie, kept by an attacker
    status, headers, _ = client.request("GET", first.url("/space/"))
    assert (status, headers["Location"]) == (302, "/login/?next=/space/"), "logged out on the first instance too"
    assert not redis.Redis.from_url(REDIS_URL).keys("*django.contrib.sessions.cached_db*")


@committed
def test_the_per_address_login_limit_counts_the_failures_of_both_instances(instances):
    member("two.address")
    address = "203.0.113.7"
    for attempt in range(6):  # 3 on each instance (and fewer per worker): each alone stays under 4
        assert log_in(browser(address), instances[attempt % 2], f"nobody-{attempt}", "Wrong-password-123") == 200
    assert redis.Redis.from_url(REDIS_URL).keys("*throttle:login-address:*")
    for server in instances:  # 6 failures from the address: only a browser that logged in before may try
        assert log_in(browser(address), server, "two.address") == 200
    assert log_in(browser("203.0.113.8"), instances[0], "two.address") == 302  # the account itself is fine


def test_the_api_rate_limit_counts_the_calls_of_both_instances(instances):
    client = browser("203.0.113.9")
    body = {"username": "nobody", "password": "Wrong-password-123"}
    statuses = [client.request("POST", server.url("/api/auth/token"), json_body=body)[0] for server in instances * 3]
    assert statuses == [401, 401, 401, 401, 429, 429]  # 4 a minute for the pair, not 4 per instance


@pytest.mark.parametrize(("concurrency", "refused"), [("3", True), ("1", False), (None, False)])
def test_without_redis_the_server_refuses_several_workers(concurrency, refused, tmp_path):
    env = {**PRODUCTION, "ALLOW_LOCAL_CACHE": "1", "REDIS_URL": ""}
    if concurrency is not None:  # unset: the default is one worker
        env["WEB_CONCURRENCY"] = concurrency
    executable, *arguments = GUNICORN.split()
    checked = subprocess.run(
        [str(BIN / executable), *arguments, "--check-config"],
        cwd=ROOT,
        env=environment(tmp_path, env),
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert (checked.returncode != 0) == refused, checked.stderr
    assert "not shared between workers" in checked.stderr
    if refused:
        assert "Configuration error: WEB_CONCURRENCY=3" in checked.stderr
