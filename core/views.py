"""Public pages shared by every profile: landing, legal pages, health, error pages."""

import sys

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from core.health import run_checks
from core.middleware import OUTAGE_ERRORS, service_unavailable


def home(request: HttpRequest) -> HttpResponse:
    return render(request, "core/home.html")


def legal_page(request: HttpRequest, page: str) -> HttpResponse:
    from content.selectors import terms_current

    terms = terms_current() if page == "terms" else None
    return render(request, f"core/legal/{page}.html", {"page": page, "terms": terms})


@require_GET
@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    checks = run_checks()
    healthy = all(check["ok"] for check in checks.values())
    return JsonResponse({"status": "ok" if healthy else "degraded", "checks": checks}, status=200 if healthy else 503)


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "400.html", status=400)


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "403.html", status=403)


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "404.html", status=404)


def server_error(request: HttpRequest) -> HttpResponse:
    if isinstance(sys.exc_info()[1], OUTAGE_ERRORS):  # raised by a middleware: the database is down
        return service_unavailable(request)
    return render(request, "500.html", status=500)
