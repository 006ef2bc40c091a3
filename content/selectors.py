"""Reads of published content."""

from __future__ import annotations

from django.core.cache import cache
from django.db.models import Q, QuerySet
from django.utils import timezone

from content.models import MaintenanceWindow, TermsAcceptance, TermsVersion


def terms_current() -> TermsVersion | None:
    """The version in force: the latest one already published."""
    return TermsVersion.objects.filter(published_at__lte=timezone.now()).order_by("-published_at").first()


TERMS_CACHE_KEY = "terms:current-id"


def terms_current_id() -> int | None:
    """The id of the terms in force, cached briefly: every request of a logged-in user reads it."""
    terms_id = cache.get(TERMS_CACHE_KEY)
    if terms_id is None:
        terms = terms_current()
        terms_id = terms.pk if terms else 0
        cache.set(TERMS_CACHE_KEY, terms_id, 30)
    return terms_id or None


def terms_accepted(*, user, terms: TermsVersion | None) -> bool:
    return terms is None or TermsAcceptance.objects.filter(user=user, terms=terms).exists()


def maintenance_active(*, feature: str | None = None) -> QuerySet[MaintenanceWindow]:
    """Closures in force now: of the whole site, plus of ``feature`` when one is named."""
    now = timezone.now()
    features = ["site"] if feature is None else ["site", feature]
    return MaintenanceWindow.objects.filter(
        Q(ends_at__isnull=True) | Q(ends_at__gt=now), feature__in=features, starts_at__lte=now
    ).order_by("starts_at")
