"""Email into files a person can open: one ``.eml`` file per message (the embedded default)."""

from __future__ import annotations

import itertools
import os
import uuid
from pathlib import Path

from django.conf import settings
from django.core.mail.backends.base import BaseEmailBackend
from django.utils import timezone

_sequence = itertools.count(1)  # orders the messages one process writes within the same microsecond


class EmlFileBackend(BaseEmailBackend):
    """Writes each message as ``<time>-<id>.eml`` under ``EMAIL_FILE_PATH`` (mode 0600: they hold credentials).

    The names sort in the order the messages were sent: the time goes down to the microsecond, then a counter.
    """

    def send_messages(self, email_messages) -> int:
        folder = Path(settings.EMAIL_FILE_PATH)
        folder.mkdir(parents=True, exist_ok=True)
        sent = 0
        for message in email_messages:
            name = f"{timezone.now():%Y%m%d-%H%M%S-%f}-{next(_sequence):08d}-{uuid.uuid4().hex[:12]}.eml"
            fd = os.open(folder / name, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(fd, "wb") as handle:
                handle.write(message.message().as_bytes(linesep="\r\n"))
            sent += 1
        return sent
