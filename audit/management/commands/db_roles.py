"""``manage.py db_roles``: the least-privileged PostgreSQL roles (see ``audit.roles``); prints the SQL, ``--apply``
runs it (as a superuser, or a role with CREATEROLE that owns the tables)."""

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connections
from psycopg import sql

from audit import roles


class Command(BaseCommand):
    help = (
        "Create or update the owner role (migrations), the application role (audit tables: SELECT and INSERT only) "
        "and optionally the sealer role; print the SQL, or run it with --apply."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--owner", default="om_owner", help="Role that runs migrations and owns the tables.")
        parser.add_argument("--app", default="om_app", help="Role the portal connects as.")
        parser.add_argument("--sealer", default="", help="Role of the sealer and verify_audit (else the app role).")
        parser.add_argument("--reassign-from", default="", help="Give this role's tables to the owner first.")
        parser.add_argument(
            "--password-file",
            type=Path,
            help="Lines '<role> <password>': set these passwords (with --apply only; never printed).",
        )
        parser.add_argument(
            "--before-restore",
            action="store_true",
            help="Roles and schema rights only, for an empty database a backup is restored into; then run it again.",
        )
        parser.add_argument("--apply", action="store_true", help="Run the statements instead of printing them.")
        parser.add_argument("--database", default="default")

    def handle(self, *args: Any, **options: Any) -> None:
        connection = connections[options["database"]]
        if connection.vendor != "postgresql":
            raise CommandError("Database roles are a PostgreSQL feature; the embedded SQLite database has none.")
        statements = roles.statements(
            database=connection.settings_dict["NAME"],
            owner=options["owner"],
            app=options["app"],
            sealer=options["sealer"] or None,
            reassign_from=options["reassign_from"] or None,
            before_restore=options["before_restore"],
        )
        passwords = _passwords(options["password_file"]) if options["password_file"] else {}
        if not options["apply"]:
            connection.ensure_connection()
            for statement in statements:
                self.stdout.write(statement.as_string(connection.connection) + ";")
            if passwords:
                self.stdout.write("-- passwords are set with --apply only")
            return
        statements += [
            sql.SQL("ALTER ROLE {} PASSWORD {}").format(sql.Identifier(role), sql.Literal(password))
            for role, password in passwords.items()
        ]
        connection.ensure_connection()
        roles.apply(connection, statements)
        self.stdout.write(f"Roles {options['owner']}, {options['app']} ready on {connection.settings_dict['NAME']}.")


def _passwords(path: Path) -> dict[str, str]:
    passwords = {}
    for line in path.read_text().splitlines():
        if line.strip() and not line.startswith("#"):
            role, _, password = line.strip().partition(" ")
            if not password:
                raise CommandError(f"{path}: expected '<role> <password>' lines.")
            passwords[role] = password.strip()
    return passwords
