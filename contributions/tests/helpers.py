"""What several contribution tests use: a call paid in full, the mail the file backend wrote, the text of a PDF."""

from __future__ import annotations

import email
import io
from datetime import date
from email.header import decode_header, make_header
from pathlib import Path

from django.conf import settings
from pypdf import PdfReader

from contributions import services

SEPARATOR = b"\n" + b"-" * 79 + b"\n"


def mails() -> list[tuple[str, str, str]]:
    """(to, subject, text) of every message written to ``EMAIL_FILE_PATH``."""
    folder = Path(settings.EMAIL_FILE_PATH)
    found = []
    for path in sorted(folder.iterdir()) if folder.exists() else []:
        for chunk in path.read_bytes().split(SEPARATOR):
            if not chunk.strip():
                continue
            message = email.message_from_binary_file(io.BytesIO(chunk))
            text = next(
                part.get_payload(decode=True).decode()
                for part in message.walk()
                if part.get_content_type() == "text/plain"
            )
            found.append((message["To"], str(make_header(decode_header(message["Subject"]))), text))
    return found


def pdf_text(content: bytes) -> str:
    return " ".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


def pay_in_full(call, *, source: str, reference: str, received_on: date = date(2026, 1, 10)) -> services.Recorded:
    """What ``call`` is due, received and allocated to it."""
    return services.payment_record(
        actor=None, source=source, reference=reference, amount=call.amount_due, received_on=received_on, call=call
    )
