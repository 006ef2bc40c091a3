"""Load benchmark (issue 11): the production server on a large PostgreSQL database under a closed-loop client.

Run (one command, from a fresh clone; PostgreSQL and Redis on localhost)::

    .venv/bin/python benchmarks/load.py [--members 100000 --claims 1000000] [--database om_load] [--reuse|--rebuild]
        [--clients 1,8] [--duration 10] [--only floor,member_home,…] [--audit] [--target URL | --instances 1,2]

1. **Database.** Builds ``--database`` (default ``om_load``) with ``manage.py migrate`` and ``manage.py seed_scale``
   (``--members`` individual holders and their families, companies with employees in proportion, about
   ``--claims`` / ``--members`` claims per subscriber, made by the database: ``demo/scale_claims_sql.py``), and
   writes a marker row (table ``bench_load_build``: what was asked and how long it took). A later run reuses a
   database whose marker covers what is asked (``--reuse``: whatever is there; ``--rebuild``: always anew). The
   secrets (``SECRET_KEY``, ``ENCRYPTION_KEYS``) are derived from the database name, so a reused database still
   decrypts. Benchmark logins are added (``bench-member-N``, ``bench-staff-N`` with an authenticator app,
   ``bench-company-N``), one per client, each a different seeded member, staff or company.
2. **Server.** ``gunicorn -c gunicorn.conf.py openmutuelle.wsgi`` with 2 workers, ``DJANGO_ENV=production`` and
   the environment the deployment tests use (``core/tests/processes.py``), Redis database ``--redis-db``, and
   ``BENCH_MODE=1``: every answer then carries ``X-Query-Count`` (the queries of the whole request, counted on the
   server) and ``/bench/floor/`` exists (``core/bench.py``: an authenticated page doing one query by primary key
   behind the same middleware, the yardstick). ``--target https://host`` skips this and measures a deployment
   already running (another build, two instances behind a proxy…): give it ``--database-url`` of that
   deployment's database and run with its ``SECRET_KEY``/``ENCRYPTION_KEYS`` in the environment so that the
   logins can be prepared; queries show ``-`` unless it runs with ``BENCH_MODE=1``.
   ``--instances 1,2`` (issue 12, ``make bench-two-instances``) starts ``make prod-like``'s topology instead: moto's
   S3 server for the documents, the largest number of instances on ``--port`` + 1…, sharing the database and Redis,
   and one round-robin proxy per number (``scripts/prod_like_proxy.py``, on ``--port`` + 10 × its rank); each
   operation and level is then measured through each proxy in turn, with the same logged-in clients.
3. **Client.** For each operation and each number of ``--clients``, that many threads, each logged in as its own
   user, repeat the operation for ``--duration`` seconds (closed loop: a new request when the last one answered),
   after one warm-up round. The table gives per operation: requests (operations) per second, median and 95th
   percentile latency, queries per operation (median of ``X-Query-Count``), the throughput as a share of the floor's
   at the same concurrency, and the errors; the machine's load average is printed before and after.

Operations: ``floor``; ``member_home`` (``/space/``); ``member_claims`` (``/space/claims/``); ``claim_detail`` (one of
the member's seeded claims); ``api_home`` (``GET /api/me/home``, the mobile home, when the server has it: probed,
else listed as absent); ``claim_create`` (``POST /api/claims``: 10 items, one small JPEG each, each of its own
bytes); ``assess_decide``
(the back office assesses the 10 items of a claim made by ``claim_create``, then decides it: two POSTs; claims are
made beforehand, untimed, when the pool is short); ``backoffice_queue`` (``/backoffice/claims/``);
``company_employees`` (``/space/company/employees/`` of a seeded company of about 100 employees).

``--audit`` also runs ``benchmarks/audit.py``'s throughput part (1, 2, 4 and 8 writer processes calling
``audit.record()`` in their own transactions, one event or five a transaction, each beside pgbench's commit floor at
the same number of clients) on a database of its own, ``<database>_audit``.
"""

from __future__ import annotations

import argparse
import base64
import contextlib
import hashlib
import http.client
import io
import json
import os
import random
import re
import signal
import statistics
import subprocess
import sys
import threading
import time
import uuid
from collections import deque
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode, urlsplit
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

PASSWORD = "Bench-load-2026!"  # noqa: S105 - benchmark logins on a throw-away database
HOST = "portal.example.fr"
PARIS = ZoneInfo("Europe/Paris")
OPERATIONS = (
    "floor",
    "member_home",
    "member_claims",
    "claim_detail",
    "api_home",
    "claim_create",
    "assess_decide",
    "backoffice_queue",
    "company_employees",
)
ITEMS = 10


# --- Environment and database ------------------------------------------------------------------


def derived(database: str, purpose: str) -> bytes:
    return hashlib.sha256(f"openmutuelle-load-benchmark:{purpose}:{database}".encode()).digest()


def server_environment(args, var_dir: Path) -> dict[str, str]:
    """What the deployment tests give a production server, with this database's derived secrets."""
    from core.tests.processes import PRODUCTION, environment

    database = urlsplit(args.database_url).path.lstrip("/")
    env = {
        **PRODUCTION,
        "SECRET_KEY": derived(database, "secret").hex(),
        "ENCRYPTION_KEYS": base64.urlsafe_b64encode(derived(database, "fernet")).decode(),
        "ALLOWED_HOSTS": HOST,
        "PORTAL_URL": f"https://{HOST}",
        "DATABASE_URL": args.database_url,
        "REDIS_URL": f"redis://127.0.0.1:6379/{args.redis_db}",
        "TASKS_REDIS_URL": f"redis://127.0.0.1:6379/{args.redis_db}",
        "FILES_ROOT": str(var_dir / "files"),
        "GUNICORN_BIND": f"127.0.0.1:{args.port}",
        "WEB_CONCURRENCY": str(args.workers),
        "DB_CONN_MAX_AGE": "60",  # README: one connection per sync worker
        "BENCH_MODE": "1",
        # The API's per-user limit (120/min) is shared by every instance through Redis: a client looping on the API
        # meets it within seconds and measures 429s. Lifted here: the benchmark measures throughput, not the limit.
        "API_THROTTLE_USER": "1000000/m",
    }
    for name in ("SECRET_KEY", "ENCRYPTION_KEYS") if args.target or args.secrets_from_env else ():
        if os.environ.get(name):  # the target deployment's own secrets
            env[name] = os.environ[name]
    return environment(var_dir, env)


def admin_connection(url: str):
    import psycopg

    parts = urlsplit(url)
    return psycopg.connect(parts._replace(path="/postgres").geturl(), autocommit=True)


def database_state(url: str) -> dict | None:
    """The marker of a previous build, or None when the database or its marker is missing."""
    import psycopg

    try:
        with psycopg.connect(url) as connection:
            row = connection.execute(
                "SELECT members, claims, seconds, built_at, (SELECT count(*) FROM claims_claim) "
                "FROM bench_load_build ORDER BY built_at DESC LIMIT 1"
            ).fetchone()
    except psycopg.Error:
        return None
    if row is None:
        return None
    return dict(zip(("members", "claims", "seconds", "built_at", "claims_now"), row, strict=True))


def database_counts(url: str) -> dict | None:
    """A migrated database with no marker (``--reuse`` of a database seeded otherwise, e.g. by a test)."""
    import psycopg

    try:
        with psycopg.connect(url) as connection:
            members, claims = connection.execute(
                "SELECT (SELECT count(*) FROM people_person WHERE membership_number IS NOT NULL), "
                "(SELECT count(*) FROM claims_claim)"
            ).fetchone()
    except psycopg.Error:
        return None
    return {"members": members, "claims": claims, "seconds": 0.0, "built_at": None, "claims_now": claims}


def build(args, env: dict[str, str]) -> float:
    """A fresh database: migrate, seed_scale, marker. Returns the seconds it took."""
    database = urlsplit(args.database_url).path.lstrip("/")
    if not re.fullmatch(r"[a-z0-9_]+", database):
        raise SystemExit(f"refusing to rebuild a database named {database!r}")
    with admin_connection(args.database_url) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
        connection.execute(f'CREATE DATABASE "{database}"')
    per_member = max(1, -(-args.claims // args.members))
    started = time.perf_counter()
    for command in (
        ["migrate", "-v0"],
        ["seed_scale", "--members", str(args.members), "--claims-per-member", str(per_member)],
    ):
        print(f"  manage.py {' '.join(command)}", flush=True)
        subprocess.run([sys.executable, "manage.py", *command], cwd=ROOT, env=env, check=True)  # noqa: S603
    seconds = time.perf_counter() - started
    import psycopg

    with psycopg.connect(args.database_url, autocommit=True) as connection:
        connection.execute(
            "CREATE TABLE IF NOT EXISTS bench_load_build (members int, claims int, seconds float, "
            "built_at timestamptz DEFAULT now())"
        )
        connection.execute("INSERT INTO bench_load_build VALUES (%s, %s, %s)", [args.members, args.claims, seconds])
    return seconds


def ensure_database(args, env: dict[str, str]) -> None:
    state = None if args.rebuild else database_state(args.database_url)
    if state is None and args.reuse:
        state = database_counts(args.database_url)
    if state and (args.reuse or (state["members"] >= args.members and state["claims_now"] >= args.claims)):
        name = urlsplit(args.database_url).path[1:]
        built = f"; built in {state['seconds']:.0f} s" if state["built_at"] else ""
        print(f"database: reused {name}: {state['members']:,} members, {state['claims_now']:,} claims{built}")
        return
    if args.reuse:
        raise SystemExit(f"--reuse: no benchmark database at {args.database_url}")
    print(f"database: building {args.database_url} ({args.members:,} members, {args.claims:,} claims)", flush=True)
    seconds = build(args, env)
    print(f"database: built in {seconds:.0f} s — {database_state(args.database_url)['claims_now']:,} claims")


# --- Benchmark logins and data (Django in this process) ---------------------------------------


def django_setup(env: dict[str, str]) -> None:
    os.environ.update({k: v for k, v in env.items() if k != "BENCH_MODE"})
    os.environ["DJANGO_SETTINGS_MODULE"] = "openmutuelle.settings"
    import django

    django.setup()


def _login(username: str, *, staff: bool = False):
    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from accounts.services import staff_groups_ensure
    from content.selectors import terms_current
    from content.services import terms_accept

    user, _created = get_user_model().objects.get_or_create(
        username=username, defaults={"email": f"{username}@bench.example.fr", "language": "en", "is_staff": staff}
    )
    user.set_password(PASSWORD)
    user.email_confirmed_at = user.email_confirmed_at or timezone.now()
    user.is_active, user.must_change_password = True, False
    user.save()
    if staff:
        from accounts.choices import StaffRole

        user.groups.add(staff_groups_ensure()[StaffRole.CLAIMS.value])
    terms = terms_current()
    if terms is not None:
        terms_accept(actor=user, terms=terms)
    return user


def _profile(user, kind, **target):
    from accounts.models import Profile

    return Profile.objects.get_or_create(user=user, kind=kind, defaults=target)[0]


def prepare(count: int) -> dict:
    """``count`` members (with an API token, a claim of theirs, whom and what they may claim for), staff (with an
    authenticator app) and company logins; each a different seeded person or company."""
    from django.db.models import Count, Exists, OuterRef
    from django.utils import timezone
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from accounts.choices import ProfileKind
    from api import services as api_services
    from claims import eligibility
    from claims.models import Claim
    from contracts.choices import AffiliationRole, ContractKind
    from contracts.models import Affiliation
    from people.models import Company

    today = timezone.localdate()
    holders = (
        Affiliation.objects.filter(
            role=AffiliationRole.SUBSCRIBER,
            contract__kind=ContractKind.INDIVIDUAL,
            end_date__isnull=True,
            start_date__lt=today - timedelta(days=90),
            person__membership_number__isnull=False,
        )
        .filter(Exists(Claim.objects.filter(member_id=OuterRef("person_id"))))
        .values_list("person_id", flat=True)
        .order_by("person_id")
    )
    members = []
    for person_id in holders[: count * 4]:
        if len(members) == count:
            break
        n = len(members) + 1
        user = _login(f"bench-member-{n}")
        profile = _profile(user, ProfileKind.MEMBER, person_id=person_id)
        if profile.person_id != person_id:  # a reused login keeps its person
            person_id = profile.person_id
        choices = [b for b in eligibility.beneficiaries(profile) if b.categories]
        claim = Claim.objects.filter(member_id=person_id).order_by("-submitted_at").first()
        if not choices or claim is None:
            continue
        secret = api_services.token_create(actor=user, profile=profile, name=f"load {uuid.uuid4()}", via="test")[1]
        members.append(
            {
                "username": user.username,
                "token": secret,
                "claim": str(claim.public_id),
                "beneficiary": str(choices[0].affiliation.public_id),
                "category": choices[0].categories[0].code,
                "days_back": max(2, min(200, (today - choices[0].affiliation.start_date).days - 1)),
            }
        )
    staff = []
    for n in range(1, count + 1):
        user = _login(f"bench-staff-{n}", staff=True)
        _profile(user, ProfileKind.STAFF)
        device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
        device = device or TOTPDevice.objects.create(user=user, name="bench", confirmed=True)
        staff.append({"username": user.username, "device": device.pk})
    companies = []
    big = list(
        Company.objects.annotate(n=Count("contracts__affiliations")).filter(n__gt=0).order_by("-n", "pk")[:count]
    )
    for n in range(1, count + 1 if big else 1):
        company = big[(n - 1) % len(big)]  # fewer companies than clients: some share one
        user = _login(f"bench-company-{n}")
        _profile(user, ProfileKind.COMPANY, company=company)
        companies.append({"username": user.username})
    return {"members": members, "staff": staff, "companies": companies}


def totp_code(device_id: int) -> str:
    from django_otp.oath import totp
    from django_otp.plugins.otp_totp.models import TOTPDevice

    TOTPDevice.objects.filter(pk=device_id).update(last_t=-1)
    device = TOTPDevice.objects.get(pk=device_id)
    return f"{totp(device.bin_key, device.step, device.t0, device.digits, device.drift):0{device.digits}d}"


def undecided_claims(limit: int) -> list[dict]:
    """10-item claims of the benchmark members still in progress, oldest first: the pool of assess_decide."""
    from django.db.models import Count

    from claims.choices import ClaimStatus
    from claims.models import CareItem, Claim

    claims = list(
        Claim.objects.filter(status=ClaimStatus.IN_PROGRESS, submitted_by__username__startswith="bench-member-")
        .annotate(n=Count("items"))
        .filter(n=ITEMS)
        .order_by("submitted_at")
        .values_list("pk", "public_id")[:limit]
    )
    items: dict[int, list] = {}
    for claim_id, position, amount in CareItem.objects.filter(claim__in=[pk for pk, _ in claims]).values_list(
        "claim_id", "position", "amount_eur"
    ):
        items.setdefault(claim_id, []).append((position, str(amount)))
    return [{"id": str(public_id), "items": sorted(items[pk])} for pk, public_id in claims]


# --- HTTP client -------------------------------------------------------------------------------


@dataclass
class Answer:
    status: int
    body: bytes
    queries: int | None
    headers: dict = field(default_factory=dict)


class Client:
    """One user's connection to the portal: cookies kept by hand (Secure cookies over the local plain HTTP)."""

    def __init__(self, target: str, host: str) -> None:
        parts = urlsplit(target)
        self.https = parts.scheme == "https"
        self.address = (parts.hostname, parts.port or (443 if self.https else 80))
        self.host = host
        self.cookies: dict[str, str] = {}
        self.token: str | None = None
        self.csrf = ""
        self.data: dict = {}
        self.timeout = 120.0

    def retarget(self, target: str) -> None:
        """Send the next requests to ``target`` (another proxy of the same deployment), with the same session."""
        parts = urlsplit(target)
        self.address = (parts.hostname, parts.port or (443 if self.https else 80))

    def request(self, method: str, path: str, body: bytes | None = None, headers: dict | None = None) -> Answer:
        connection_class = http.client.HTTPSConnection if self.https else http.client.HTTPConnection
        connection = connection_class(*self.address, timeout=self.timeout)
        sent = {"Host": self.host, "User-Agent": "openmutuelle-load-benchmark", **(headers or {})}
        if not self.https:
            sent["X-Forwarded-Proto"] = "https"  # gunicorn trusts it from 127.0.0.1, as from the reverse proxy
        if self.cookies:
            sent["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        if self.token and path.startswith("/api/"):
            sent["Authorization"] = f"Bearer {self.token}"
        try:
            connection.request(method, path, body=body, headers=sent)
            response = connection.getresponse()
            data = response.read()
        finally:
            connection.close()
        for header in response.headers.get_all("Set-Cookie") or []:
            for name, morsel in SimpleCookie(header).items():
                if morsel["max-age"] == "0" or morsel.value == "":
                    self.cookies.pop(name, None)
                else:
                    self.cookies[name] = morsel.value
        self.csrf = self.cookies.get("om_csrftoken", self.csrf)
        queries = response.headers.get("X-Query-Count")
        return Answer(response.status, data, int(queries) if queries else None, dict(response.headers))

    def get(self, path: str) -> Answer:
        return self.request("GET", path)

    def post_form(self, path: str, fields: dict) -> Answer:
        if not self.csrf:
            self.get(path)
        body = urlencode({**fields, "csrfmiddlewaretoken": self.csrf}).encode()
        headers = {
            "Content-Type": "application/x-www-form-urlencoded",
            "Origin": f"https://{self.host}",
            "Referer": f"https://{self.host}{path}",
            "X-CSRFToken": self.csrf,
        }
        return self.request("POST", path, body, headers)

    def log_in(self, username: str, device: int | None = None) -> None:
        self.get("/login/")
        answer = self.post_form("/login/", {"username": username, "password": PASSWORD})
        if answer.status != 302:
            raise SystemExit(f"login of {username} refused: {answer.status} {answer.body[:300]!r}")
        if device is not None:
            self.get("/2fa/verify/")
            answer = self.post_form("/2fa/verify/", {"code": totp_code(device)})
            if answer.status != 302:
                raise SystemExit(f"second factor of {username} refused: {answer.status}")


def small_jpeg(seed: int) -> bytes:
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (320, 240), (240, 236, 228))
    ImageDraw.Draw(image).text((10, 10 + seed % 200), f"Facture {seed}", fill=(20, 20, 20))
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=80)
    return buffer.getvalue()


def unique_copy(jpeg: bytes) -> bytes:
    """The same picture with a JPEG comment of its own after the start marker: other bytes, as every real bill's
    photo is. Sending the very same bytes in every claim made each new claim a duplicate (same SHA-256) of all the
    earlier ones, and the duplicate check's cost grew with the benchmark's own history."""
    comment = uuid.uuid4().hex.encode()
    return jpeg[:2] + b"\xff\xfe" + (len(comment) + 2).to_bytes(2, "big") + comment + jpeg[2:]


def multipart(fields: dict[str, str], files: dict[str, tuple[str, bytes, str]]) -> tuple[bytes, str]:
    boundary = f"----bench{uuid.uuid4().hex}"
    parts = []
    for name, value in fields.items():
        parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode())
    for name, (filename, content, content_type) in files.items():
        head = (
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; filename="{filename}"\r\n'
            f"Content-Type: {content_type}\r\n\r\n"
        )
        parts.append(head.encode() + content + b"\r\n")
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"


# --- Operations --------------------------------------------------------------------------------


class Pool:
    """Claims waiting for assess_decide (made by claim_create or beforehand)."""

    def __init__(self) -> None:
        self.claims: deque = deque()
        self.lock = threading.Lock()

    def put(self, claim: dict) -> None:
        with self.lock:
            self.claims.append(claim)

    def take(self) -> dict | None:
        with self.lock:
            return self.claims.popleft() if self.claims else None


POOL = Pool()
PHOTOS: list[bytes] = []  # one small receipt per item, made once by main()


def page(path: str):
    def run(client: Client) -> tuple[bool, int | None]:
        answer = client.get(path.format(**client.data))
        return answer.status == 200, answer.queries

    return run


def claim_create(client: Client) -> tuple[bool, int | None]:
    data, rng = client.data, random.Random()  # noqa: S311 - amounts of test claims
    today = datetime.now(PARIS).date()
    items = []
    for n in range(ITEMS):
        care = today - timedelta(days=rng.randint(2, data["days_back"]))
        items.append(
            {"care_date": str(care), "category": data["category"], "practitioner": f"Dr Bench {n}", "country": "FR",
             "amount": f"{rng.randint(15, 45)}.{rng.randint(0, 99):02d}", "currency": "EUR"}
        )  # fmt: skip
    files = {f"item{n}_doc1": (f"bill-{n}.jpg", unique_copy(PHOTOS[n - 1]), "image/jpeg") for n in range(1, ITEMS + 1)}
    fields = {"beneficiary": data["beneficiary"], "items": json.dumps(items), "accept_terms": "true"}
    body, content_type = multipart(fields, files)
    answer = client.request(
        "POST", "/api/claims", body, {"Content-Type": content_type, "Idempotency-Key": str(uuid.uuid4())}
    )
    if answer.status == 201:
        made = json.loads(answer.body)
        POOL.put({"id": made["id"], "items": [(i["position"], i["amount_eur"]) for i in made["items"]]})
    elif not data.get("reported"):
        data["reported"] = True
        print(f"    claim_create: {answer.status} {answer.body[:300]!r}", flush=True)
    return answer.status == 201, answer.queries


def assess_decide(client: Client) -> tuple[bool, int | None]:
    claim = POOL.take()
    if claim is None:
        raise PoolEmpty
    fields = {}
    for position, amount in claim["items"]:
        prefix = f"item{position}-"
        fields |= {f"{prefix}base_amount": amount, f"{prefix}compulsory_paid": f"{float(amount) * 0.3:.2f}"}
        fields |= {f"{prefix}decision": "accepted", f"{prefix}refusal_reason": "", f"{prefix}comment": ""}
    assessed = client.post_form(f"/backoffice/claims/{claim['id']}/assess/", fields)
    decided = client.post_form(f"/backoffice/claims/{claim['id']}/decide/", {"note": ""})
    ok = assessed.status == 302 and decided.status == 302
    if not ok and not client.data.get("reported"):
        client.data["reported"] = True
        print(f"    assess_decide: {assessed.status} / {decided.status}", flush=True)
    queries = None if assessed.queries is None else assessed.queries + (decided.queries or 0)
    return ok, queries


class PoolEmpty(Exception):
    """No claim left to decide: the phase ends early."""


ROLES = {
    "floor": ("members", page("/bench/floor/")),
    "member_home": ("members", page("/space/")),
    "member_claims": ("members", page("/space/claims/")),
    "claim_detail": ("members", page("/space/claims/{claim}/")),
    "api_home": ("tokens", page("/api/me/home")),
    "claim_create": ("tokens", claim_create),
    "assess_decide": ("staff", assess_decide),
    "backoffice_queue": ("staff", page("/backoffice/claims/")),
    "company_employees": ("companies", page("/space/company/employees/")),
}


@dataclass
class Result:
    operation: str
    clients: int
    instances: int = 0  # 0: one server reached directly; N: N instances behind the proxy
    done: int = 0
    errors: int = 0
    seconds: float = 0.0
    latencies: list = field(default_factory=list)
    queries: list = field(default_factory=list)
    note: str = ""

    @property
    def rate(self) -> float:
        return self.done / self.seconds if self.seconds else 0.0

    def percentile(self, share: float) -> float:
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, int(len(ordered) * share))] * 1000 if ordered else float("nan")


def run_phase(operation: str, clients: list[Client], duration: float, instances: int = 0, warmup: int = 1) -> Result:
    """``clients`` repeat ``operation`` for ``duration`` seconds, after ``warmup`` untimed rounds each."""
    _role, action = ROLES[operation]
    result = Result(operation, len(clients), instances)
    lock, ready, go = threading.Lock(), threading.Barrier(len(clients) + 1), threading.Event()
    deadline = [0.0]

    def loop(client: Client) -> None:
        with contextlib.suppress(PoolEmpty):
            for _ in range(warmup):
                action(client)  # warm-up: caches, connections, compiled templates
        ready.wait()
        go.wait()
        while time.perf_counter() < deadline[0]:
            began = time.perf_counter()
            try:
                ok, queries = action(client)
            except PoolEmpty:
                result.note = "pool of claims to decide exhausted: ended early"
                return
            except (OSError, http.client.HTTPException):
                ok, queries = False, None
            took = time.perf_counter() - began
            with lock:
                result.done += ok
                result.errors += not ok
                result.latencies.append(took)
                if queries is not None:
                    result.queries.append(queries)

    threads = [threading.Thread(target=loop, args=(client,), daemon=True) for client in clients]
    for thread in threads:
        thread.start()
    ready.wait()  # every client warmed up
    began = time.perf_counter()
    deadline[0] = began + duration
    go.set()
    for thread in threads:
        thread.join()
    result.seconds = time.perf_counter() - began
    return result


# --- The run -----------------------------------------------------------------------------------


def load_average() -> str:
    one, five, fifteen = os.getloadavg()
    return f"load average {one:.2f}, {five:.2f}, {fifteen:.2f} ({os.cpu_count()} CPUs)"


def wait_until_serving(process: subprocess.Popen, url: str, log: Path, name: str) -> None:
    probe = Client(url, HOST)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if probe.get("/healthz").status == 200:
                return
        except OSError:
            pass
        if process.poll() is not None:
            raise SystemExit(f"{name} exited ({process.returncode}): see {log}")
        time.sleep(0.3)
    process.terminate()
    raise SystemExit(f"{name} did not answer /healthz within 60 s: see {log}")


def start_server(env: dict[str, str], var_dir: Path, port: int, name: str = "gunicorn") -> subprocess.Popen:
    """One instance: ``gunicorn -c gunicorn.conf.py`` on 127.0.0.1:``port``, answering /healthz."""
    if not (Path(env.get("STATIC_ROOT", var_dir / "static")) / "staticfiles.json").exists():
        manage = [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"]
        subprocess.run(manage, cwd=ROOT, env=env, check=True)  # noqa: S603 - as the README's deployment says
    log_path = var_dir / f"{name}.log"
    command = [str(Path(sys.executable).parent / "gunicorn"), "-c", "gunicorn.conf.py", "openmutuelle.wsgi"]
    env = {**env, "GUNICORN_BIND": f"127.0.0.1:{port}"}
    with log_path.open("wb") as log:  # this run's requests only: served() counts them
        server = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)  # noqa: S603
    wait_until_serving(server, f"http://127.0.0.1:{port}", log_path, name)
    return server


def start_topology(args, env: dict[str, str], var_dir: Path, topologies: list[int]) -> tuple[list, dict[int, str]]:
    """``make prod-like``'s topology, for each of ``topologies`` at once: the largest number of gunicorn instances
    (``--workers`` each) on ``--port`` + 1…, and for each number N a proxy (``scripts/prod_like_proxy.py``,
    round-robin) on ``--port`` + 10 × its rank in front of the first N instances. All share the database and Redis.
    Returns the processes and each topology's URL: measured in turn per operation, they meet the same load."""
    processes, targets = [], {}
    try:
        for n in range(1, max(topologies) + 1):
            processes.append(start_server(env, var_dir, args.port + n, name=f"instance{n}"))
        for rank, instances in enumerate(topologies):
            port = args.port + 10 * rank
            command = [sys.executable, "scripts/prod_like_proxy.py", "--listen", f"127.0.0.1:{port}"]
            command += [arg for n in range(1, instances + 1) for arg in ("--backend", f"127.0.0.1:{args.port + n}")]
            log_path = var_dir / f"proxy{instances}.log"
            with log_path.open("ab") as log:
                processes.append(subprocess.Popen(command, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT))  # noqa: S603
            targets[instances] = f"http://127.0.0.1:{port}"
            wait_until_serving(processes[-1], targets[instances], log_path, f"proxy of {instances} instance(s)")
    except BaseException:
        stop(processes)
        raise
    return processes, targets


def served(var_dir: Path, instances: int) -> str:
    """The requests each instance answered, from its access log: the proxy spread them over all."""
    counts = []
    for n in range(1, instances + 1):
        lines = (var_dir / f"instance{n}.log").read_text(errors="replace").splitlines()
        counts.append(f"instance {n}: {sum(' HTTP/1.' in line for line in lines):,}")
    return "requests answered: " + ", ".join(counts)


def start_s3(args, env: dict[str, str], var_dir: Path) -> subprocess.Popen:
    """moto's S3 server (``scripts/prod_like_s3.py``) on ``--s3-port``; ``env`` then stores documents there."""
    bucket = "openmutuelle-load"
    log_path = var_dir / "s3.log"
    command = [sys.executable, "scripts/prod_like_s3.py", "--port", str(args.s3_port), "--bucket", bucket]
    with log_path.open("ab") as log:
        process = subprocess.Popen(command, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT)  # noqa: S603
    deadline = time.monotonic() + 30
    while b"bucket" not in log_path.read_bytes():
        if process.poll() is not None or time.monotonic() > deadline:
            stop([process])
            raise SystemExit(f"the S3 server did not start: see {log_path}")
        time.sleep(0.2)
    env.update(
        {
            "DOCUMENTS_S3_BUCKET": bucket,
            "DOCUMENTS_S3_ENDPOINT_URL": f"http://127.0.0.1:{args.s3_port}",
            "DOCUMENTS_S3_REGION": "eu-west-3",
            "DOCUMENTS_S3_ADDRESSING_STYLE": "path",
            "AWS_ACCESS_KEY_ID": "load",
            "AWS_SECRET_ACCESS_KEY": "load",
        }
    )
    return process


def bucket_objects(env: dict[str, str]) -> int:
    import boto3

    client = boto3.client(
        "s3",
        endpoint_url=env["DOCUMENTS_S3_ENDPOINT_URL"],
        region_name=env["DOCUMENTS_S3_REGION"],
        aws_access_key_id=env["AWS_ACCESS_KEY_ID"],
        aws_secret_access_key=env["AWS_SECRET_ACCESS_KEY"],
    )
    pages = client.get_paginator("list_objects_v2").paginate(Bucket=env["DOCUMENTS_S3_BUCKET"])
    return sum(page.get("KeyCount", 0) for page in pages)


def stop(processes: list[subprocess.Popen]) -> None:
    for process in reversed(processes):
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
    for process in processes:
        try:
            process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            process.kill()


def clients_for(role: str, fixtures: dict, target: str, count: int, cache: dict) -> list[Client]:
    """``count`` logged-in clients of ``role``, made once and kept for the whole run."""
    made = cache.setdefault(role, [])
    source = {"members": "members", "tokens": "members", "staff": "staff", "companies": "companies"}[role]
    people = fixtures[source]
    while len(made) < min(count, len(people)):
        person = people[len(made)]
        client = Client(target, HOST)
        client.data = dict(person)
        if role == "tokens":
            client.token = person["token"]
        else:
            client.log_in(person["username"], person.get("device"))
        made.append(client)
    return made[:count]


def top_up_pool(fixtures: dict, target: str, wanted: int, cache: dict) -> None:
    """Claims for assess_decide made beforehand (untimed) when the pool is short."""
    for claim in undecided_claims(wanted):
        if claim["id"] not in {c["id"] for c in POOL.claims}:
            POOL.put(claim)
    missing = wanted - len(POOL.claims)
    if missing <= 0:
        return
    print(f"  making {missing} claims to decide (untimed)…", flush=True)
    makers = clients_for("tokens", fixtures, target, 8, cache)
    per_client = -(-missing // len(makers))
    threads = [
        threading.Thread(target=lambda c=c: [claim_create(c) for _ in range(per_client)], daemon=True) for c in makers
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()


def print_table(results: list[Result], absent: list[tuple[str, str]]) -> None:
    """One row per operation, level and topology; with several topologies, ``× first`` is the throughput over the
    first topology's (``--instances 1,2``: how two instances compare with one, same operation and clients)."""
    floors = {(r.instances, r.clients): r.rate for r in results if r.operation == "floor"}
    topologies = sorted({r.instances for r in results})
    first = {(r.operation, r.clients): r.rate for r in results if r.instances == topologies[0]}
    several = len(topologies) > 1
    head = f"{'instances':>9} " if several else ""
    print()
    print(f"{head}{'operation':20} {'clients':>7} {'req/s':>8} {'p50 ms':>8} {'p95 ms':>8} {'queries':>8} "
          f"{'÷ floor':>8} " + (f"{'× first':>8} " if several else "") + f"{'errors':>6}")  # fmt: skip
    for r in results:
        queries = f"{statistics.median(r.queries):.0f}" if r.queries else "-"
        floor, base = floors.get((r.instances, r.clients)), first.get((r.operation, r.clients))
        ratio = f"{r.rate / floor:.2f}" if floor else "-"
        scale = f"{r.rate / base:.2f}" if base else "-"
        lead, tail = (f"{r.instances:>9} ", f"{scale:>8} ") if several else ("", "")
        print(
            f"{lead}{r.operation:20} {r.clients:7d} {r.rate:8.1f} {r.percentile(0.5):8.1f} "
            f"{r.percentile(0.95):8.1f} {queries:>8} {ratio:>8} {tail}{r.errors:6d}"
            + (f"  ({r.note})" if r.note else "")
        )
    for operation, reason in absent:
        print(f"{operation:20} {'absent':>7}  ({reason})")
    print()


def run_audit(args) -> None:
    url = urlsplit(args.database_url)
    audit_url = url._replace(path=f"{url.path}_audit").geturl()
    database = url.path.lstrip("/") + "_audit"
    with admin_connection(args.database_url) as connection:
        if not connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", [database]).fetchone():
            connection.execute(f'CREATE DATABASE "{database}"')
    print(f"audit throughput ({audit_url}), {load_average()}", flush=True)
    command = [sys.executable, "benchmarks/audit.py", "--database-url", audit_url, "--only", "throughput"]
    command += ["--writers", "1,2,4,8", "--per-transaction", "1,5", "--seconds", str(args.duration)]
    subprocess.run(command, cwd=ROOT, check=True)  # noqa: S603


def run_operations(args, operations, levels, fixtures, targets: dict[int, str], cache, absent) -> list[Result]:
    """Every operation at every level against each of ``targets`` in turn (``{instances: URL}``; 0: one server
    reached directly). The same clients, with the same sessions, go through each topology."""
    results, rates, first = [], {}, next(iter(targets.values()))
    if "api_home" in operations:
        probe = clients_for("tokens", fixtures, first, 1, cache)[0].get("/api/me/home")
        if probe.status != 200:
            operations.remove("api_home")
            absent.append(("api_home", f"GET /api/me/home answered {probe.status}"))
    for operation in operations:
        role = ROLES[operation][0]
        for level in levels:
            clients = clients_for(role, fixtures, first, level, cache)
            for instances, target in targets.items():
                for client in clients:
                    client.retarget(target)
                # Behind the proxy, enough untimed rounds that every worker of every instance has served once.
                warmup = -(-max(1, instances) * args.workers // level) if instances else 1
                if operation == "assess_decide":
                    # Deciding runs at about the pace of creating: what claim_create made, plus a margin.
                    made = rates.get(("claim_create", level, instances), 2)
                    wanted = args.decide_pool or int(1.5 * made * args.duration) + (2 + warmup) * level
                    top_up_pool(fixtures, target, wanted, cache)
                result = run_phase(operation, clients, args.duration, instances, warmup)
                results.append(result)
                rates[operation, level, instances] = result.rate
                where = f" on {instances} instance(s)" if instances else ""
                print(
                    f"  {operation:20} {level} client(s){where}: {result.rate:7.1f}/s, {result.errors} errors — "
                    f"{load_average()}",
                    flush=True,
                )
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--members", type=int, default=100_000)
    parser.add_argument("--claims", type=int, default=1_000_000)
    parser.add_argument("--database", default="om_load", help="Name of the PostgreSQL database on localhost.")
    parser.add_argument("--database-url", help="Instead of --database: the whole URL.")
    parser.add_argument("--reuse", action="store_true", help="Use the database as it is (no size check).")
    parser.add_argument("--rebuild", action="store_true", help="Build the database anew.")
    parser.add_argument("--clients", default="1,8", help="Comma-separated numbers of concurrent clients.")
    parser.add_argument("--duration", type=float, default=10.0, help="Seconds of each operation at each level.")
    parser.add_argument("--only", help=f"Comma-separated operations among: {', '.join(OPERATIONS)}.")
    parser.add_argument("--port", type=int, default=int(os.environ.get("LOAD_PORT", "18300")))
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--redis-db", type=int, default=int(os.environ.get("LOAD_REDIS_DB", "3")))
    parser.add_argument("--var-dir", help="Server's VAR_DIR and documents (default /tmp/<database>_var).")
    parser.add_argument("--target", help="URL of a deployment already running: no database build, no server.")
    parser.add_argument(
        "--instances",
        help="Comma-separated numbers of gunicorn instances (e.g. 1,2), each measured in turn behind the proxy of "
        "make prod-like on --port (instances on --port + 1…), sharing the database and Redis, documents on S3 (moto).",
    )
    parser.add_argument("--s3-port", type=int, help="Port of the S3 server with --instances (default --port + 50).")
    parser.add_argument(
        "--secrets-from-env",
        action="store_true",
        help="Serve with this environment's SECRET_KEY and ENCRYPTION_KEYS (a database seeded with them).",
    )
    parser.add_argument("--decide-pool", type=int, help="Claims ready to decide per level.")
    parser.add_argument("--audit", action="store_true", help="Also 8 audit.record() writers (benchmarks/audit.py).")
    args = parser.parse_args()
    args.database_url = args.database_url or f"postgres://postgres@127.0.0.1:5432/{args.database}"
    levels = [int(n) for n in args.clients.split(",")]
    operations = args.only.split(",") if args.only else list(OPERATIONS)
    if "floor" not in operations:
        operations.insert(0, "floor")
    var_dir = Path(args.var_dir or f"/tmp/{urlsplit(args.database_url).path.lstrip('/')}_var")  # noqa: S108
    var_dir.mkdir(parents=True, exist_ok=True)
    env = server_environment(args, var_dir)
    PHOTOS.extend(small_jpeg(n) for n in range(ITEMS))
    print(f"start: {load_average()}", flush=True)
    if args.target and args.instances:
        raise SystemExit("--target measures a deployment already running: --instances starts its own")
    topologies = [int(n) for n in args.instances.split(",")] if args.instances else []
    if not all(0 < n < 10 for n in topologies) or len(topologies) > 4:
        raise SystemExit("--instances: up to 4 numbers from 1 to 9")
    args.s3_port = args.s3_port or args.port + 50
    if not args.target:
        ensure_database(args, env)
    s3 = [start_s3(args, env, var_dir)] if args.instances else []
    results, absent, cache = [], [], {}
    try:
        django_setup(env)
        fixtures = prepare(max(levels))
        print(
            f"logins: {len(fixtures['members'])} members, {len(fixtures['staff'])} staff, "
            f"{len(fixtures['companies'])} companies",
            flush=True,
        )
        if args.target:
            processes, targets = [], {0: args.target}
        elif args.instances:
            processes, targets = start_topology(args, env, var_dir, topologies)
            print(f"topologies: {', '.join(f'{n} instance(s) at {url}' for n, url in targets.items())}", flush=True)
        else:
            processes, targets = [start_server(env, var_dir, args.port)], {0: f"http://127.0.0.1:{args.port}"}
        try:
            results = run_operations(args, operations, levels, fixtures, targets, cache, absent)
        finally:
            stop(processes)
        if topologies:
            print(served(var_dir, max(topologies)))
            print(f"objects in the S3 bucket (documents, encrypted): {bucket_objects(env):,}")
    finally:
        stop(s3)
    print_table(results, absent)
    print(f"end: {load_average()}")
    if args.audit:
        run_audit(args)


if __name__ == "__main__":
    main()
