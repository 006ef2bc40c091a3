"""PDF documents rendered from HTML templates with WeasyPrint (SPEC X4).

A document template extends ``documents/pdf/base.html`` (A4, the insurer's identity, page
numbers, the "indicative" notice and a reference). Rendering reads nothing but the project's
static files: the fetcher refuses any other file and any network address, so a template (or a
value placed in one) can never make the server read a private file or call another host.
"""

from __future__ import annotations

import functools
import mimetypes
from datetime import date
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit
from urllib.request import url2pathname
from zoneinfo import ZoneInfo

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone, translation

PARIS = ZoneInfo("Europe/Paris")


class ForbiddenResourceError(ValueError):
    """A PDF template asked for something other than a project static file."""


def paris_today() -> date:
    """The date of issue: documents are dated in French time whatever the server's zone."""
    return timezone.localdate(timezone=PARIS)


def static_roots() -> list[Path]:
    """The project's static folders (``STATICFILES_DIRS``, with or without a prefix)."""
    return [Path(entry[1] if isinstance(entry, tuple) else entry).resolve() for entry in settings.STATICFILES_DIRS]


@functools.cache
def _fetcher_class() -> type:
    """WeasyPrint is imported on first use, not when Django starts: it costs every process (web worker, task worker,
    each ``manage.py`` command) one to three seconds, and most never render a PDF."""
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class StaticFilesFetcher(URLFetcher):
        """Serves ``file:`` URLs inside the static folders and inline ``data:`` URLs; refuses the rest."""

        def fetch(self, url: str, headers: dict[str, str] | None = None) -> URLFetcherResponse:
            if url.startswith("data:"):  # inline content: nothing is read or fetched
                return super().fetch(url, headers)
            path = self.static_path(url)
            content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
            return URLFetcherResponse(url, body=path.read_bytes(), headers={"Content-Type": content_type})

        @staticmethod
        def static_path(url: str) -> Path:
            parts = urlsplit(url)
            if parts.scheme != "file" or parts.netloc not in {"", "localhost"}:
                raise ForbiddenResourceError(f"PDF templates may only use static files, not {url!r}.")
            path = Path(url2pathname(parts.path)).resolve()
            if not path.is_file() or not any(path.is_relative_to(root) for root in static_roots()):
                raise ForbiddenResourceError(f"{url!r} is not a file of the static folders.")
            return path

    return StaticFilesFetcher


def __getattr__(name: str) -> Any:
    if name == "StaticFilesFetcher":  # built on first use (see _fetcher_class)
        return _fetcher_class()
    raise AttributeError(name)


def render_pdf(template_name: str, context: dict[str, Any], *, language: str) -> bytes:
    """Render a document template to PDF bytes in the reader's language.

    ``insurer`` is always the deployment's; ``issued_on`` defaults to today in Paris (a caller
    may pass it to print the same date in a reference).
    """
    from weasyprint import HTML

    with translation.override(language):
        html = render_to_string(template_name, {"issued_on": paris_today(), **context, "insurer": settings.INSURER})
        document = HTML(string=html, base_url=static_roots()[0].as_uri() + "/", url_fetcher=_fetcher_class()())
        return document.write_pdf()
