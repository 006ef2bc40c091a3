"""``migrate`` connected as the tables' owner when ``DATABASE_OWNER_URL`` is set (see ``audit.roles``): the portal's
own role can neither create nor alter a table."""

from typing import Any

from django.core.management.commands import migrate
from django.db import connections

from audit import roles


class Command(migrate.Command):
    def handle(self, *args: Any, **options: Any) -> None:
        with roles.as_owner(connections[options["database"]]):
            super().handle(*args, **options)
