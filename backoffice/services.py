"""The back office's own evidence: each page that shows someone's personal data says who saw it (SPEC G4)."""

from __future__ import annotations

from collections.abc import Iterable

from django.db import models

from accounts.models import User
from audit.services import ACCESS_ACTION, record, record_access


def personal_data_viewed(
    *, actor: User, reason: str, target: models.Model | None = None, shown: Iterable[models.Model] = ()
) -> None:
    """One event per page: the object shown, or the public ids of the rows of a list page."""
    if target is not None:
        record_access(actor=actor, target=target, reason=reason, profile="staff")
        return
    ids = [str(getattr(row, "public_id", row.pk)) for row in shown]
    if ids:
        record(actor=actor, action=ACCESS_ACTION, data={"reason": reason, "shown": ids}, profile="staff")
