"""What the evidence pages write (SPEC B6, G4): each staff read of personal data and each export of the trail is
itself an event of the trail; the evidence extract carries the SHA-256 of what it lists, recorded when it is made."""

from __future__ import annotations

import csv
import hashlib
import io
import json
from collections.abc import Iterable

from django.db import models, transaction

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


def csv_bytes(header: list[str], rows: Iterable[list[str]]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header)
    for row in rows:
        writer.writerow([_safe_cell(cell) for cell in row])
    return ("\ufeff" + buffer.getvalue()).encode()


def _safe_cell(value: str) -> str:
    """A cell a spreadsheet would run as a formula gets a leading quote (CSV injection)."""
    text = str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def selection_digest(events: list[AuditEvent]) -> str:
    """SHA-256 over the hashes of the events listed, in chain order: it names this exact selection."""
    digest = hashlib.sha256()
    for event in sorted(events, key=lambda item: item.id):
        digest.update(f"{event.id}:{event.hash}\n".encode())
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
