"""Model fields whose content is encrypted at rest."""

from __future__ import annotations

from typing import Any

from django.db import models

from core import crypto


class EncryptedTextField(models.TextField):
    """A text column stored as a Fernet token; read back as plain text.

    It cannot be filtered or ordered on: store a ``crypto.blind_index`` beside it
    (or a masked form such as the last four IBAN digits) where a lookup is needed.
    """

    description = "Text encrypted at rest"

    def get_prep_value(self, value: Any) -> Any:
        value = super().get_prep_value(value)
        if value is None or value == "":
            return value
        return crypto.encrypt(str(value).encode()).decode()

    def from_db_value(self, value: Any, expression: Any, connection: Any) -> Any:
        if value is None or value == "":
            return value
        return crypto.decrypt(value.encode()).decode()
