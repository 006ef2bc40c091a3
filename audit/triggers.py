"""Database triggers that refuse UPDATE and DELETE on the audit tables, whoever sends them.

The ORM guard only stops our own code; these stop a shell, a script or a mistaken migration too, and they are
what protects the events the sealer has not chained yet. The owner of the tables can still drop them:
``verify_chain`` reports missing or disabled triggers, and the hash chain with the anchor file outside the
database catches what was done while they were gone.

On PostgreSQL a statement trigger refuses TRUNCATE as well (migration 0004), which row triggers never see; the
application role has no TRUNCATE privilege anyway (``audit.roles``), this stops the owner's slip too.

Migrations 0002, 0003 and 0004 and the ``flush`` command run these statements: change them only together with a new
migration that replaces the installed triggers.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db import NotSupportedError
from django.db.backends.base.base import BaseDatabaseWrapper

EVENTS = "audit_auditevent"
TABLES = {EVENTS: "audit_event", "audit_auditseal": "audit_seal", "audit_auditcheckpoint": "audit_checkpoint"}
MESSAGE = "audit trail is append-only"
_VERBS = ("UPDATE", "DELETE")


def names(tables: Iterable[str] = TABLES, vendor: str = "sqlite") -> list[str]:
    rows = [f"{TABLES[table]}_no_{verb.lower()}" for table in tables for verb in _VERBS]
    return rows + ([f"{TABLES[table]}_no_truncate" for table in tables] if vendor == "postgresql" else [])


def _install(vendor: str, tables: Iterable[str]) -> list[str]:
    pairs = [(table, verb) for table in tables for verb in _VERBS]
    if vendor == "sqlite":
        return [
            f"CREATE TRIGGER {TABLES[table]}_no_{verb.lower()} BEFORE {verb} ON {table} "
            f"BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END;"
            for table, verb in pairs
        ]
    return [
        "CREATE OR REPLACE FUNCTION audit_event_append_only() RETURNS trigger LANGUAGE plpgsql AS $$ "
        f"BEGIN RAISE EXCEPTION '{MESSAGE}' USING ERRCODE = 'integrity_constraint_violation'; END; $$;",
        *(
            f"CREATE TRIGGER {TABLES[table]}_no_{verb.lower()} BEFORE {verb} ON {table} "
            "FOR EACH ROW EXECUTE FUNCTION audit_event_append_only();"
            for table, verb in pairs
        ),
    ]


def _drop(vendor: str, tables: Iterable[str]) -> list[str]:
    pairs = [(table, verb) for table in tables for verb in _VERBS]
    if vendor == "sqlite":
        return [f"DROP TRIGGER IF EXISTS {TABLES[table]}_no_{verb.lower()};" for table, verb in pairs]
    every = {table for table, _verb in pairs} == set(TABLES)
    return [
        *(f"DROP TRIGGER IF EXISTS {TABLES[table]}_no_{verb.lower()} ON {table};" for table, verb in pairs),
        *(["DROP FUNCTION IF EXISTS audit_event_append_only();"] if every else []),
    ]


def install(connection: BaseDatabaseWrapper, tables: Iterable[str] = TABLES) -> None:
    """Create the triggers; both engines report a refused write as an IntegrityError."""
    _execute(connection, _install(_vendor(connection), list(tables)))


def drop(connection: BaseDatabaseWrapper, tables: Iterable[str] = TABLES) -> None:
    _execute(connection, _drop(_vendor(connection), list(tables)))


def install_truncate(connection: BaseDatabaseWrapper, *, function: bool = True) -> None:
    """PostgreSQL only: one statement trigger per audit table refusing TRUNCATE (``function=False``: the triggers
    only, which the tables' owner may create even when the function belongs to another role)."""
    if connection.vendor != "postgresql":
        return
    create = (
        "CREATE OR REPLACE FUNCTION audit_refuse_truncate() RETURNS trigger LANGUAGE plpgsql AS $$ "
        f"BEGIN RAISE EXCEPTION '{MESSAGE}' USING ERRCODE = 'integrity_constraint_violation'; END; $$;"
    )
    _execute(
        connection,
        [
            *([create] if function else []),
            *(
                f"CREATE TRIGGER {name}_no_truncate BEFORE TRUNCATE ON {table} "
                "FOR EACH STATEMENT EXECUTE FUNCTION audit_refuse_truncate();"
                for table, name in TABLES.items()
            ),
        ],
    )


def drop_truncate(connection: BaseDatabaseWrapper, *, function: bool = True) -> None:
    if connection.vendor != "postgresql":
        return
    statements = [f"DROP TRIGGER IF EXISTS {name}_no_truncate ON {table};" for table, name in TABLES.items()]
    _execute(connection, statements + (["DROP FUNCTION IF EXISTS audit_refuse_truncate();"] if function else []))


def missing(connection: BaseDatabaseWrapper) -> list[str]:
    """The triggers that are not installed, or installed but disabled."""
    expected = names(vendor=connection.vendor)
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")
        else:
            cursor.execute("SELECT tgname FROM pg_trigger WHERE NOT tgisinternal AND tgenabled IN ('O', 'A')")
        present = {row[0] for row in cursor.fetchall()}
    return [name for name in expected if name not in present]


def _vendor(connection: BaseDatabaseWrapper) -> str:
    if connection.vendor not in ("sqlite", "postgresql"):
        raise NotSupportedError(f"No append-only triggers are written for {connection.vendor}.")
    return connection.vendor


def _execute(connection: BaseDatabaseWrapper, statements: list[str]) -> None:
    with connection.cursor() as cursor:
        for sql in statements:
            cursor.execute(sql)
