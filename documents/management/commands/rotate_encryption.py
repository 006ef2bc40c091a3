"""Re-encrypt every stored document and encrypted field under the newest key (SPEC X2).

Rotation: put the new key first in ``ENCRYPTION_KEYS`` (keeping the old ones after it), run
this command, then drop the old keys. Running it again is harmless: everything is simply
re-encrypted under the newest key once more.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.apps import apps
from django.core.files.storage import storages
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import models, transaction
from django.db.models import Q

from core.crypto import InvalidToken
from core.fields import EncryptedTextField
from documents.storage import EncryptedStorage


def encrypted_fields() -> Iterator[tuple[type[models.Model], list[str]]]:
    """Each concrete model with its ``EncryptedTextField`` names (proxies share their parent's table)."""
    for model in apps.get_models():
        if model._meta.proxy:
            continue
        names = [field.name for field in model._meta.concrete_fields if isinstance(field, EncryptedTextField)]
        if names:
            yield model, names


def reencrypt_model(model: type[models.Model], names: list[str], batch_size: int) -> int:
    """Rewrite the rows holding a value, one locked batch at a time so no concurrent edit is lost."""
    empty = Q()
    for name in names:
        empty &= Q(**{name: ""}) | Q(**{f"{name}__isnull": True})
    rows = model._base_manager.exclude(empty).only("pk", *names).order_by("pk")
    count, page = 0, rows
    while True:
        with transaction.atomic():
            batch = list(page.select_for_update()[:batch_size])
            model._base_manager.bulk_update(batch, names)
        count += len(batch)
        if len(batch) < batch_size:
            return count
        page = rows.filter(pk__gt=batch[-1].pk)


class Command(BaseCommand):
    help = "Re-encrypt stored documents and encrypted fields under the first key of ENCRYPTION_KEYS."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--batch-size", type=int, default=500, help="Rows rewritten per transaction.")

    def handle(self, *args: Any, batch_size: int, **options: Any) -> None:
        if batch_size < 1:
            raise CommandError("--batch-size must be at least 1.")
        try:
            self.rotate_documents()
            self.rotate_fields(batch_size)
        except InvalidToken as exc:
            raise CommandError(
                "Something could not be decrypted with any key of ENCRYPTION_KEYS: keep every old key "
                "after the new one until this command has completed."
            ) from exc

    def rotate_documents(self) -> None:
        storage = storages["default"]
        if not isinstance(storage, EncryptedStorage):
            raise CommandError("The default storage is not documents.storage.EncryptedStorage.")
        names = list(storage.stored_names())  # listed first: the temporary copies must not be walked
        for name in names:
            storage.rotate(name)
        self.stdout.write(f"Documents re-encrypted: {len(names)}")

    def rotate_fields(self, batch_size: int) -> None:
        for model, fields in encrypted_fields():
            count = reencrypt_model(model, fields, batch_size)
            self.stdout.write(f"{model._meta.label} ({', '.join(fields)}): {count} rows re-encrypted")
