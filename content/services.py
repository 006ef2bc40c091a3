"""State changes of published content, each audited."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.core.cache import cache
from django.db import IntegrityError, transaction
from django.utils import timezone

from audit.services import record
from content.models import MaintenanceWindow, TermsAcceptance, TermsVersion
from content.selectors import TERMS_CACHE_KEY
from core.middleware import current_request_context


@transaction.atomic
def terms_publish(
    *,
    actor,
    version: str,
    title_fr: str,
    title_en: str,
    body_fr: str,
    body_en: str,
    published_at: datetime | None = None,
) -> TermsVersion:
    """Publish a new version of the terms: every user must accept it at next login."""
    terms = TermsVersion(
        version=version,
        title_fr=title_fr,
        title_en=title_en,
        body_fr=body_fr,
        body_en=body_en,
        published_at=published_at or timezone.now(),
        published_by=actor,
    )
    terms.full_clean()
    terms.save()
    transaction.on_commit(lambda: cache.delete(TERMS_CACHE_KEY))
    record(actor=actor, action="terms.published", target=terms, data={"version": version}, profile="staff")
    return terms


def terms_accept(*, actor, terms: TermsVersion) -> TermsAcceptance:
    """Record that ``actor`` accepted ``terms``; accepting twice keeps the first acceptance."""
    existing = TermsAcceptance.objects.filter(user=actor, terms=terms).first()
    if existing:
        return existing
    try:
        with transaction.atomic():
            acceptance = TermsAcceptance.objects.create(
                user=actor, terms=terms, accepted_at=timezone.now(), ip=current_request_context().ip
            )
            record(actor=actor, action="terms.accepted", target=terms, data={"version": terms.version})
    except IntegrityError:  # a double click accepted it concurrently
        return TermsAcceptance.objects.get(user=actor, terms=terms)
    return acceptance


@transaction.atomic
def maintenance_open(
    *,
    actor,
    feature: str,
    message_fr: str,
    message_en: str,
    starts_at: datetime | None = None,
    ends_at: datetime | None = None,
) -> MaintenanceWindow:
    window = MaintenanceWindow(
        feature=feature,
        message_fr=message_fr,
        message_en=message_en,
        starts_at=starts_at or timezone.now(),
        ends_at=ends_at,
        created_by=actor,
    )
    window.full_clean()
    window.save()
    record(actor=actor, action="maintenance.opened", target=window, data={"feature": feature}, profile="staff")
    return window


@transaction.atomic
def maintenance_close(*, actor, window: MaintenanceWindow) -> MaintenanceWindow:
    """End a closure now."""
    window.ends_at = max(timezone.now(), window.starts_at + timedelta(seconds=1))
    window.full_clean()
    window.save(update_fields=["ends_at", "updated_at"])
    record(actor=actor, action="maintenance.closed", target=window, data={"feature": window.feature}, profile="staff")
    return window
