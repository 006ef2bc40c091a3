"""Reads of the evidence trail."""

from __future__ import annotations

from django.db import models

from audit.models import AuditEvent, AuditEventQuerySet


def events_for_target(*, target: models.Model) -> AuditEventQuerySet:
    """The history of one object, oldest first (chain order is the order things happened)."""
    return AuditEvent.objects.for_target(target).order_by("id")
