"""Fixtures shared by every app's tests."""

from contextlib import contextmanager

import pytest


@pytest.fixture(autouse=True)
def _isolated_files(settings, tmp_path):
    """Each test writes documents, mail and the audit anchors (with their key) into its own folder."""
    settings.MEDIA_ROOT = tmp_path / "files"
    settings.EMAIL_FILE_PATH = str(tmp_path / "mail")
    settings.AUDIT_ANCHOR_DIR = tmp_path / "audit-anchors"
    settings.AUDIT_ANCHOR_KEY_FILE = tmp_path / "audit-anchor.key"


# --- Rows that data migrations write ---------------------------------------------------------
#
# A transactional test (``django_db(transaction=True)``) ends with a flush that empties every table, including
# the rows a data migration wrote (the published claims-service terms). With ``-n 2 --dist loadfile`` the tests
# after it on the same worker would find them gone, so each database test starts by putting them back through
# the migration's own function (idempotent: one query when they are there).


@pytest.fixture(autouse=True)
def _migrated_rows(request):
    uses_database = {"db", "transactional_db"} & set(request.fixturenames)
    if request.node.get_closest_marker("django_db") is None and not uses_database:
        return
    request.getfixturevalue("_django_db_helper")
    from importlib import import_module

    from django.apps import apps

    import_module("claims.migrations.0002_claims_terms").publish(apps, None)


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Throttling counters and cached reads never leak from one test to the next."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.fixture(scope="session")
def chromium():
    """Debian's Chromium driven by Playwright (never a downloaded browser)."""
    import os

    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # Playwright's sync API runs an event loop
    from playwright.sync_api import expect, sync_playwright

    expect.set_options(timeout=20_000)  # a 2-core CI machine running two test workers is slow to render

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@contextmanager
def browser_contexts(chromium, base_url: str | None, locale: str):
    """``make(width=1280, *, phone=False, **options)``: a page in a fresh browser context (its own cookies and
    session) on ``base_url``, in ``locale`` (the Accept-Language the portal answers in), 900 px high; ``phone``: a
    touch screen 844 px high, as the camera input and the phone's media queries need; ``options``: more of
    Playwright's context options (a ``storage_state``). Every context made is closed at the end."""
    contexts = []

    def make(width: int = 1280, *, phone: bool = False, **options):
        context = chromium.new_context(
            base_url=base_url,
            locale=locale,
            viewport={"width": width, "height": 844 if phone else 900},
            has_touch=phone,
            is_mobile=phone,
            reduced_motion="reduce",  # no CSS transition caught half-way in a screenshot
            **options,
        )
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(15000)
        return page

    try:
        yield make
    finally:
        for context in contexts:
            context.close()


@pytest.fixture
def browser_page(chromium, live_server, settings, tmp_path):
    """A fresh French browser context on the live server; mail goes to files the test can read."""
    settings.EMAIL_BACKEND = "core.mailbackend.EmlFileBackend"
    settings.PORTAL_URL = live_server.url
    with browser_contexts(chromium, live_server.url, "fr-FR") as make:
        yield make()


def screenshot(page, name: str, *, full_page: bool = True) -> None:
    """Keep a screenshot under var/screenshots/ for a person to look at; ``full_page=False``: the window only (a
    full-page capture lays the page out again, without a phone's touch-screen media queries)."""
    from pathlib import Path

    folder = Path(__file__).resolve().parent / "var" / "screenshots"
    folder.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(folder / f"{name}.png"), full_page=full_page)


# --- The PostgreSQL suite as the portal's least-privileged role (issue 12) ------------------------------------
#
# With TEST_AS_APP_ROLE=1 on PostgreSQL, the test database is created and migrated as usual (by the superuser), then
# its tables are given to an owner role and the tests connect as the application role of ``manage.py db_roles``:
# a real login as that role, not a SET ROLE it could reset. Flushes (transactional tests) go through
# DATABASE_OWNER_URL as the portal's would. Tests that need the owner's powers (the tampering helpers) skip.


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    import os

    if not os.environ.get("TEST_AS_APP_ROLE"):
        yield
        return
    from django.conf import settings
    from django.db import connections

    from audit import roles

    with django_db_blocker.unblock():
        connection = connections["default"]
        if connection.vendor != "postgresql":
            yield
            return
        saved = dict(connection.settings_dict)
        database = saved["NAME"]
        owner, app = f"{database}_owner"[:63], f"{database}_app"[:63]
        connection.ensure_connection()
        roles.apply(connection, [*roles.statements(database=database, owner=owner, app=app), *roles.own_all(owner)])
        connection.close()
        host, port = saved["HOST"] or "127.0.0.1", saved["PORT"] or 5432
        settings.DATABASE_OWNER_URL = f"postgres://{owner}@{host}:{port}/{database}"
        connection.settings_dict["USER"] = settings.DATABASES["default"]["USER"] = app
        try:
            yield
        finally:
            connection.close()
            connection.settings_dict.update(saved)
            settings.DATABASES["default"]["USER"] = saved["USER"]
            settings.DATABASE_OWNER_URL = ""
