"""What a database superuser can do behind the application's back, written once for the tests.

Each statement runs with the append-only triggers lifted and put back, as an intruder covering their tracks would.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.conf import settings
from django.db import IntegrityError, ProgrammingError, connection
from django.utils import timezone

from audit import triggers
from audit.chain import CONTENT, link, seal
from audit.models import AuditEvent, AuditSeal


def run_sql(sql: str, params: list[Any] | None = None) -> None:
    owner_powers()
    triggers.drop(connection)
    try:
        with connection.cursor() as cursor:
            cursor.execute(sql, params or [])
    finally:
        triggers.install(connection)


def owner_powers() -> None:
    """Lifting triggers needs the tables' owner: a suite run as the application role cannot, by design."""
    if settings.DATABASE_OWNER_URL:
        pytest.skip("needs the tables' owner; this run connects as the application role")


def refusal() -> tuple[type[Exception], str]:
    """What refuses an UPDATE or DELETE of the trail: the append-only trigger, or first of all the privileges when the
    suite runs as the application role."""
    if settings.DATABASE_OWNER_URL:
        return ProgrammingError, "permission denied"
    return IntegrityError, "append-only"


def set_data(event_id: int, data: dict[str, Any]) -> None:
    run_sql("UPDATE audit_auditevent SET data = %s WHERE id = %s", [json.dumps(data), event_id])


def delete_event(event_id: int) -> None:
    """The event only: its seal stays behind."""
    run_sql("DELETE FROM audit_auditevent WHERE id = %s", [event_id])


def delete_sealed(event_id: int) -> None:
    """The event and its seal."""
    delete_event(event_id)
    run_sql("DELETE FROM audit_auditseal WHERE event_id = %s", [event_id])


def swap(first_id: int, second_id: int) -> None:
    run_sql("UPDATE audit_auditevent SET id = -1 WHERE id = %s", [first_id])
    run_sql("UPDATE audit_auditevent SET id = %s WHERE id = %s", [first_id, second_id])
    run_sql("UPDATE audit_auditevent SET id = %s WHERE id = -1", [second_id])


def forge(event_id: int) -> AuditEvent:
    """An event written straight into the table at a chosen id, unsealed."""
    event = AuditEvent(
        id=event_id, occurred_at=timezone.now(), actor_label="system", action="contract.cancelled", data={"f": 1}
    )
    event.save()
    return event


def forge_sealed(event_id: int, after: int | None) -> AuditEvent:
    """An event with a seal whose hash is valid, linked to event ``after``: only its place can give it away."""
    event = forge(event_id)
    prev_hash = AuditSeal.objects.get(event_id=after).hash if after else "0" * 64
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {CONTENT[connection.vendor]} FROM audit_auditevent e WHERE e.id = %s", [event_id])  # noqa: S608
        content = cursor.fetchone()[0]
    AuditSeal(event_id=event_id, prev_event_id=after, prev_hash=prev_hash, hash=link(prev_hash, content)).save()
    return event


def truncate() -> None:
    """Empty the trail: TRUNCATE on PostgreSQL (refused by the statement triggers, lifted here), DELETE on SQLite."""
    owner_powers()
    if connection.vendor == "postgresql":
        triggers.drop_truncate(connection, function=False)
        try:
            with connection.cursor() as cursor:
                cursor.execute("TRUNCATE audit_auditevent, audit_auditseal")
        finally:
            triggers.install_truncate(connection)
        return
    run_sql("DELETE FROM audit_auditevent")
    run_sql("DELETE FROM audit_auditseal")


def reseal_from(start_id: int) -> None:
    """Throw the seals away from ``start_id`` on and seal again: a rewrite no hash check can see."""
    run_sql("DELETE FROM audit_auditseal WHERE event_id >= %s", [start_id])
    seal()
