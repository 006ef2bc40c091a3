"""Browser journeys in English: a Chromium context with an en-GB locale on the live server, and the mailbox."""

from __future__ import annotations

import pytest

from tests.journeys.support import Mailbox


@pytest.fixture
def open_page(chromium, live_server, settings):
    """``open_page(width)``: a fresh English browser context at that width; mail goes to readable files."""
    settings.EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    settings.PORTAL_URL = live_server.url
    contexts = []

    def make(width: int = 1280):
        context = chromium.new_context(
            base_url=live_server.url,
            locale="en-GB",
            viewport={"width": width, "height": 900},
            reduced_motion="reduce",  # no CSS transition caught half-way in a screenshot
        )
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(15000)
        return page

    yield make
    for context in contexts:
        context.close()


@pytest.fixture
def mailbox(settings) -> Mailbox:
    return Mailbox(settings.EMAIL_FILE_PATH)
