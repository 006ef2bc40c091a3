"""What the evidence pages write (SPEC B6, G4): each staff read of personal data and each export of the trail is
itself an event of the trail; the evidence extract carries the SHA-256 of what it lists, recorded when it is made."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Iterator

from django.db import models, transaction
from django.db.models import QuerySet

from accounts.models import User
from audit.models import AuditEvent
from audit.services import ACCESS_ACTION, VerificationResult, record, verify_chain

CSV_LIMIT = 10_000
PDF_LIMIT = 200
EVIDENCE_COLUMNS = [
    "id",
    "occurred_at",
    "actor_id",
    "actor_label",
    "profile",
    "action",
    "target_type",
    "target_id",
    "data",
    "ip",
    "user_agent",
    "prev_hash",
    "hash",
]


def staff_read(*, actor: User, reason: str, shown: Iterable[models.Model] = (), target: models.Model | None = None):
    """One event per page of personal data, as the other back-office pages write it."""
    ids = [str(getattr(row, "public_id", row.pk)) for row in shown]
    with transaction.atomic():
        if target is not None:
            record(actor=actor, action=ACCESS_ACTION, target=target, data={"reason": reason}, profile="staff")
        elif ids:
            record(actor=actor, action=ACCESS_ACTION, data={"reason": reason, "shown": ids}, profile="staff")


def event_row(event: AuditEvent) -> list[str]:
    return [
        str(event.id),
        event.occurred_at.isoformat(),
        "" if event.actor_id is None else str(event.actor_id),
        event.actor_label,
        event.profile,
        event.action,
        event.target_type,
        event.target_id,
        json.dumps(event.data, sort_keys=True, ensure_ascii=False),
        event.ip or "",
        event.user_agent,
        event.prev_hash,
        event.hash,
    ]


def pinned(events: QuerySet[AuditEvent], limit: int) -> tuple[QuerySet[AuditEvent], list[tuple[int, str]]]:
    """The first ``limit`` events of the selection (newest first), pinned to the ids they have now so that events
    recorded while the file streams (its own export event, say) do not slip in; with their (id, hash) pairs."""
    pairs = list(events.values_list("id", "hash")[:limit])
    if not pairs:
        return events.none(), pairs
    return events.filter(id__gte=pairs[-1][0], id__lte=pairs[0][0]), pairs


def batches(events: QuerySet[AuditEvent], size: int = 500) -> Iterator[list[AuditEvent]]:
    """The events read from the database ``size`` at a time (never the whole selection in memory)."""
    batch: list[AuditEvent] = []
    for event in events.iterator(chunk_size=size):
        batch.append(event)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


def selection_digest(pairs: Iterable[tuple[int, str]]) -> str:
    """SHA-256 over the (id, hash) of the events listed, in chain order: it names this exact selection."""
    digest = hashlib.sha256()
    for event_id, event_hash in sorted(pairs):
        digest.update(f"{event_id}:{event_hash}\n".encode())
    return digest.hexdigest()


def export_recorded(*, actor: User, kind: str, count: int, filters: dict, digest: str = "") -> None:
    with transaction.atomic():
        record(
            actor=actor,
            action=f"audit.{kind}_exported",
            data={"count": count, "filters": filters, "sha256": digest},
            profile="staff",
        )


def trail_verify(*, actor: User) -> VerificationResult:
    """The same verification as ``manage.py verify_audit``; the check itself is recorded after it."""
    result = verify_chain()
    with transaction.atomic():
        record(
            actor=actor,
            action="audit.verified",
            data={"ok": result.ok, "checked": result.checked, "first_bad_id": result.first_bad_id},
            profile="staff",
        )
    return result
