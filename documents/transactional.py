"""Stored files tied to the transaction that records them: removed if it does not commit, never once it has.

A service stores its documents (encrypted) before or inside a transaction, then writes the rows naming them.
If anything fails before the commit, the files are removed so no orphan stays; but a step that fails *after*
the commit (an ``on_commit`` callback, a lost connection on the way back) must not delete what the committed
rows name. The commit is observed by an ``on_commit`` marker registered first in the transaction::

    with StoredFiles() as files:
        files.add(store(upload))           # before the transaction (no lock held while writing bytes)
        with files.atomic():
            ...                            # rows naming files.names

A process killed between storing and committing still leaves orphans: ``manage.py sweep_files`` removes them.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager

from django.core.files.storage import default_storage
from django.db import transaction

logger = logging.getLogger(__name__)


def delete_names(names: Sequence[str]) -> None:
    """Remove stored files; a missing one is no error, a failing one is logged (the sweeper retries it)."""
    for name in names:
        try:
            default_storage.delete(name)
        except OSError:
            logger.warning("Could not delete stored file %s; sweep_files will.", name)


class StoredFiles:
    """The names stored for one transaction; on an exception they are removed unless that transaction committed."""

    def __init__(self, delete: Callable[[Sequence[str]], None] = delete_names) -> None:
        self.names: list[str] = []
        self.committed = False
        self._delete = delete

    def add(self, name: str) -> str:
        self.names.append(name)
        return name

    @contextmanager
    def atomic(self) -> Iterator[None]:
        """``transaction.atomic()`` that records its own commit (nested in an outer block: the outer commit)."""
        with transaction.atomic():
            transaction.on_commit(self._mark_committed)
            yield

    def _mark_committed(self) -> None:
        self.committed = True

    def discard(self) -> None:
        """Remove the files now (the transaction was rolled back and the caller answers otherwise)."""
        if not self.committed:
            self._delete(self.names)
            self.names = []

    def __enter__(self) -> StoredFiles:
        return self

    def __exit__(self, exc_type, exc, traceback) -> bool:
        if exc_type is not None:
            self.discard()
        return False
