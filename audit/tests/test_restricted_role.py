"""The least-privileged roles of ``db_roles``, proven on a real PostgreSQL: what the portal's role cannot do to the
audit trail whatever SQL it sends, what the sealer role may do, and what even the owner is refused (TRUNCATE)."""

from __future__ import annotations

import os

import psycopg
import pytest
from django.db import connection
from psycopg import errors

from audit import roles
from audit.models import AuditEvent
from audit.services import record

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="database roles are a PostgreSQL feature"),
    pytest.mark.skipif(bool(os.environ.get("TEST_AS_APP_ROLE")), reason="creating roles needs the superuser"),
]


@pytest.fixture
def role_names():
    """Roles named after the test database (roles are shared by the whole cluster), created by db_roles."""
    database = connection.settings_dict["NAME"]
    names = {kind: f"{database}_{kind}"[:63] for kind in ("owner", "app", "sealer")}
    connection.ensure_connection()
    roles.apply(
        connection,
        roles.statements(database=database, owner=names["owner"], app=names["app"], sealer=names["sealer"]),
    )
    yield names
    with connection.cursor() as cursor:
        for name in names.values():
            cursor.execute(f'DROP OWNED BY "{name}"; DROP ROLE IF EXISTS "{name}"')


def connect(role: str) -> psycopg.Connection:
    settings = connection.settings_dict
    return psycopg.connect(
        host=settings["HOST"] or "127.0.0.1",
        port=settings["PORT"] or 5432,
        user=role,
        password=settings.get("PASSWORD") or None,
        dbname=settings["NAME"],
        autocommit=True,
    )


def refused(conn: psycopg.Connection, sql: str, error: type[Exception] = errors.InsufficientPrivilege) -> None:
    with pytest.raises(error):
        conn.execute(sql)


def test_the_app_role_can_append_and_read_the_trail_but_nothing_else(role_names):
    event = record(actor=None, action="contract.created")
    with connect(role_names["app"]) as app:
        app.execute(
            "INSERT INTO audit_auditevent (occurred_at, actor_label, profile, action, target_type, target_id, data, "
            "user_agent) VALUES (now(), 'system', '', 'contract.created', '', '', '{}', '')"
        )
        assert app.execute("SELECT count(*) FROM audit_auditevent").fetchone()[0] == 2
        refused(app, f"UPDATE audit_auditevent SET data = '{{}}' WHERE id = {event.id}")
        refused(app, f"DELETE FROM audit_auditevent WHERE id = {event.id}")
        refused(app, "TRUNCATE audit_auditevent")
        refused(app, "TRUNCATE audit_auditseal")
        refused(app, "ALTER TABLE audit_auditevent ADD COLUMN note text")
        refused(app, "ALTER TABLE audit_auditevent DISABLE TRIGGER ALL")
        refused(app, "ALTER TABLE audit_auditevent DISABLE TRIGGER audit_event_no_update")
        refused(app, "DROP TRIGGER audit_event_no_update ON audit_auditevent")
        refused(app, "DROP TABLE audit_auditseal")
        refused(app, "SET session_replication_role = replica")
        refused(app, "CREATE TABLE public.shadow (id int)")
        # Rewriting the chain: the app role cannot write seals or checkpoints (the sealer role does).
        refused(app, f"INSERT INTO audit_auditseal VALUES ({event.id}, NULL, '{'0' * 64}', '{'1' * 64}')")
        refused(
            app, "INSERT INTO audit_auditcheckpoint (event_id, hash, checked, created_at) VALUES (1, 'x', 1, now())"
        )
    assert AuditEvent.objects.get(id=event.id).data == {}


def test_the_app_role_runs_the_business_tables(role_names):
    with connect(role_names["app"]) as app:
        app.execute("INSERT INTO django_session VALUES ('k', 'd', now())")
        app.execute("UPDATE django_session SET session_data = 'e' WHERE session_key = 'k'")
        app.execute("DELETE FROM django_session WHERE session_key = 'k'")
        refused(app, "TRUNCATE django_session")
        refused(app, "ALTER TABLE django_session ADD COLUMN note text")


def test_the_sealer_role_seals_but_cannot_rewrite(role_names):
    event = record(actor=None, action="contract.created")
    with connect(role_names["sealer"]) as sealer:
        sealer.execute(f"INSERT INTO audit_auditseal VALUES ({event.id}, NULL, '{'0' * 64}', '{'1' * 64}')")
        sealer.execute(
            "INSERT INTO audit_auditcheckpoint (event_id, hash, checked, created_at) VALUES (1, 'x', 1, now())"
        )
        refused(sealer, f"UPDATE audit_auditseal SET hash = 'x' WHERE event_id = {event.id}")
        refused(sealer, f"DELETE FROM audit_auditseal WHERE event_id = {event.id}")
        refused(sealer, "TRUNCATE audit_auditseal")
        refused(sealer, "INSERT INTO audit_auditevent (occurred_at, actor_label, action) VALUES (now(), 'x', 'a.b')")
        refused(sealer, "DELETE FROM django_session")


def test_future_tables_of_the_owner_are_granted_to_the_app_role(role_names):
    with connect(role_names["owner"]) as owner:
        owner.execute("CREATE TABLE later_table (id int)")
    try:
        with connect(role_names["app"]) as app:
            app.execute("INSERT INTO later_table VALUES (1)")
            assert app.execute("SELECT count(*) FROM later_table").fetchone()[0] == 1
    finally:
        connection.cursor().execute("DROP TABLE later_table")


def test_even_a_superuser_truncate_is_refused_by_the_statement_trigger():
    record(actor=None, action="contract.created")
    with pytest.raises(Exception, match="audit trail is append-only"), connection.cursor() as cursor:
        cursor.execute("TRUNCATE audit_auditevent")
