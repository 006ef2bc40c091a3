"""``flush`` that can also empty the audit trail on SQLite.

Flushing wipes the whole database on purpose (test teardown, a development reset). On
PostgreSQL it uses TRUNCATE, which the append-only row triggers do not see; SQLite has
only DELETE, which they refuse. So on SQLite the triggers are lifted for the flush and
put back in the same transaction: if anything fails they were never gone.
"""

from typing import Any

from django.core.management.commands import flush
from django.db import connections, transaction

from audit import triggers


class Command(flush.Command):
    def handle(self, **options: Any) -> None:
        connection = connections[options["database"]]
        if connection.vendor != "sqlite" or triggers.EVENTS not in connection.introspection.table_names():
            super().handle(**options)
            return
        with transaction.atomic(using=connection.alias):
            triggers.drop(connection)
            super().handle(**options)
            triggers.install(connection)
