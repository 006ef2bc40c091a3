"""Statuses of a request and the one table of the moves between them (DESIGN: explicit state machines)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class RequestStatus(models.TextChoices):
    IN_PROGRESS = "in_progress", _("In progress")
    AWAITING_RETURN = "awaiting_return", _("Awaiting your return")
    VALIDATED = "validated", _("Validated")
    REJECTED = "rejected", _("Rejected")


# Every allowed move, and only those: services refuse anything else. Validated and rejected are final.
TRANSITIONS: dict[str, frozenset[str]] = {
    RequestStatus.IN_PROGRESS: frozenset(
        {RequestStatus.AWAITING_RETURN, RequestStatus.VALIDATED, RequestStatus.REJECTED}
    ),
    RequestStatus.AWAITING_RETURN: frozenset({RequestStatus.IN_PROGRESS, RequestStatus.REJECTED}),
    RequestStatus.VALIDATED: frozenset(),
    RequestStatus.REJECTED: frozenset(),
}

OPEN_STATUSES = frozenset(status for status, targets in TRANSITIONS.items() if targets)
FINAL_STATUSES = frozenset(status for status, targets in TRANSITIONS.items() if not targets)


def can_transition(source: str, target: str) -> bool:
    return target in TRANSITIONS.get(source, frozenset())
