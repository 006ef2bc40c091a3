"""Least-privileged PostgreSQL roles (issue 12): who may do what to the tables, the audit trail above all.

Three roles:

- the **owner** runs the migrations and owns every table. It can still alter the tables and drop the triggers:
  only migrations and the operators use it, never a running portal.
- the **app** role is what the portal connects as: SELECT, INSERT, UPDATE, DELETE on the business tables, but on
  the audit tables only SELECT and INSERT. It owns nothing, so it can neither TRUNCATE nor ALTER a table nor disable
  or drop a trigger; UPDATE and DELETE of events are refused by the privileges before the triggers even run.
- the optional **sealer** role runs ``audit_seal --loop`` and ``verify_audit``: it reads the events and may only
  INSERT seals and checkpoints. Without a sealer role the app role receives that INSERT itself (one role for the
  web and the sealer). Separating them adds little inside the database (a forged seal breaks the chain and is
  reported, it hides nothing) but lets the sealer run as another system user, the only one that can read the
  anchor signing key.

Default privileges make every table a later migration creates (as the owner) usable by the app role; a new
audit table needs ``db_roles`` to be run again, which is idempotent.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import dj_database_url
from django.conf import settings
from django.db.backends.base.base import BaseDatabaseWrapper
from psycopg import sql

AUDIT_TABLES = ("audit_auditevent", "audit_auditseal", "audit_auditcheckpoint")
SEALED_TABLES = ("audit_auditseal", "audit_auditcheckpoint")
_LOCKED = "NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS"


def statements(
    *,
    database: str,
    owner: str,
    app: str,
    sealer: str | None = None,
    reassign_from: str | None = None,
    before_restore: bool = False,
) -> list[sql.Composed]:
    """The SQL, in order; every statement can be run again. ``before_restore``: the roles, the database's and the
    schema's rights and the owner's default privileges only, nothing on a table or function (an empty database a
    backup is about to be restored into as the owner, which restores the function itself)."""
    owner_id, app_id = sql.Identifier(owner), sql.Identifier(app)
    readers = [app_id] + ([sql.Identifier(sealer)] if sealer else [])
    readers_sql = sql.SQL(", ").join(readers)
    inserter = sql.Identifier(sealer) if sealer else app_id
    audit = sql.SQL(", ").join(sql.Identifier(table) for table in AUDIT_TABLES)
    sealed = sql.SQL(", ").join(sql.Identifier(table) for table in SEALED_TABLES)
    out = [_create_role(owner, "NOSUPERUSER NOCREATEROLE NOREPLICATION NOBYPASSRLS")]
    out += [_create_role(role, _LOCKED) for role in (app, sealer) if role]
    if reassign_from:
        out.append(sql.SQL("REASSIGN OWNED BY {} TO {}").format(sql.Identifier(reassign_from), owner_id))
    out += [
        sql.SQL("REVOKE ALL ON DATABASE {} FROM PUBLIC").format(sql.Identifier(database)),
        sql.SQL("GRANT CONNECT, TEMPORARY ON DATABASE {} TO {}, {}").format(
            sql.Identifier(database), owner_id, readers_sql
        ),
        sql.SQL("REVOKE CREATE ON SCHEMA public FROM PUBLIC"),
        sql.SQL("GRANT USAGE, CREATE ON SCHEMA public TO {}").format(owner_id),
        sql.SQL("GRANT USAGE ON SCHEMA public TO {}").format(readers_sql),
        # Business tables, present and future (created by the owner's migrations).
        sql.SQL("GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {}").format(app_id),
        sql.SQL("GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {}").format(app_id),
        sql.SQL(
            "ALTER DEFAULT PRIVILEGES FOR ROLE {} IN SCHEMA public GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO {}"
        ).format(owner_id, app_id),
        sql.SQL("ALTER DEFAULT PRIVILEGES FOR ROLE {} IN SCHEMA public GRANT USAGE, SELECT ON SEQUENCES TO {}").format(
            owner_id, app_id
        ),
    ]
    if before_restore:
        return out
    out += [
        # Yearly reference sequences (core.sequences) are created on demand: through the owner's function.
        sql.SQL(
            "CREATE OR REPLACE FUNCTION create_yearly_sequence(name text, start bigint) RETURNS void "
            "LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $fn$ BEGIN "
            "IF name !~ '^[a-z_][a-z0-9_]{0,55}_[0-9]{4}$' THEN RAISE EXCEPTION 'not a yearly sequence: %', name; "
            "END IF; EXECUTE format('CREATE SEQUENCE IF NOT EXISTS public.%I START WITH %s', name, "
            "greatest(start, 1)); END $fn$"
        ),
        sql.SQL("ALTER FUNCTION create_yearly_sequence(text, bigint) OWNER TO {}").format(owner_id),
        sql.SQL("REVOKE ALL ON FUNCTION create_yearly_sequence(text, bigint) FROM PUBLIC"),
        sql.SQL("GRANT EXECUTE ON FUNCTION create_yearly_sequence(text, bigint) TO {}").format(app_id),
        # The audit trail: read and append, nothing else, for everyone but the owner.
        sql.SQL("REVOKE ALL ON {} FROM PUBLIC, {}").format(audit, readers_sql),
        sql.SQL("GRANT SELECT ON {} TO {}").format(audit, readers_sql),
        sql.SQL("GRANT INSERT ON audit_auditevent TO {}").format(app_id),
        sql.SQL("GRANT INSERT ON {} TO {}").format(sealed, inserter),
        sql.SQL("GRANT USAGE, SELECT ON SEQUENCE audit_auditcheckpoint_id_seq TO {}").format(inserter),
    ]
    return out


def _create_role(name: str, attributes: str) -> sql.Composed:
    return sql.SQL(
        "DO $roles$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = {name}) "
        "THEN CREATE ROLE {role} LOGIN " + attributes + "; ELSE ALTER ROLE {role} LOGIN " + attributes + "; END IF; "
        "END $roles$"
    ).format(name=sql.Literal(name), role=sql.Identifier(name))


def apply(connection: BaseDatabaseWrapper, statements_: list[sql.Composed]) -> None:
    raw = connection.connection
    with raw.cursor() as cursor:
        for statement in statements_:
            cursor.execute(statement)


@contextmanager
def as_owner(connection: BaseDatabaseWrapper) -> Iterator[None]:
    """Run the block connected as the tables' owner (``DATABASE_OWNER_URL``: its user, password, host and port; the
    database stays the connection's own, so test databases work too). Without the setting, nothing changes."""
    url = getattr(settings, "DATABASE_OWNER_URL", "")
    if not url or connection.vendor != "postgresql":
        yield
        return
    owner = dj_database_url.parse(url)
    saved = dict(connection.settings_dict)
    connection.close()
    connection.settings_dict.update({key: owner[key] for key in ("USER", "PASSWORD", "HOST", "PORT") if owner.get(key)})
    try:
        yield
    finally:
        connection.close()
        connection.settings_dict.clear()
        connection.settings_dict.update(saved)


def own_all(owner: str) -> list[sql.Composed]:
    """Give every table of the public schema to the owner (a database migrated by another role, as in tests)."""
    return [
        sql.SQL(
            "DO $own$ DECLARE t text; BEGIN FOR t IN SELECT tablename FROM pg_tables WHERE schemaname = 'public' "
            "LOOP EXECUTE format('ALTER TABLE %I OWNER TO %I', t, {owner}); END LOOP; END $own$"
        ).format(owner=sql.Literal(owner))
    ]
