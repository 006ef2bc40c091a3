"""Errors are JSON {code, message, field}, never a 500; session auth with CSRF; throttling; OpenAPI."""

import pkgutil
import re
import uuid
from importlib import import_module

import pytest
from django.test import Client
from ninja.utils import normalize_path

from accounts.tests import factories as f
from api import routers
from api.models import ApiToken
from api.tests.conftest import bearer, log_in, obtain, token_for

pytestmark = pytest.mark.django_db

SHAPE = {"code", "message", "field"}


def post_token(client, body):
    return client.post("/api/auth/token", body, content_type="application/json")


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"password": "x"}, "username"),
        ({"username": "someone"}, "password"),
        ({"username": "a" * 10_000, "password": "x"}, "username"),
        ({"username": "someone", "password": "x" * 5000}, "password"),
        ({"username": "", "password": "x"}, "username"),
        ({"username": ["a"], "password": "x"}, "username"),
        ({"username": "a", "password": "x", "profile": "not-a-uuid"}, "profile"),
        ({"username": "a", "password": "x", "expires_on": "2000-01-01"}, "expires_on"),
        ({"username": "a", "password": "x", "expires_on": "tomorrow"}, "expires_on"),
        ({"username": "a", "password": "x", "name": "n" * 81}, "name"),
        ({"username": "a", "password": "x", "is_staff": True}, "is_staff"),
    ],
)
def test_bad_token_requests_name_the_field(client, body, field):
    response = post_token(client, body)
    assert response.status_code == 422
    payload = response.json()
    assert set(payload) >= SHAPE and payload["code"] == "invalid" and payload["field"] == field
    assert field in {error["field"] for error in payload["errors"]}


@pytest.mark.parametrize("raw", ["", "not json", "[1, 2]", '{"username": ', "\x00\xff"])
def test_unreadable_bodies_get_4xx_json(client, raw):
    response = client.post("/api/auth/token", raw, content_type="application/json")
    assert 400 <= response.status_code < 500
    assert set(response.json()) >= SHAPE


def test_non_uuid_ids_and_bad_pages_name_the_field(client, family):
    secret = token_for(family["profile"])
    for url, field in [
        ("/api/contracts/not-a-uuid", "public_id"),
        ("/api/contracts/1/beneficiaries", "public_id"),
        ("/api/contracts/' OR 1=1 --", "public_id"),
        ("/api/contracts?page=0", "page"),
        ("/api/contracts?page=abc", "page"),
        ("/api/contracts?page_size=-1", "page_size"),
        (f"/api/tokens/{'9' * 40}", "public_id"),
    ]:
        response = client.get(url, **bearer(secret)) if "tokens" not in url else client.delete(url, **bearer(secret))
        assert response.status_code == 422, url
        assert response.json()["field"] == field, url


def test_unknown_paths_and_methods_answer_json(client, family):
    secret = token_for(family["profile"])
    for response, status in [
        (client.get("/api/", **bearer(secret)), 404),
        (client.get("/api/no/such/thing", **bearer(secret)), 404),
        (client.put("/api/contracts", **bearer(secret)), 405),
        (client.get("/api/docs/assets/../../settings.py"), 404),
    ]:
        assert response.status_code == status
        assert set(response.json()) == SHAPE


def test_unauthenticated_calls_get_401_json(client, family):
    for url in ["/api/me", "/api/contracts", f"/api/contracts/{family['contract'].public_id}", "/api/tokens"]:
        response = client.get(url)
        assert response.status_code == 401, url
        assert response.json()["code"] == "not_authenticated"


def test_unexpected_errors_are_json_without_a_trace(client, family, monkeypatch):
    from api.routers import me

    def broken(*, actor):
        raise RuntimeError("secret internals")

    monkeypatch.setattr(me.selectors, "api_profile_list", broken)
    response = client.get("/api/me", **bearer(token_for(family["profile"])))
    assert response.status_code == 500
    assert response.json()["code"] == "server_error"
    assert b"secret internals" not in response.content and b"Traceback" not in response.content


def test_session_auth_works_and_needs_csrf_for_unsafe_methods(family):
    browser = Client(enforce_csrf_checks=True)
    log_in(browser, family["profile"].user)
    assert browser.get("/api/contracts").json()["count"] == 1
    refused = browser.post("/api/tokens", {"name": "SPA"}, content_type="application/json")
    assert refused.status_code == 403 and refused.json()["code"] == "csrf_failed"
    assert not ApiToken.objects.exists()
    browser.get("/space/tokens/")  # any page with a form sets the CSRF cookie
    csrf = browser.cookies["om_csrftoken"].value
    created = browser.post("/api/tokens", {"name": "SPA"}, content_type="application/json", HTTP_X_CSRFTOKEN=csrf)
    assert created.status_code == 201
    assert created.json()["token"].startswith("om_")
    token = ApiToken.objects.get()
    deleted = browser.delete(f"/api/tokens/{token.public_id}")
    assert deleted.status_code == 403  # DELETE is unsafe too
    assert browser.delete(f"/api/tokens/{token.public_id}", HTTP_X_CSRFTOKEN=csrf).status_code == 204


def test_bearer_calls_need_no_csrf(family):
    browser = Client(enforce_csrf_checks=True)
    secret = token_for(family["profile"])
    assert browser.delete("/api/auth/token", **bearer(secret)).status_code == 204


def test_session_with_pending_first_login_steps_is_refused(family):
    from accounts.models import User

    User.objects.filter(pk=family["profile"].user.pk).update(email_confirmed_at=None)
    browser = Client()
    log_in(browser, family["profile"].user)
    response = browser.get("/api/contracts")
    assert response.status_code == 403 and response.json()["code"] == "onboarding_required"


def test_listing_is_throttled_per_login(client, family, settings):
    settings.API_THROTTLE_USER = "3/m"
    secret = token_for(family["profile"])
    statuses = [client.get("/api/contracts", **bearer(secret)).status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    limited = client.get("/api/contracts", **bearer(secret))
    assert limited.json()["code"] == "throttled" and int(limited["Retry-After"]) > 0
    # The session of the same login shares the budget; another login has its own.
    log_in(client, family["profile"].user)
    assert client.get("/api/contracts").status_code == 429
    other = f.profile(family["profile"].kind, family["child"].person)
    assert Client().get("/api/contracts", **bearer(token_for(other))).status_code == 200


def test_obtaining_tokens_is_throttled_per_address(client, settings):
    settings.API_THROTTLE_ANON = "2/m"
    statuses = [obtain(client, f"nobody{n}", "x").status_code for n in range(3)]
    assert statuses == [401, 401, 429]
    other_address = Client(REMOTE_ADDR="203.0.113.9")
    assert obtain(other_address, "nobody", "x").status_code == 401
    spoofed = Client(HTTP_X_FORWARDED_FOR=f"198.51.100.{uuid.uuid4().int % 250}")
    assert obtain(spoofed, "nobody", "x").status_code == 429  # a forged header is no new address


# Endpoints the API has always had: still there, whatever routers come and go.
CORE_OPERATIONS = {
    ("POST", "/api/auth/token"),
    ("DELETE", "/api/auth/token"),
    ("GET", "/api/tokens"),
    ("POST", "/api/tokens"),
    ("DELETE", "/api/tokens/{public_id}"),
    ("GET", "/api/me"),
    ("GET", "/api/contracts"),
    ("GET", "/api/contracts/{public_id}"),
    ("GET", "/api/contracts/{public_id}/beneficiaries"),
    ("GET", "/api/claims"),
    ("GET", "/api/claims/{public_id}"),
    ("GET", "/api/documents"),
    ("GET", "/api/requests"),
    ("POST", "/api/requests"),
    ("GET", "/api/requests/{public_id}"),
}


def _router_modules() -> dict[str, object]:
    """Every module of api/routers and the router it defines."""
    modules = {info.name: import_module(f"api.routers.{info.name}") for info in pkgutil.iter_modules(routers.__path__)}
    return {name: module.router for name, module in modules.items()}


def _mounted(api) -> list[tuple[str, object]]:
    """Every router django-ninja registered on the API, with its full prefix (children included)."""
    mounted, pending = [], list(api._routers)
    while pending:
        prefix, router, *_rest = pending.pop(0)
        mounted.append((prefix, router))
        pending.extend(
            ("/".join(p for p in (prefix, child) if p), grandchild, None) for child, grandchild, *_ in router._routers
        )
    return mounted


def _operations_of(router, prefix: str) -> set[tuple[str, str]]:
    """The (method, OpenAPI path) of a router's operations, spelt as in the document."""
    found = set()
    for path, view in router.path_operations.items():
        full = re.sub(r"{[^}:]+:", "{", normalize_path("/api/" + "/".join(p for p in (prefix, path) if p)))
        found |= {(method.upper(), full) for op in view.operations if op.include_in_schema for method in op.methods}
    return found


def test_openapi_document_lists_every_endpoint(client):
    from api.api import api

    response = client.get("/api/openapi.json")
    assert response.status_code == 200
    document = response.json()
    assert document["info"]["title"] == "OpenMutuelle API"
    operations = {(method.upper(), path) for path, methods in document["paths"].items() for method in methods}

    mounted = _mounted(api)
    registered = set()
    for name, router in _router_modules().items():
        prefixes = [prefix for prefix, candidate in mounted if candidate is router]
        assert prefixes, f"api/routers/{name}.py is not mounted on the API (api.add_router)"
        own = set().union(*(_operations_of(router, prefix) for prefix in prefixes))
        assert own, f"api/routers/{name}.py has no operation"
        assert own <= operations, f"operations of api/routers/{name}.py missing from the document: {own - operations}"
        registered |= own
    everything = set().union(*(_operations_of(router, prefix) for prefix, router in mounted))
    assert operations == everything, "the document and the registered operations differ"
    assert registered == everything, f"operations outside api/routers: {everything - registered}"
    assert operations >= CORE_OPERATIONS, f"core endpoints gone: {CORE_OPERATIONS - operations}"

    for method, path in sorted(operations):
        responses = document["paths"][path][method.lower()].get("responses", {})
        successes = {int(code): spec for code, spec in responses.items() if 200 <= int(code) < 300}
        assert successes, f"{method} {path} documents no success response"
        for code, spec in responses.items():
            if int(code) == 204:
                continue
            content = spec.get("content", {})
            assert content, f"{method} {path}: the {code} response has no content type"
            assert all("schema" in media for media in content.values()), f"{method} {path}: {code} has no schema"

    schemes = document["components"]["securitySchemes"]
    assert {scheme["type"] for scheme in schemes.values()} == {"http", "apiKey"}
    text = response.content.decode()
    assert '"pk"' not in text and "secret_hash" not in text and "password_fingerprint" not in text


def test_docs_page_uses_local_assets(client):
    page = client.get("/api/docs")
    assert page.status_code == 200
    html = page.content.decode()
    assert "cdn" not in html and "/api/docs/assets/swagger-ui-bundle.js" in html
    asset = client.get("/api/docs/assets/swagger-ui-bundle.js")
    assert asset.status_code == 200 and asset["Content-Type"].startswith("text/javascript")
