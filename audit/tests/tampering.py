"""What a database superuser can do behind the application's back, written once for the tests."""

from __future__ import annotations

import json
from typing import Any

from django.db import connection
from django.utils import timezone

from audit.models import GENESIS_HASH, AuditEvent


def run_sql(sql: str, params: list[Any] | None = None) -> None:
    with connection.cursor() as cursor:
        cursor.execute(sql, params or [])


def set_data(event_id: int, data: dict[str, Any]) -> None:
    run_sql("UPDATE audit_auditevent SET data = %s WHERE id = %s", [json.dumps(data), event_id])


def delete_event(event_id: int) -> None:
    run_sql("DELETE FROM audit_auditevent WHERE id = %s", [event_id])


def swap(first_id: int, second_id: int) -> None:
    run_sql("UPDATE audit_auditevent SET id = -1 WHERE id = %s", [first_id])
    run_sql("UPDATE audit_auditevent SET id = %s WHERE id = %s", [first_id, second_id])
    run_sql("UPDATE audit_auditevent SET id = %s WHERE id = -1", [second_id])


def forge(event_id: int, prev_hash: str) -> AuditEvent:
    """A row whose own hash is valid: only its place in the chain can give it away."""
    event = AuditEvent(
        id=event_id,
        occurred_at=timezone.now(),
        actor_label="system",
        action="contract.cancelled",
        data={"forged": True},
        prev_hash=prev_hash,
    )
    event.hash = event.compute_hash()
    event.save()
    return event


def move_head(event: AuditEvent) -> None:
    run_sql("UPDATE audit_auditchainhead SET last_event_id = %s, last_hash = %s", [event.id, event.hash])


def reseal_from(start_id: int) -> None:
    """Recompute every hash from ``start_id`` on and move the head: a rewrite no hash check can see."""
    previous = AuditEvent.objects.get(id=start_id - 1).hash if start_id > 1 else GENESIS_HASH
    for event in AuditEvent.objects.filter(id__gte=start_id).order_by("id"):
        event.prev_hash = previous
        event.hash = event.compute_hash()
        run_sql("UPDATE audit_auditevent SET prev_hash = %s, hash = %s WHERE id = %s", [previous, event.hash, event.id])
        previous = event.hash
    move_head(AuditEvent.objects.order_by("id").last())
