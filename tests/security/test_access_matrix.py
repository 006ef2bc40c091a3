"""Object-level access matrix (SECURITY.md "Object-level access", ASVS V8.2.2, V8.4.1; field-level V8.2.3).

Every URL of Django's resolver and every path of the OpenAPI document that names an object
is tried as every actor (core.testing.objects.ACTORS) × {own, other, nonexistent}:

- "other" (someone else's object) and "nonexistent" get the same refusal — 404; the login
  page for an anonymous visitor of a web page; 401 for an anonymous API caller — the same
  page once the object's id is blanked out, without the object's data, and change nothing;
- "own" is opened (2xx/3xx) where the declaration says the actor is entitled, and is
  refused exactly like "nonexistent" everywhere else.

The URLs come from the resolver and the OpenAPI document at collection time, and the
objects from the declarations of ``<app>/tests/objects.py`` (and ``objects_existing.py``):
a URL that names an object and is not declared fails ``test_every_url_naming_an_object_is_declared``.
"""

from __future__ import annotations

import html
import json
import re
from dataclasses import dataclass
from urllib.parse import quote, urlsplit

import pytest
from django.conf import settings
from django.db import transaction
from django.shortcuts import resolve_url
from django.test.client import BOUNDARY, MULTIPART_CONTENT, encode_multipart

from api.api import api
from audit.models import AuditEvent
from core.testing import objects as registry
from core.testing.objects import ACTORS, Actor, Entry, Route, Target
from tests.security import world as world_builder
from tests.security.downloads import assert_protected_if_download

registry.discover(extra=["tests.security.objects_existing"])
SCHEMA = api.get_openapi_schema()
API_ROUTES = registry.api_routes(SCHEMA)
WEB_ROUTES = registry.web_routes(api_paths=SCHEMA["paths"])
ROUTES = [*WEB_ROUTES, *API_ROUTES]
UNSAFE = {"POST", "PUT", "PATCH", "DELETE"}
LOGIN = "login page"


# --- The cases ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Case:
    route: Route
    entry: Entry
    method: str
    actor: Actor
    variant: str

    @property
    def id(self) -> str:
        method = "" if self.method == "GET" else f"{self.method} "
        return f"{self.actor.name}|{method}{self.route.path}|{self.variant}"


def _methods(route: Route, entry: Entry) -> tuple[str, ...]:
    if route.api:
        return tuple(m for m in route.methods if entry.methods is None or m in entry.methods)
    return entry.methods or ("GET",)


def _cases() -> list[Case]:
    cases = []
    for route in ROUTES:
        entry = registry.REGISTRY.get(route.key)
        if entry is None:
            continue
        for method in _methods(route, entry):
            for actor in ACTORS:
                for variant in ("nonexistent", "own", "other"):  # the nonexistent answer first: see _reference
                    if variant == "own" and not entry.owners(actor):
                        continue
                    if variant == "other" and entry.sees_all(actor):
                        continue
                    cases.append(Case(route, entry, method, actor, variant))
    return cases


CASES = _cases()
# Two halves by actor, each run from its own file so that two test workers (``--dist loadfile``) share the matrix;
# an actor's cases stay together, so the "other" cases reuse the "nonexistent" answer of the same process.
_FIRST_HALF = {actor.name for actor in ACTORS[::2]}
FIRST_HALF = [case for case in CASES if case.actor.name in _FIRST_HALF]
SECOND_HALF = [case for case in CASES if case.actor.name not in _FIRST_HALF]


# --- The world, built once for the module ----------------------------------------------------------


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    """One logged-in session per actor; rolled back with everything else when the module ends.

    Each case runs in a savepoint inside this transaction (pytest-django's ``django_db``), so
    what a case builds or changes is gone before the next one.
    """
    with django_db_blocker.unblock(), transaction.atomic():
        yield world_builder.build()
        transaction.set_rollback(True)


# --- Requests and answers --------------------------------------------------------------------------


def _request(session: world_builder.Session, route: Route, method: str, url: str, body: dict):
    for client in (session.web, session.api):  # the sessions live for the module: no message of a former case
        client.cookies.pop("messages", None)
    if route.api:
        headers = session.api_headers
        if method in UNSAFE and body:
            if _api_body_type(route, method) == MULTIPART_CONTENT:  # ninja Form/File parameters: not JSON
                payload = encode_multipart(BOUNDARY, body)
                return session.api.generic(method, url, payload, content_type=MULTIPART_CONTENT, headers=headers)
            return session.api.generic(method, url, json.dumps(body), content_type="application/json", headers=headers)
        return session.api.generic(method, url, headers=headers)
    if method == "GET":
        return session.web.get(url)
    if method == "POST":
        return session.web.post(url, body)
    return session.web.generic(method, url, json.dumps(body), content_type="application/json")


def _api_body_type(route: Route, method: str) -> str:
    """The body type the OpenAPI document declares for the operation: multipart for form fields and files."""
    content = SCHEMA["paths"][route.key].get(method.lower(), {}).get("requestBody", {}).get("content", {})
    return MULTIPART_CONTENT if "multipart/form-data" in content else "application/json"


def _outcome(response) -> int | str:
    """The status, or LOGIN for a redirection to the login page."""
    if response.status_code in (301, 302, 303, 307, 308):
        location = urlsplit(response["Location"]).path
        if location == resolve_url(settings.LOGIN_URL):
            return LOGIN
    return response.status_code


def _refusals(route: Route, actor: Actor) -> set[int | str]:
    """How a refused request must be answered: the same for a forbidden and a missing object."""
    if actor.kind is None:
        return {401} if route.api else {LOGIN, 404}  # 404: a public page naming an object that is not public
    return {404}


def _text(response, *kwargs_sets) -> str:
    """The answer (redirect target and body) with the object ids and per-response tokens blanked out."""
    text = response.get("Location", "") + "\n" + response.content.decode(errors="replace")
    for kwargs in kwargs_sets:
        for name, value in kwargs.items():
            for form in {str(value), quote(str(value), safe=""), quote(str(value))}:
                text = text.replace(form, f"<{name}>")
    text = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', 'name="csrfmiddlewaretoken"', text)
    return text


def _shows(response, target: Target) -> list[str]:
    body = response.get("Location", "") + response.content.decode(errors="replace")
    return [text for text in target.reveals if text in body or html.escape(text) in body]


def _events() -> int:
    return AuditEvent.objects.count()


# --- The matrix --------------------------------------------------------------------------------------


def test_every_url_naming_an_object_is_declared():
    missing = registry.undeclared(ROUTES)
    lines = [f"  {route.key}  ({route.path}, parameters {dict(route.params)})" for route in missing]
    assert not missing, (
        "These URLs name an object but are in no declaration of the access matrix: declare them in "
        "<app>/tests/objects.py with core.testing.objects.register(…), or exempt(…, reason=…) a parameter that "
        "names no object:\n" + "\n".join(lines)
    )


def test_no_declaration_names_a_url_that_is_gone():
    gone = registry.stale(ROUTES)
    assert not gone, f"declared or exempted, but no such URL name or API path any more: {gone}"


def test_declared_api_methods_exist():
    for route in API_ROUTES:
        entry = registry.REGISTRY.get(route.key)
        if entry is not None and entry.methods is not None:
            unknown = set(entry.methods) - set(route.methods)
            assert not unknown, f"{route.key}: the OpenAPI document has no {sorted(unknown)} operation"


def test_the_matrix_covers_every_actor_and_variant():
    assert CASES, "no case: the declarations were not found"
    assert {case.actor.name for case in CASES} == {actor.name for actor in ACTORS}
    assert {case.variant for case in CASES} == {"own", "other", "nonexistent"}


# The answer to a nonexistent id, per actor, URL, method and body: the cases about someone else's object
# compare with it. Kept from the "nonexistent" case (collected first) to spare a request; asked again when
# that case did not run (-k, another worker).
_REFERENCES: dict[tuple, tuple[int | str, str]] = {}


def _reference(session, route: Route, method: str, missing: Target, body: dict) -> tuple[int | str, str]:
    key = (session.actor.name, route.key, method, json.dumps(body, sort_keys=True, default=str))
    if key not in _REFERENCES:
        response = _request(session, route, method, route.url(missing.kwargs), body)
        _REFERENCES[key] = (_outcome(response), _text(response, missing.kwargs))
    return _REFERENCES[key]


@pytest.mark.django_db
@pytest.mark.parametrize("case", FIRST_HALF, ids=[case.id for case in FIRST_HALF])
def test_object_access(case: Case, world):
    """Half of the actors; the other half runs from test_access_matrix_second_half.py."""
    check_case(case, world)


def check_case(case: Case, world) -> None:
    session = world[case.actor.name]
    route, entry, actor = case.route, case.entry, case.actor
    refusals = _refusals(route, actor)
    missing = Target(route.missing_kwargs(entry.missing))

    if case.variant == "nonexistent":
        body = entry.body(session.profile, missing)
        _REFERENCES.pop((actor.name, route.key, case.method, json.dumps(body, sort_keys=True, default=str)), None)
        outcome, _page = _reference(session, route, case.method, missing, body)
        assert outcome in refusals, f"a nonexistent object answered {outcome}"
        return

    target = entry.build(case.variant, session.profile)
    body = entry.body(session.profile, target)
    if case.variant == "own" and entry.allowed(actor):
        response = _request(session, route, case.method, route.url(target.kwargs), body)
        outcome = _outcome(response)
        assert outcome != LOGIN and response.status_code < 400, f"{actor} may open its own object: got {outcome}"
        assert_protected_if_download(response)
        return

    events = _events()
    response = _request(session, route, case.method, route.url(target.kwargs), body)
    outcome = _outcome(response)
    assert outcome in refusals, f"expected a refusal {refusals}, got {response.status_code} (unexpected access)"
    assert not _shows(response, target), f"the refusal shows the object's data: {_shows(response, target)}"
    assert _events() == events, "a refused request changed something (new audit events)"
    reference_outcome, reference_page = _reference(session, route, case.method, missing, body)
    assert outcome == reference_outcome, "someone else's object and a nonexistent one are answered differently"
    assert _text(response, target.kwargs) == reference_page, (
        "someone else's object and a nonexistent one get different pages"
    )


# --- Field-level access (V8.2.3) -------------------------------------------------------------------

# Names of health data: a company, an agent or a professional never receives a field so named.
HEALTH_WORDS = {
    "claim",
    "claims",
    "care",
    "cares",
    "document",
    "documents",
    "diagnosis",
    "diagnoses",
    "prescription",
    "prescriptions",
    "pathology",
    "pathologies",
    "treatment",
    "treatments",
    "medical",
    "medication",
    "medications",
    "reimbursement",
    "reimbursements",
}
# Names that contain one of those words but carry no health data, each with the reason.
NOT_HEALTH = {
    "max_documents_per_item": "a setting of the claim form (how many files per care item), the same for everyone",
    "required_documents": "the supporting documents a care category asks for: reference text, nobody's data",
}
NON_HEALTH_ACTORS = ("company", "other_company", "agent", "agent_unmandated", "professional")


def _words(name: str) -> set[str]:
    spaced = re.sub(r"([a-z0-9])([A-Z])", r"\1 \2", name)
    return {word.lower() for word in re.split(r"[^A-Za-z0-9]+", spaced) if word}


def _schema_names(schema, seen: set[str] | None = None) -> set[str]:
    """Every property name and schema name reachable from ``schema`` in the OpenAPI document."""
    seen = set() if seen is None else seen
    names: set[str] = set()
    if isinstance(schema, dict):
        ref = schema.get("$ref")
        if ref:
            component = ref.rsplit("/", 1)[-1]
            if component not in seen:
                seen.add(component)
                names.add(component)
                names |= _schema_names(SCHEMA["components"]["schemas"][component], seen)
        for key, value in schema.items():
            if key == "properties" and isinstance(value, dict):
                names |= set(value)
            if isinstance(value, dict | list):
                names |= _schema_names(value, seen)
    elif isinstance(schema, list):
        for item in schema:
            names |= _schema_names(item, seen)
    return names


def _json_keys(data) -> set[str]:
    if isinstance(data, dict):
        return set(data) | {key for value in data.values() for key in _json_keys(value)}
    if isinstance(data, list):
        return {key for item in data for key in _json_keys(item)}
    return set()


def _health(names) -> list[str]:
    return sorted(name for name in names if _words(name) & HEALTH_WORDS and name not in NOT_HEALTH)


def _carries_data(data) -> bool:
    """Whether an answer holds records: an empty list or an empty page shows no field at all."""
    if isinstance(data, dict) and isinstance(data.get("items"), list):
        return bool(data["items"])
    if isinstance(data, list):
        return bool(data)
    return data is not None


@pytest.mark.django_db
@pytest.mark.parametrize("actor_name", NON_HEALTH_ACTORS)
def test_company_agent_and_professional_api_answers_carry_no_health_field(actor_name, world):
    """Every GET operation these profiles can reach: the JSON it sends and, when it sends records, the whole
    response schema of the OpenAPI document (every field such a record may carry)."""
    session = world[actor_name]
    actor = session.actor
    reached = []
    for path, operations in SCHEMA["paths"].items():
        operation = operations.get("get")
        if operation is None:
            continue
        route = next((r for r in API_ROUTES if r.key == path), None)
        url = path
        if route is not None:
            entry = registry.REGISTRY.get(path)
            if entry is None or not entry.owners(actor):
                continue
            url = route.url(entry.build("own", session.profile).kwargs)
        response = session.api.get(url, headers=session.api_headers)
        if response.status_code >= 300:
            continue
        reached.append(path)
        data = response.json() if response.get("Content-Type", "").startswith("application/json") else None
        sent = _health(_json_keys(data))
        assert not sent, f"{actor} got health fields {sent} from {path}"
        if _carries_data(data):
            schemas = [spec for code, spec in operation.get("responses", {}).items() if str(code).startswith("2")]
            declared = _health(_schema_names(schemas))
            assert not declared, f"{actor} gets records from {path}, whose schema has health fields {declared}"
    assert reached, f"{actor} reached no API operation: the check proved nothing"
