"""The interactive documentation at /api/docs, served from our own origin.

The site's Content-Security-Policy allows scripts from 'self' only, so Swagger UI cannot come
from a CDN; its files ship inside django-ninja and are served from there (same version as the API).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

import ninja
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.cache import cache_control
from ninja.openapi.docs import Swagger

if TYPE_CHECKING:
    from ninja import NinjaAPI

ASSETS_DIR = Path(ninja.__file__).parent / "static" / "ninja"
ASSETS = {
    "swagger-ui.css": "text/css",
    "swagger-ui-bundle.js": "text/javascript",
    "swagger-ui-init.js": "text/javascript",
}


class Docs(Swagger):
    template = "api/docs.html"

    def render_page(self, request: HttpRequest, api: NinjaAPI, **kwargs: Any) -> HttpResponse:
        settings = {**self.settings, "url": self.get_openapi_url(api, kwargs)}
        context = {"swagger_settings": json.dumps(settings), "api": api}
        return render(request, self.template, context)


@cache_control(max_age=3600, public=True)
def docs_asset(request: HttpRequest, name: str) -> FileResponse:
    """One of the few Swagger UI files, by exact name (no path ever reaches the file system)."""
    if name not in ASSETS:
        raise Http404
    return FileResponse((ASSETS_DIR / name).open("rb"), content_type=ASSETS[name])
