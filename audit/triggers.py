"""Database triggers that refuse UPDATE and DELETE on the audit table, whoever sends them.

The ORM guard only stops our own code; these stop a shell, a script or a mistaken
migration too. A database superuser can still drop them: the hash chain and the anchor
file outside the database are what catch that.

Migration 0002 and the ``flush`` command run these statements: change them only together
with a new migration that replaces the installed triggers.
"""

from __future__ import annotations

from django.db import NotSupportedError
from django.db.backends.base.base import BaseDatabaseWrapper

TABLE = "audit_auditevent"
TRIGGERS = ("audit_event_no_update", "audit_event_no_delete")
MESSAGE = "audit trail is append-only"

_INSTALL = {
    "sqlite": [
        f"CREATE TRIGGER {name} BEFORE {verb} ON {TABLE} BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END;"
        for name, verb in zip(TRIGGERS, ("UPDATE", "DELETE"), strict=True)
    ],
    "postgresql": [
        "CREATE OR REPLACE FUNCTION audit_event_append_only() RETURNS trigger LANGUAGE plpgsql AS $$ "
        f"BEGIN RAISE EXCEPTION '{MESSAGE}' USING ERRCODE = 'integrity_constraint_violation'; END; $$;",
        *(
            f"CREATE TRIGGER {name} BEFORE {verb} ON {TABLE} FOR EACH ROW EXECUTE FUNCTION audit_event_append_only();"
            for name, verb in zip(TRIGGERS, ("UPDATE", "DELETE"), strict=True)
        ),
    ],
}
_DROP = {
    "sqlite": [f"DROP TRIGGER IF EXISTS {name};" for name in TRIGGERS],
    "postgresql": [
        *(f"DROP TRIGGER IF EXISTS {name} ON {TABLE};" for name in TRIGGERS),
        "DROP FUNCTION IF EXISTS audit_event_append_only();",
    ],
}


def install(connection: BaseDatabaseWrapper) -> None:
    """Create the triggers; both engines report a refused write as an IntegrityError."""
    _execute(connection, _INSTALL)


def drop(connection: BaseDatabaseWrapper) -> None:
    _execute(connection, _DROP)


def _execute(connection: BaseDatabaseWrapper, statements: dict[str, list[str]]) -> None:
    if connection.vendor not in statements:
        raise NotSupportedError(f"No append-only triggers are written for {connection.vendor}.")
    with connection.cursor() as cursor:
        for sql in statements[connection.vendor]:
            cursor.execute(sql)
