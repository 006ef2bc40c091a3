"""PostgreSQL sequences created on demand, for numbers that many transactions take at once.

``nextval`` is never rolled back and holds no lock until commit, which is what lets concurrent writers go
through without waiting for each other. A sequence is created on a connection of its own, committed at once:
created inside the caller's transaction it would stay invisible, and block every other transaction creating it,
until that transaction ends. It is then named by its OID, because a transaction already open may not see the
name of a relation committed after it began until it next takes a lock.

The portal's least-privileged role (``manage.py db_roles``) may not create anything: it calls the owner's
``create_yearly_sequence`` (SECURITY DEFINER, names ending in a year only) instead.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Callable

from django.db import DatabaseError, connection

_NAME = re.compile(r"^[a-z_][a-z0-9_]{0,62}$")
_oids: dict[tuple[str, str], int] = {}


def next_value(name: str, *, start: Callable[[], int]) -> int:
    """The next value of sequence ``name``; created first, starting at ``start()``, when it does not exist."""
    if not _NAME.match(name):
        raise ValueError(f"Not a sequence name: {name!r}")
    key = (connection.settings_dict["NAME"], name)
    if key not in _oids:
        _oids[key] = _created(name, start)
    with connection.cursor() as cursor:
        cursor.execute("SELECT nextval(%s::oid::regclass)", [_oids[key]])
        return cursor.fetchone()[0]


def _created(name: str, start: Callable[[], int]) -> int:
    """The OID of the sequence, created committed on a short connection of its own when missing."""
    own = connection.copy()
    try:
        with own.cursor() as cursor:
            cursor.execute("SELECT to_regclass(%s)::oid", [name])
            oid = cursor.fetchone()[0]
            if oid is None:
                with contextlib.suppress(DatabaseError):  # created by another process meanwhile: found below
                    cursor.execute(f"CREATE SEQUENCE IF NOT EXISTS {name} START WITH {max(1, start()):d}")
                cursor.execute("SELECT to_regclass(%s)::oid", [name])
                if cursor.fetchone()[0] is None:  # a role without CREATE: the owner's function (manage.py db_roles)
                    cursor.execute("SELECT create_yearly_sequence(%s, %s)", [name, max(1, start())])
                cursor.execute("SELECT to_regclass(%s)::oid", [name])
                oid = cursor.fetchone()[0]
    finally:
        own.close()
    return oid
