"""Audience statistics without identifying anyone (SPEC G5, CNIL's exemption for audience measurement).

A page view adds one to a counter named by the day and the page's URL pattern name (``claims:detail``, never the
path, which could hold an id). Nothing else is read from the request: no cookie is set or read, no address, no
login, no referrer. Counters live in the cache (one increment, no database write on the page's way out) and are
added to ``PageViewCount`` by ``flush`` (the statistics page and ``manage.py audience_flush`` call it).
"""

from __future__ import annotations

from datetime import date, timedelta

from django.core.cache import cache
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from privacy.models import PageViewCount

KEEP_SECONDS = 3 * 24 * 3600
FLUSHED_DAYS = 3
SKIPPED_PREFIXES = ("api", "admin", "djdt")


def _key(day: date, route: str) -> str:
    return f"privacy:audience:{day.isoformat()}:{route}"


def _index_key(day: date) -> str:
    return f"privacy:audience:{day.isoformat()}:routes"


def route_name(match) -> str:
    """ "namespace:name" of the pattern that served the page; "" for what is not counted."""
    if match is None or not match.url_name:
        return ""
    route = match.view_name
    if route.split(":")[0] in SKIPPED_PREFIXES or match.route.startswith(SKIPPED_PREFIXES):
        return ""
    return route[:120]


def count(route: str, *, day: date | None = None) -> None:
    """One increment on the way out; the day's list of routes is touched only by a route's first view of the day."""
    day = day or timezone.localdate()
    key = _key(day, route)
    try:
        cache.incr(key)
        return
    except ValueError:  # the route's first view of the day (or its counter expired)
        pass
    if not cache.add(key, 1, KEEP_SECONDS):  # another process created it meanwhile
        cache.incr(key)
        return
    routes = cache.get(_index_key(day)) or []
    if route not in routes:
        cache.set(_index_key(day), [*routes, route], KEEP_SECONDS)


def flush(*, today: date | None = None) -> int:
    """Move the counters of the last days from the cache to the table; returns the views moved."""
    today = today or timezone.localdate()
    moved = 0
    for offset in range(FLUSHED_DAYS):
        day = today - timedelta(days=offset)
        for route in cache.get(_index_key(day)) or []:
            views = cache.get(_key(day, route)) or 0
            if views <= 0:
                continue
            with transaction.atomic():
                row, _created = PageViewCount.objects.select_for_update().get_or_create(day=day, route=route)
                PageViewCount.objects.filter(pk=row.pk).update(views=F("views") + views)
            cache.decr(_key(day, route), views)
            moved += views
    return moved


class AudienceMiddleware:
    """Counts successful page views by pattern name; reads nothing that identifies the visitor."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if request.method == "GET" and response.status_code < 400:
            route = route_name(getattr(request, "resolver_match", None))
            if route:
                count(route)
        return response
