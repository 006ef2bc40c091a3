"""Benchmark: the claims pages on a large database (issue 5: 1,000,000 claims, page times on PostgreSQL).

Run against a database filled by ``seed_demo`` then ``seed_scale --members 100000`` (10 claims per member)::

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/openmutuelle_scale VAR_DIR=/tmp/scalevar \\
        .venv/bin/python benchmarks/claims_pages.py [--repeat 20]

Every page is requested through Django's test client (the whole stack: middleware, sessions, selectors, templates),
once to warm up and then ``--repeat`` times; the script prints the median and the 95th percentile of the wall time
and the number of SQL queries. Everything runs in one transaction that is rolled back at the end (the logins made
for the benchmark, the staff's authenticator app, the audit rows of staff reads), so the database is left as found.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


class Rollback(Exception):
    """Raised at the end to undo what the benchmark wrote."""


def measure(client, url: str, repeat: int) -> tuple[float, float, int, int]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.get(url)  # warm-up: caches, prepared plans
    times = []
    for _ in range(repeat):
        with CaptureQueriesContext(connection) as queries:
            started = time.perf_counter()
            response = client.get(url)
            times.append((time.perf_counter() - started) * 1000)
    assert response.status_code == 200, f"{url}: {response.status_code}"
    times.sort()
    return statistics.median(times), times[int(len(times) * 0.95) - 1], len(queries), response.status_code


def ready(user):
    """The login has accepted the current terms, so that the onboarding gate lets it through."""
    from content.selectors import terms_current
    from content.services import terms_accept

    terms = terms_current()
    if terms is not None:
        terms_accept(actor=user, terms=terms)
    return user


def member_client(person):
    from django.test import Client
    from django.urls import reverse

    from accounts.choices import ProfileKind
    from accounts.tests import factories as f

    user = ready(f.profile(ProfileKind.MEMBER, person).user)
    client = Client()
    response = client.post(reverse("accounts:login"), {"username": user.username, "password": f.PASSWORD})
    assert response.status_code == 302
    return client


def staff_client():
    from django.test import Client

    from accounts.choices import StaffRole
    from accounts.tests import factories as f
    from twofactor.tests.helpers import login_verified

    client = Client()
    login_verified(client, ready(f.staff(StaffRole.CLAIMS).user))
    return client


def pages() -> list[tuple[str, str, str]]:
    """(who, label, url) of the pages measured."""
    from claims.models import CareItem, Claim
    from core.pagination import QUEUE_COUNT_CAP

    last_page = min(Claim.objects.count(), QUEUE_COUNT_CAP) // 20
    category = CareItem.objects.values_list("category__code", flat=True).first()
    some = Claim.objects.order_by("-pk").first()
    return [
        ("member", "member's claims list", "/space/claims/"),
        ("member", "member's claims list, API", "/api/claims"),
        ("member", "member's claim detail", f"/space/claims/{member_claim().public_id}/"),
        ("staff", "queue, first page", "/backoffice/claims/"),
        ("staff", "queue, in progress", "/backoffice/claims/?status=in_progress"),
        ("staff", "queue, care type", f"/backoffice/claims/?category={category}"),
        ("staff", "queue, amount 300-500 EUR", "/backoffice/claims/?min_total=300&max_total=500"),
        ("staff", "queue, older than 30 days", "/backoffice/claims/?older_than_days=30"),
        ("staff", "queue, flagged duplicates", "/backoffice/claims/?duplicates=on"),
        ("staff", "queue, page 100", "/backoffice/claims/?page=100"),
        ("staff", f"queue, last reachable page ({last_page})", f"/backoffice/claims/?page={last_page}"),
        ("staff", "review page", f"/backoffice/claims/{some.public_id}/"),
    ]


_member = {}


def member_claim():
    return _member["claim"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "openmutuelle.settings")
    import django

    django.setup()
    from django.conf import settings
    from django.db import connection, transaction
    from django.db.models import Count

    from claims.models import Claim

    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    print(f"database: {connection.vendor}, {Claim.objects.count():,} claims")
    try:
        with transaction.atomic():
            busiest = Claim.objects.values("member").annotate(n=Count("pk")).order_by("-n", "member").first()
            _member["claim"] = Claim.objects.filter(member=busiest["member"]).first()
            clients = {"member": member_client(_member["claim"].member), "staff": staff_client()}
            print(f"member measured: {busiest['n']} claims of their own")
            print(f"{'page':42} {'median ms':>10} {'p95 ms':>8} {'queries':>8}")
            for who, label, url in pages():
                median, p95, queries, _ = measure(clients[who], url, args.repeat)
                print(f"{label:42} {median:10.1f} {p95:8.1f} {queries:8d}")
            raise Rollback
    except Rollback:
        pass


if __name__ == "__main__":
    main()
