"""Builders for the request tests."""

from __future__ import annotations

from django.utils import timezone

from demarches import services
from demarches.choices import FINAL_STATUSES
from demarches.models import Request

INFORMATION = {"topic": "Cover abroad", "question": "Am I covered in Japan?"}


def submit(profile, kind: str = "information", payload: dict | None = None, **kwargs) -> Request:
    return services.request_submit(actor=profile, kind_code=kind, payload=payload or INFORMATION, **kwargs)


def in_status(request: Request, status: str) -> Request:
    """Put a request straight into ``status`` (test set-up only: services never skip the table)."""
    closed = timezone.now() if status in FINAL_STATUSES else None
    Request.objects.filter(pk=request.pk).update(status=status, closed_at=closed)
    request.refresh_from_db()
    return request
