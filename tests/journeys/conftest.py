"""Browser journeys in English: a Chromium context with an en-GB locale on the live server, and the mailbox."""

from __future__ import annotations

import pytest

from conftest import browser_contexts
from tests.journeys.support import Mailbox


@pytest.fixture
def open_page(chromium, live_server, settings):
    """``open_page(width)``: a fresh English browser context at that width; mail goes to readable files."""
    settings.EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    settings.PORTAL_URL = live_server.url
    with browser_contexts(chromium, live_server.url, "en-GB") as make:
        yield make


@pytest.fixture
def mailbox(settings) -> Mailbox:
    return Mailbox(settings.EMAIL_FILE_PATH)
