"""Public pages shared by every profile: landing, legal pages, health, error pages."""

import sys

from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from core import throttling
from core.health import HEALTHZ_PER_MINUTE, run_checks, token_matches
from core.middleware import OUTAGE_ERRORS, client_ip, service_unavailable


def home(request: HttpRequest) -> HttpResponse:
    return render(request, "core/home.html")


def legal_page(request: HttpRequest, page: str) -> HttpResponse:
    from content.selectors import terms_current

    terms = terms_current() if page == "terms" else None
    return render(request, f"core/legal/{page}.html", {"page": page, "terms": terms})


@require_GET
@never_cache
def healthz(request: HttpRequest) -> HttpResponse:
    """Public liveness: the process answers. No detail, no query, nothing written."""
    return HttpResponse("ok", content_type="text/plain; charset=utf-8")


@require_GET
@never_cache
def healthz_details(request: HttpRequest) -> JsonResponse:
    """For monitoring only: every check of ``core.health.CHECKS``, behind ``HEALTHZ_TOKEN`` (Bearer), throttled.
    Without a token configured, or with a wrong one, the page does not exist."""
    if not throttling.hit("healthz", client_ip(request) or "unknown", limit=HEALTHZ_PER_MINUTE, window=60):
        return JsonResponse({"status": "throttled"}, status=429)
    if not token_matches(request):
        raise Http404
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
