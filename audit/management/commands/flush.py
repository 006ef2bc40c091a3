"""``flush`` that can also empty the audit trail.

Flushing wipes the whole database on purpose (test teardown, a development reset), the audit trail with it. The
append-only triggers refuse that: SQLite has only DELETE, which the row triggers refuse; PostgreSQL uses TRUNCATE,
which the statement triggers refuse. So the triggers are lifted for the flush and put back in the same transaction:
if anything fails they were never gone. Only the tables' owner may do that: with ``DATABASE_OWNER_URL`` set, the
flush connects as the owner (the application role could not).
"""

from typing import Any

from django.core.management.commands import flush
from django.db import connections, transaction

from audit import roles, triggers


class Command(flush.Command):
    def handle(self, **options: Any) -> None:
        connection = connections[options["database"]]
        with roles.as_owner(connection):
            if triggers.EVENTS not in connection.introspection.table_names():
                super().handle(**options)
                return
            with transaction.atomic(using=connection.alias):
                if connection.vendor == "sqlite":
                    triggers.drop(connection)
                triggers.drop_truncate(connection, function=False)
                super().handle(**options)
                if connection.vendor == "sqlite":
                    triggers.install(connection)
                triggers.install_truncate(connection, function=False)
