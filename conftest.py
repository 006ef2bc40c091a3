"""Fixtures shared by every app's tests."""

import pytest


@pytest.fixture(autouse=True)
def _isolated_files(settings, tmp_path):
    """Each test writes documents, mail and the audit head into its own folder."""
    settings.MEDIA_ROOT = tmp_path / "files"
    settings.EMAIL_FILE_PATH = str(tmp_path / "mail")
    settings.AUDIT_HEAD_FILE = tmp_path / "audit-head.log"


# --- Transactional tests leave the data of the migrations behind them ---------------------------
#
# A transactional test (``django_db(transaction=True)``) ends with a flush that empties every table, including
# the rows data migrations wrote (the published claims terms, staff groups…). pytest-django runs such tests
# last, but ``-n … --dist loadfile`` runs a file's tests together, wherever that file comes: the tests after it
# on the same worker would find those rows gone. So every transactional test gets a serialized rollback (the
# migrated database is serialized once per worker, and the flush then skips post_migrate, which would recreate
# content types under new ids), and the migrated rows are put back as soon as the test is over.


def pytest_collection_modifyitems(items) -> None:
    for item in items:
        marker = item.get_closest_marker("django_db")
        if marker is not None and marker.kwargs.get("transaction") and "serialized_rollback" not in marker.kwargs:
            item.add_marker(
                pytest.mark.django_db(*marker.args, **marker.kwargs, serialized_rollback=True), append=False
            )


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_teardown(item, nextitem):
    yield  # the test's fixtures are gone: a transactional test's flush is done
    marker = item.get_closest_marker("django_db")
    if marker is None or not marker.kwargs.get("transaction") or not marker.kwargs.get("serialized_rollback"):
        return
    from django.db import connections
    from pytest_django.plugin import blocking_manager_key

    with item.config.stash[blocking_manager_key].unblock():
        for connection in connections.all(initialized_only=True):
            contents = getattr(connection, "_test_serialized_contents", None)
            if contents is not None:
                connection.creation.deserialize_db_from_string(contents)


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
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def browser_page(chromium, live_server, settings, tmp_path):
    """A fresh browser context on the live server; mail goes to files the test can read."""
    settings.EMAIL_BACKEND = "core.mailbackend.EmlFileBackend"
    settings.PORTAL_URL = live_server.url
    context = chromium.new_context(base_url=live_server.url, locale="fr-FR")  # Accept-Language: fr-FR
    page = context.new_page()
    page.set_default_timeout(15000)
    yield page
    context.close()


def screenshot(page, name: str) -> None:
    """Keep a screenshot under var/screenshots/ for a person to look at."""
    from pathlib import Path

    folder = Path(__file__).resolve().parent / "var" / "screenshots"
    folder.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(folder / f"{name}.png"), full_page=True)
